#include "plan/render.h"

#include <unordered_map>

#include <fmt/format.h>

#include "core/terminal_text.h"
#include "core/version.h"
#include "plan/plan_file.h"

namespace respec {
namespace {

std::string Money(double v, const std::string& currency) {
  return fmt::format("{}{:.2f} {}", v > 0 ? "+" : "", v, currency.empty() ? "CNY" : currency);
}

std::string Duration(double s) {
  if (s < 90) return fmt::format("~{:.0f} s", s);
  if (s < 5400) return fmt::format("~{:.0f} min", s / 60);
  return fmt::format("~{:.1f} h", s / 3600);
}

const char* Ansi(char mark) {
  switch (mark) {
    case '~': return "\x1b[33m";
    case '!': return "\x1b[31m";
    default: return "\x1b[2m";
  }
}

std::string MdEscape(const std::string& text) {
  std::string out;
  for (char c : ForTerminal(text)) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

// What the reviewer approves: the plan file's digest.
std::string DigestFor(const Plan& plan) { return plan.digest.empty() ? PlanDigest(plan) : plan.digest; }

}  // namespace

std::string SummaryLine(const PlanCounts& c) {
  return fmt::format("Plan: {} to resize ({} upgrade{}, {} downgrade{}), {} blocked, {} unchanged",
                     c.changes(), c.upgrades, c.upgrades == 1 ? "" : "s", c.downgrades,
                     c.downgrades == 1 ? "" : "s", c.blocked, c.unchanged);
}

std::string DescribeActions(const Plan& plan, const InstancePlan& p) {
  std::vector<std::string> parts;
  for (int id : p.steps) {
    if (id < 0 || size_t(id) >= plan.steps.size()) continue;
    switch (plan.steps[size_t(id)].kind) {
      case StepKind::kWaitStable: parts.push_back("wait until stable"); break;
      case StepKind::kStop: parts.push_back("stop"); break;
      case StepKind::kModify:
        parts.push_back(p.direction == Direction::kDowngrade ? "modify (downgrade)" : "modify");
        break;
      case StepKind::kStart: parts.push_back("start"); break;
      case StepKind::kReboot: parts.push_back("restart when finished"); break;
    }
  }
  bool running_path = p.final_status == kRunning && p.direction == Direction::kUpgrade &&
                      p.observed_status != kStopped && p.observed_status != kStopping;
  if (running_path && p.options.reboot == RebootPolicy::kAt)
    parts.push_back(fmt::format("restart at {} (RebootTime)", p.options.reboot_at));
  if (running_path && p.options.reboot == RebootPolicy::kManual)
    parts.push_back("restart left to you");
  if (p.final_status == kStopped) parts.push_back("stays Stopped");
  return fmt::format("{}", fmt::join(parts, ", "));
}

PlanView BuildView(const Plan& plan) {
  PlanView v;
  v.counts = CountPlan(plan);
  v.summary = SummaryLine(v.counts);
  v.schedule = EstimateSchedule(plan);
  std::unordered_map<std::string, size_t> gi;
  for (const auto& g : plan.groups) {
    gi[g.name] = v.groups.size();
    v.groups.push_back(GroupTotals{g.name});
  }
  for (const auto& p : plan.instances) {
    PlanLine l;
    // Everything here came from the API or the plan file: made safe to print.
    l.instance_id = ForTerminal(p.instance_id);
    l.name = ForTerminal(p.name);
    l.group = ForTerminal(p.group);
    l.from = ForTerminal(p.observed_type);
    l.to = ForTerminal(p.target_type);
    l.status = ForTerminal(p.observed_status);
    if (p.direction != Direction::kNone) l.direction = DirectionName(p.direction);
    auto g = gi.find(p.group);
    GroupTotals* gt = g == gi.end() ? nullptr : &v.groups[g->second];
    if (p.verdict == Verdict::kChange) {
      l.mark = '~';
      l.actions = ForTerminal(DescribeActions(plan, p));
      if (p.price) {
        l.details.push_back(fmt::format("price {} (estimate, priced on {})",
                                        Money(p.price->trade, p.price->currency),
                                        p.priced_on.empty() ? p.instance_id : p.priced_on));
        v.price_total += p.price->trade;
        if (v.currency.empty()) v.currency = p.price->currency;
        if (gt) gt->price += p.price->trade, gt->priced = true;
      }
      for (const auto& n : p.notes) l.details.push_back(ForTerminal(n));
      if (gt) (p.direction == Direction::kDowngrade ? gt->downgrades : gt->upgrades)++;
      v.changes.push_back(std::move(l));
    } else if (p.verdict == Verdict::kBlocked) {
      l.mark = '!';
      for (const auto& b : p.blockers)
        l.details.push_back(ForTerminal(fmt::format("{} \u2014 {} [{}]", b.reason, b.remedy, b.code)));
      if (gt) ++gt->blocked;
      v.blocked.push_back(std::move(l));
    } else {
      l.mark = ' ';
      if (gt) ++gt->unchanged;
      v.unchanged.push_back(std::move(l));
    }
  }
  return v;
}

std::string RenderText(const Plan& plan, const RenderOptions& o) {
  PlanView v = BuildView(plan);
  std::string out;
  auto color = [&](char mark, const std::string& s) {
    return o.color ? std::string(Ansi(mark)) + s + "\x1b[0m" : s;
  };
  auto who = [](const PlanLine& l) {
    return l.name.empty() || l.name == l.instance_id ? l.instance_id
                                                      : fmt::format("{} ({})", l.instance_id, l.name);
  };
  // Notes repeat across instances (the same restart policy, the downgrade
  // refund); each distinct note is printed once, with how many it concerns.
  std::vector<std::pair<std::string, int>> notes;
  std::unordered_map<std::string, size_t> note_index;
  for (const auto& p : plan.instances)
    if (p.verdict == Verdict::kChange)
      for (const auto& n : p.notes) {
        auto [it, fresh] = note_index.emplace(ForTerminal(n), notes.size());
        if (fresh) notes.emplace_back(n, 0);
        ++notes[it->second].second;
      }
  out += fmt::format("respec plan of {} (sha256 {}), {}, plan {}\n", ForTerminal(plan.spec_path),
                     plan.spec_sha256.substr(0, 12), ForTerminal(plan.created_at), plan.plan_id.substr(0, 12));
  out += fmt::format("Plan digest: {} (what you approve; apply refuses a plan file that does not match it)\n",
                     DigestFor(plan));
  for (const auto& g : plan.groups) {
    std::vector<const PlanLine*> lines;
    for (const auto& l : v.changes) if (l.group == g.name) lines.push_back(&l);
    for (const auto& l : v.blocked) if (l.group == g.name) lines.push_back(&l);
    if (o.show_unchanged)
      for (const auto& l : v.unchanged) if (l.group == g.name) lines.push_back(&l);
    if (lines.empty()) continue;
    out += "\n" + ForTerminal(fmt::format("Group {} (maxUnavailable {}, maxFailures {}{})", g.name, g.max_unavailable,
                       g.max_failures < 0 ? std::string("unlimited") : std::to_string(g.max_failures),
                       g.depends_on.empty() ? "" : fmt::format(", after {}", fmt::join(g.depends_on, ", ")))) + "\n";
    for (const PlanLine* l : lines) {
      if (l->mark == '~') {
        out += color('~', fmt::format("  ~ {} {} -> {}  {}  {}: {}", who(*l), l->from, l->to,
                                      l->direction, l->status, l->actions)) + "\n";
      } else if (l->mark == '!') {
        for (size_t i = 0; i < l->details.size(); ++i)
          out += color('!', i == 0 ? fmt::format("  ! {} {}", who(*l), l->details[i])
                                   : fmt::format("      {}", l->details[i])) + "\n";
      } else {
        out += color(' ', fmt::format("    {} {}  {}", who(*l), l->from, l->status)) + "\n";
      }
    }
  }
  if (!notes.empty()) {
    out += "\nNotes:\n";
    for (const auto& [n, count] : notes) out += fmt::format("  - {} ({} instance{})\n", n, count, count == 1 ? "" : "s");
  }
  if (!plan.warnings.empty()) {
    out += "\nWarnings:\n";
    for (const auto& w : plan.warnings) out += "  - " + ForTerminal(w) + "\n";
  }
  if (v.counts.changes() > 0) {
    out += fmt::format("\nSchedule (estimate at {:g} API calls/s, maxParallel {}):\n", plan.api_qps,
                       plan.max_parallel);
    for (const auto& g : v.schedule.groups) {
      if (g.changed == 0) continue;
      out += ForTerminal(fmt::format("  {}: {} instance(s), {} wave(s), {}{}; first: {}{}", g.name, g.changed,
                         g.waves, Duration(g.seconds),
                         g.start_s > 0 ? fmt::format(", starts after {}", Duration(g.start_s)) : "",
                         fmt::join(g.first_wave.begin(),
                                   g.first_wave.begin() + long(std::min<size_t>(g.first_wave.size(), 5)), ", "),
                         g.first_wave.size() > 5 ? ", …" : "")) + "\n";
    }
    out += fmt::format("  total: {} wave(s), {}, {} API calls for the steps\n", v.schedule.waves,
                       Duration(v.schedule.seconds), v.schedule.api_calls);
  }
  bool any_price = false;
  for (const auto& g : v.groups) any_price |= g.priced;
  if (any_price) {
    std::vector<std::string> parts;
    for (const auto& g : v.groups)
      if (g.priced) parts.push_back(fmt::format("{} {}", ForTerminal(g.name), Money(g.price, v.currency)));
    out += fmt::format("\nPrice estimate: {} ({}); upgrades priced on a representative per kind of "
                       "change, downgrade refunds not priced\n",
                       Money(v.price_total, v.currency), fmt::join(parts, ", "));
  }
  if (v.counts.changes() == 0 && v.counts.blocked == 0)
    out += "\nNo changes: the live fleet matches the spec.\n";
  out += "\n" + v.summary + "\n";
  return out;
}

namespace {

// How much of the per-instance detail a Markdown rendering keeps.
enum class MdDetail { kRows, kSummaries, kGroupsOnly };

std::string MdHeader(const Plan& plan, const RenderOptions& o, const PlanView& v) {
  const std::string digest = DigestFor(plan);
  std::string out = fmt::format("### respec plan: `{}`\n\n**{}**\n\n", MdEscape(plan.spec_path), v.summary);
  out += fmt::format("Plan `{}` · digest `{}` (apply refuses a plan whose content does not match it) · spec sha256 `{}` · respec {} "
                     "(plan made by respec {})\n\n",
                     plan.plan_id, digest, plan.spec_sha256, kVersion, MdEscape(plan.respec_version));
  out += "| Group | Upgrades | Downgrades | Blocked | Unchanged | Waves | Est. time | Price estimate |\n";
  out += "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < v.groups.size(); ++i) {
    const auto& g = v.groups[i];
    const auto& s = v.schedule.groups[i];
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", MdEscape(g.name), g.upgrades,
                       g.downgrades, g.blocked, g.unchanged, s.waves,
                       s.changed ? Duration(s.seconds) : "-", g.priced ? Money(g.price, v.currency) : "-");
  }
  out += fmt::format("\nEstimated duration {} in {} wave(s) at {:g} API calls/s.\n", Duration(v.schedule.seconds),
                     v.schedule.waves, plan.api_qps);
  return out;
}

// Rows of `lines` grouped by `key` in first-seen order: (representative, count).
template <typename Key>
std::vector<std::pair<const PlanLine*, int>> Fold(const std::vector<PlanLine>& lines, Key key) {
  std::vector<std::pair<const PlanLine*, int>> out;
  std::unordered_map<std::string, size_t> at;
  for (const auto& l : lines) {
    auto [it, fresh] = at.emplace(key(l), out.size());
    if (fresh) out.emplace_back(&l, 0);
    ++out[it->second].second;
  }
  return out;
}

std::string BlockedReason(const PlanLine& l) { return fmt::format("{}", fmt::join(l.details, "; ")); }

std::string MdBody(const PlanView& v, const Plan& plan, const RenderOptions& o, MdDetail detail) {
  std::string out;
  if (!v.blocked.empty()) {
    out += "\n#### Blocked\n\n";
    if (detail == MdDetail::kRows) {
      out += "| Instance | Group | Type | Reason |\n|---|---|---|---|\n";
      for (const auto& l : v.blocked)
        out += fmt::format("| `{}` | {} | {} → {} | {} |\n", l.instance_id, MdEscape(l.group), l.from, l.to,
                           MdEscape(BlockedReason(l)));
    } else if (detail == MdDetail::kSummaries) {
      out += "| Group | Instances | Example | Reason |\n|---|---:|---|---|\n";
      for (const auto& [l, n] : Fold(v.blocked, [](const PlanLine& x) { return x.group + '\n' + BlockedReason(x); }))
        out += fmt::format("| {} | {} | `{}` | {} |\n", MdEscape(l->group), n, l->instance_id,
                           MdEscape(BlockedReason(*l)));
    }
  }
  if (!v.changes.empty()) {
    if (detail == MdDetail::kRows) {
      bool fold = int(v.changes.size()) > o.details_threshold;
      out += fold ? fmt::format("\n<details><summary>{} change(s)</summary>\n\n", v.changes.size())
                  : std::string("\n#### Changes\n\n");
      out += "| | Instance | Name | Group | From | To | Direction | Actions |\n|---|---|---|---|---|---|---|---|\n";
      for (const auto& l : v.changes)
        out += fmt::format("| ~ | `{}` | {} | {} | {} | {} | {} | {}: {} |\n", l.instance_id, MdEscape(l.name),
                           MdEscape(l.group), l.from, l.to, l.direction, l.status, MdEscape(l.actions));
      if (fold) out += "\n</details>\n";
    } else if (detail == MdDetail::kSummaries) {
      out += "\n#### Changes by group\n\n| Group | Instances | From | To | Direction | Actions |\n"
             "|---|---:|---|---|---|---|\n";
      auto key = [](const PlanLine& x) {
        return x.group + '\n' + x.from + '\n' + x.to + '\n' + x.direction + '\n' + x.status + '\n' + x.actions;
      };
      for (const auto& [l, n] : Fold(v.changes, key))
        out += fmt::format("| {} | {} | {} | {} | {} | {}: {} |\n", MdEscape(l->group), n, l->from, l->to,
                           l->direction, l->status, MdEscape(l->actions));
    }
  }
  if (detail != MdDetail::kRows) {
    out += fmt::format("\n> **Folded to fit a comment** (at most {} characters): the {} per-instance row(s) are {}. "
                       "`respec show PLAN.json` lists every instance.\n",
                       o.markdown_max_chars, v.changes.size() + v.blocked.size(),
                       detail == MdDetail::kSummaries ? "summarised per group, type change and actions"
                                                      : "counted in the group table only");
  }
  if (!plan.warnings.empty()) {
    out += "\n#### Warnings\n\n";
    for (const auto& w : plan.warnings) out += "- " + MdEscape(w) + "\n";
  }
  return out;
}

}  // namespace

std::string RenderMarkdown(const Plan& plan, const RenderOptions& o) {
  PlanView v = BuildView(plan);
  std::string head = MdHeader(plan, o, v);
  const size_t cap = o.markdown_max_chars;
  std::string out;
  for (MdDetail d : {MdDetail::kRows, MdDetail::kSummaries, MdDetail::kGroupsOnly}) {
    out = head + MdBody(v, plan, o, d);
    if (cap == 0 || out.size() <= cap) return out;
  }
  // Still too long (thousands of groups or warnings): cut at a line and say so.
  std::string note = fmt::format("\n> **Cut to fit a comment** (at most {} characters); `respec show PLAN.json` has "
                                 "the whole plan.\n", cap);
  size_t keep = cap > note.size() ? cap - note.size() : 0;
  size_t nl = out.rfind('\n', keep);
  out.resize(nl == std::string::npos ? 0 : nl + 1);
  out += note;
  if (out.size() > cap) out.resize(cap);
  return out;
}

std::string RenderDot(const Plan& plan) {
  std::string out = "digraph respec_plan {\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n";
  for (size_t gi = 0; gi < plan.groups.size(); ++gi) {
    const auto& g = plan.groups[gi];
    out += fmt::format("  subgraph \"cluster_{}\" {{\n    label=\"{} (maxUnavailable {})\";\n", gi, g.name,
                       g.max_unavailable);
    for (const auto& s : plan.steps)
      if (s.group == g.name)
        out += fmt::format("    s{} [label=\"{}\\n{}\"];\n", s.id, s.instance_id, StepKindName(s.kind));
    out += fmt::format("    \"join_{}\" [shape=point, xlabel=\"{} done\"];\n  }}\n", gi, g.name);
  }
  std::vector<char> has_in(plan.steps.size(), 0), has_out(plan.steps.size(), 0);
  for (const auto& [a, b] : plan.edges) {
    out += fmt::format("  s{} -> s{};\n", a, b);
    if (size_t(a) < has_out.size()) has_out[size_t(a)] = 1;
    if (size_t(b) < has_in.size()) has_in[size_t(b)] = 1;
  }
  std::unordered_map<std::string, size_t> gi;
  for (size_t i = 0; i < plan.groups.size(); ++i) gi[plan.groups[i].name] = i;
  for (const auto& s : plan.steps) {
    auto it = gi.find(s.group);
    if (it != gi.end() && !has_out[size_t(s.id)])
      out += fmt::format("  s{} -> \"join_{}\" [style=dotted];\n", s.id, it->second);
  }
  for (size_t b = 0; b < plan.groups.size(); ++b)
    for (const auto& dep : plan.groups[b].depends_on) {
      auto a = gi.find(dep);
      if (a == gi.end()) continue;
      out += fmt::format("  \"join_{}\" -> \"join_{}\" [style=dashed];\n", a->second, b);
      for (const auto& s : plan.steps)
        if (s.group == plan.groups[b].name && !has_in[size_t(s.id)])
          out += fmt::format("  \"join_{}\" -> s{} [style=dashed];\n", a->second, s.id);
    }
  out += "}\n";
  return out;
}

namespace {

class FnRenderer : public PlanRenderer {
 public:
  FnRenderer(PlanFormat f, RenderOptions o) : f_(f), o_(o) {}
  std::string Render(const Plan& plan) const override {
    switch (f_) {
      case PlanFormat::kText: return RenderText(plan, o_);
      case PlanFormat::kJson: return PlanToJson(plan);
      case PlanFormat::kMarkdown: return RenderMarkdown(plan, o_);
      case PlanFormat::kDot: return RenderDot(plan);
    }
    return "";
  }

 private:
  PlanFormat f_;
  RenderOptions o_;
};

}  // namespace

std::unique_ptr<PlanRenderer> MakeRenderer(PlanFormat format, RenderOptions options) {
  return std::make_unique<FnRenderer>(format, options);
}

}  // namespace respec
