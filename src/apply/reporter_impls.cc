// The three user-facing reporters: plain lines (with a periodic progress
// line and ETA), the live TTY view, JSON lines. Every throttle reads time
// through the Clock given, so tests drive them with a VirtualClock.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ostream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "apply/reporter.h"
#include "core/version.h"

namespace respec {
namespace {

std::string Clockish(double s) {
  if (s < 0) return "?";
  int t = static_cast<int>(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
                   : fmt::format("{}:{:02}", t / 60, t % 60);
}

std::string ProgressLine(const Progress& p) {
  return fmt::format("progress: {}/{} done, {} in flight, {} waiting, {} failed, {} skipped; elapsed {}, ETA {}",
                     p.done, p.total, p.in_flight, p.waiting, p.failed, p.skipped, Clockish(p.elapsed_s),
                     Clockish(p.eta_s));
}

bool Moved(const Progress& a, const Progress& b) {
  return a.done != b.done || a.failed != b.failed || a.in_flight != b.in_flight || a.skipped != b.skipped ||
         a.waiting != b.waiting;
}

// Breaks `line` into rows of at most `width` columns (continuations indented
// two spaces), so the terminal never wraps it itself. Cuts only between
// characters; an ANSI sequence is never split.
std::vector<std::string> FoldRows(const std::string& line, size_t width) {
  std::vector<std::string> rows;
  std::string row;
  size_t cols = 0;
  for (size_t i = 0; i < line.size();) {
    size_t len = 1;
    if (line[i] == '\x1b') {
      while (i + len < line.size() && line[i + len - 1] != 'm') ++len;
      row.append(line, i, len);
      i += len;
      continue;
    }
    while (i + len < line.size() && (static_cast<unsigned char>(line[i + len]) & 0xC0) == 0x80) ++len;
    if (cols + 1 > width) {
      rows.push_back(row);
      row = "  ";
      cols = 2;
    }
    row.append(line, i, len);
    ++cols;
    i += len;
  }
  rows.push_back(row);
  return rows;
}

class PlainReporter final : public Reporter {
 public:
  PlainReporter(std::ostream& out, const Clock& clock, Millis every) : out_(out), clock_(clock), every_(every) {}
  void OnEvent(const Event& e) override {
    if (e.kind == EventKind::kRunStarted) {
      start_ = e.time;
      last_line_ = clock_.Now();
    }
    Line(e.time, DescribeEvent(e));
  }
  // CI logs: a progress line with the ETA every `every_` of clock time while
  // the run goes on, so a quiet stretch (long waits) still shows life.
  void OnProgress(const Progress& p) override {
    TimePoint now = clock_.Now();
    if (every_.count() <= 0 || p.total == 0 || now - last_line_ < every_) return;
    last_line_ = now;
    Line(now, ProgressLine(p));
  }
  void OnSummary(const Summary& s) override { out_ << SummaryText(s, false) << std::flush; }

 private:
  void Line(TimePoint t, const std::string& text) {
    double s = std::chrono::duration<double>(t - start_).count();
    out_ << fmt::format("[{:>7.1f}s] ", s) << text << "\n";
    out_.flush();
  }

  std::ostream& out_;
  const Clock& clock_;
  Millis every_;
  TimePoint start_{};
  TimePoint last_line_{};
};

// Live view: important events scroll above a block of per-group lines that
// is redrawn in place (cursor up + clear to end), at most 4 times a second.
// Every block line is cut to the terminal's width minus one column, read
// before each redraw, and event lines are folded to it, so no line ever wraps (a wrapped line would make the
// cursor-up count wrong and stack copies of the block in the scrollback).
class TtyReporter final : public Reporter {
 public:
  TtyReporter(std::ostream& out, const Clock& clock, bool color, std::function<int()> columns)
      : out_(out), clock_(clock), color_(color), columns_(std::move(columns)) {}
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
    // Event lines scroll away above the block; fold them so the terminal
    // never wraps a line (a wrapped row confuses the redraw in some terminals).
    const size_t width = static_cast<size_t>(std::max(20, columns_()) - 1);
    for (const auto& row : FoldRows(line, width)) out_ << row << "\n";
    Draw();
  }
  void OnProgress(const Progress& p) override {
    last_ = p;
    TimePoint now = clock_.Now();
    if (drawn_lines_ > 0 && now - last_draw_ < Millis(250)) return;
    Clear();
    Draw();
    last_draw_ = now;
  }
  void OnSummary(const Summary& s) override {
    Clear();
    Draw();
    drawn_lines_ = 0;
    const size_t width = static_cast<size_t>(std::max(20, columns_()) - 1);
    std::string text = SummaryText(s, color_);
    for (size_t at = 0; at < text.size();) {
      size_t nl = text.find('\n', at);
      if (nl == std::string::npos) nl = text.size();
      for (const auto& row : FoldRows(text.substr(at, nl - at), width)) out_ << row << "\n";
      at = nl + 1;
    }
    out_ << std::flush;
  }

 private:
  void Clear() {
    if (drawn_lines_ > 0) out_ << fmt::format("\x1b[{}A\x1b[J", drawn_lines_);
    drawn_lines_ = 0;
  }
  void Draw() {
    if (last_.total == 0) return;
    const size_t width = static_cast<size_t>(std::max(20, columns_()) - 1);
    std::vector<std::string> lines;
    std::string head = fmt::format("applying: {}/{} done, {} in flight, {} waiting, {} failed  elapsed {}  ETA {}",
                                   last_.done, last_.total, last_.in_flight, last_.waiting, last_.failed,
                                   Clockish(last_.elapsed_s), Clockish(last_.eta_s));
    if (head.size() > width)
      head = fmt::format("{}/{} done {} run {} wait {} fail ETA {}", last_.done, last_.total, last_.in_flight,
                         last_.waiting, last_.failed, Clockish(last_.eta_s));
    lines.push_back(head);
    for (const auto& g : last_.groups) {
      std::string counts = fmt::format("{:>4}/{:<4} {:>3} run {:>4} wait {:>3} fail", g.done, g.total,
                                       g.in_flight, g.waiting, g.failed);
      // The bar takes what the name and the counts leave, 10 to 20 columns.
      size_t fixed = 2 + 14 + 1 + 2 + 1 + counts.size();
      int bar_width = width > fixed + 10 ? static_cast<int>(std::min<size_t>(20, width - fixed)) : 0;
      std::string line = fmt::format("  {:<14} ", g.name);
      if (bar_width > 0) {
        int filled = g.total ? (g.done + g.failed) * bar_width / g.total : 0;
        line += "[" + std::string(filled, '#') + std::string(bar_width - filled, '.') + "] ";
      }
      lines.push_back(line + counts);
    }
    std::string s;
    for (auto& l : lines) {
      if (l.size() > width) l.resize(width);  // ASCII only: group names are [A-Za-z0-9_-]
      s += l + "\n";
    }
    out_ << s << std::flush;
    drawn_lines_ = static_cast<int>(lines.size());
  }

  std::ostream& out_;
  const Clock& clock_;
  bool color_;
  std::function<int()> columns_;
  Progress last_;
  int drawn_lines_ = 0;
  TimePoint last_draw_{};
};

class JsonReporter final : public Reporter {
 public:
  JsonReporter(std::ostream& out, const Clock& clock) : out_(out), clock_(clock) {
    // The version record is always the first line (schemas/events.schema.json).
    out_ << VersionRecordJson() << "\n" << std::flush;
  }
  void OnEvent(const Event& e) override { out_ << EventToJson(e) << "\n" << std::flush; }
  void OnProgress(const Progress& p) override {
    // One progress line a second of clock time at most, and only when something moved.
    TimePoint now = clock_.Now();
    if (!Moved(p, last_) || (emitted_ && now - last_emit_ < Millis(1000))) return;
    last_ = p;
    last_emit_ = now;
    emitted_ = true;
    out_ << ProgressToJson(p, now) << "\n" << std::flush;
  }
  void OnSummary(const Summary& s) override { out_ << SummaryToJson(s, clock_.Now()) << "\n" << std::flush; }

 private:
  std::ostream& out_;
  const Clock& clock_;
  Progress last_;
  bool emitted_ = false;
  TimePoint last_emit_{};
};

int TerminalColumns(int fd) {
  struct winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS"); c && std::atoi(c) > 0) return std::atoi(c);
  return 80;
}

}  // namespace

std::string VersionRecordJson() {
  return fmt::format(R"({{"type":"version","format_version":{},"respec_version":"{}"}})", kEventsFormatVersion,
                     kVersion);
}

std::unique_ptr<Reporter> MakePlainReporter(std::ostream& out, const Clock& clock, Millis progress_every) {
  return std::make_unique<PlainReporter>(out, clock, progress_every);
}
std::unique_ptr<Reporter> MakeTtyReporter(std::ostream& out, const Clock& clock, bool color,
                                          std::function<int()> columns) {
  return std::make_unique<TtyReporter>(out, clock, color, std::move(columns));
}
std::unique_ptr<Reporter> MakeJsonReporter(std::ostream& out, const Clock& clock) {
  return std::make_unique<JsonReporter>(out, clock);
}

std::unique_ptr<Reporter> MakeReporterFor(std::ostream& out, int fd, bool json, bool color, const Clock& clock) {
  if (json) return MakeJsonReporter(out, clock);
  const char* term = std::getenv("TERM");
  bool dumb = term == nullptr || *term == '\0' || std::strcmp(term, "dumb") == 0;
  if (isatty(fd) == 1 && !dumb) return MakeTtyReporter(out, clock, color, [fd] { return TerminalColumns(fd); });
  return MakePlainReporter(out, clock);
}

}  // namespace respec
