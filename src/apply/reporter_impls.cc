// The three user-facing reporters: plain lines, live TTY view, JSON lines.
#include <chrono>
#include <ostream>

#include <fmt/format.h>

#include "apply/reporter.h"

namespace respec {
namespace {

std::string Clockish(double s) {
  if (s < 0) return "?";
  int t = static_cast<int>(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
                   : fmt::format("{}:{:02}", t / 60, t % 60);
}

class PlainReporter final : public Reporter {
 public:
  explicit PlainReporter(std::ostream& out) : out_(out) {}
  void OnEvent(const Event& e) override {
    if (e.kind == EventKind::kRunStarted) start_ = e.time;
    double t = std::chrono::duration<double>(e.time - start_).count();
    out_ << fmt::format("[{:>7.1f}s] ", t) << DescribeEvent(e) << "\n";
    out_.flush();
  }
  void OnProgress(const Progress&) override {}
  void OnSummary(const Summary& s) override { out_ << SummaryText(s, false) << std::flush; }

 private:
  std::ostream& out_;
  TimePoint start_{};
};

// Live view: important events scroll above a block of per-group lines that
// is redrawn in place (cursor up + clear to end), at most 4 times a second.
class TtyReporter final : public Reporter {
 public:
  TtyReporter(std::ostream& out, bool color) : out_(out), color_(color) {}
  void OnEvent(const Event& e) override {
    bool show = e.kind == EventKind::kStepFailed || e.kind == EventKind::kInstanceFailed ||
                e.kind == EventKind::kInstanceCompensated || e.kind == EventKind::kInstanceSkipped ||
                e.kind == EventKind::kMessage || e.kind == EventKind::kStepRetried ||
                e.kind == EventKind::kInstanceDone;
    if (!show) return;
    Clear();
    std::string line = DescribeEvent(e);
    if (color_ && (e.kind == EventKind::kInstanceFailed || e.kind == EventKind::kStepFailed))
      line = "\x1b[31m" + line + "\x1b[0m";
    else if (color_ && e.kind == EventKind::kInstanceDone)
      line = "\x1b[32m✓\x1b[0m " + line;
    out_ << line << "\n";
    Draw();
  }
  void OnProgress(const Progress& p) override {
    last_ = p;
    auto now = std::chrono::steady_clock::now();
    if (drawn_lines_ > 0 && now - last_draw_ < std::chrono::milliseconds(250)) return;
    Clear();
    Draw();
    last_draw_ = now;
  }
  void OnSummary(const Summary& s) override {
    Clear();
    Draw();
    drawn_lines_ = 0;
    out_ << SummaryText(s, color_) << std::flush;
  }

 private:
  void Clear() {
    if (drawn_lines_ > 0) out_ << fmt::format("\x1b[{}A\x1b[J", drawn_lines_);
    drawn_lines_ = 0;
  }
  void Draw() {
    if (last_.total == 0) return;
    std::string s = fmt::format("applying: {}/{} done, {} in flight, {} waiting, {} failed   elapsed {}  ETA {}\n",
                                last_.done, last_.total, last_.in_flight, last_.waiting, last_.failed,
                                Clockish(last_.elapsed_s), Clockish(last_.eta_s));
    int lines = 1;
    for (const auto& g : last_.groups) {
      const int width = 20;
      int filled = g.total ? (g.done + g.failed) * width / g.total : 0;
      std::string bar = std::string(filled, '#') + std::string(width - filled, '.');
      s += fmt::format("  {:<14} [{}] {:>4}/{:<4} done  {:>3} in flight  {:>4} waiting  {:>3} failed\n",
                       g.name, bar, g.done, g.total, g.in_flight, g.waiting, g.failed);
      ++lines;
    }
    out_ << s << std::flush;
    drawn_lines_ = lines;
  }

  std::ostream& out_;
  bool color_;
  Progress last_;
  int drawn_lines_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

class JsonReporter final : public Reporter {
 public:
  explicit JsonReporter(std::ostream& out) : out_(out) {}
  void OnEvent(const Event& e) override {
    now_ = e.time;
    out_ << EventToJson(e) << "\n" << std::flush;
  }
  void OnProgress(const Progress& p) override {
    // One progress line a second at most, and only when something moved.
    auto now = std::chrono::steady_clock::now();
    bool changed = p.done != last_.done || p.failed != last_.failed || p.in_flight != last_.in_flight ||
                   p.skipped != last_.skipped;
    if (!changed || now - last_emit_ < std::chrono::seconds(1)) return;
    last_ = p;
    last_emit_ = now;
    out_ << ProgressToJson(p, now_) << "\n" << std::flush;
  }
  void OnSummary(const Summary& s) override { out_ << SummaryToJson(s, now_) << "\n" << std::flush; }

 private:
  std::ostream& out_;
  TimePoint now_{};
  Progress last_;
  std::chrono::steady_clock::time_point last_emit_{};
};

}  // namespace

std::unique_ptr<Reporter> MakePlainReporter(std::ostream& out) { return std::make_unique<PlainReporter>(out); }
std::unique_ptr<Reporter> MakeTtyReporter(std::ostream& out, bool color) {
  return std::make_unique<TtyReporter>(out, color);
}
std::unique_ptr<Reporter> MakeJsonReporter(std::ostream& out) { return std::make_unique<JsonReporter>(out); }

}  // namespace respec
