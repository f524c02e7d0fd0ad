// Shared formatting for the reporters: JSON forms of events, progress and
// the summary (schemas/events.schema.json), and the text summary.
#include "apply/reporter.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/timefmt.h"

namespace respec {

const char* EventKindName(EventKind k) {
  switch (k) {
    case EventKind::kRunStarted: return "run_started";
    case EventKind::kStepStarted: return "step_started";
    case EventKind::kStepSucceeded: return "step_succeeded";
    case EventKind::kStepSkipped: return "step_skipped";
    case EventKind::kStepRetried: return "step_retried";
    case EventKind::kStepFailed: return "step_failed";
    case EventKind::kInstanceDone: return "instance_done";
    case EventKind::kInstanceFailed: return "instance_failed";
    case EventKind::kInstanceCompensated: return "instance_compensated";
    case EventKind::kInstanceSkipped: return "instance_skipped";
    case EventKind::kMessage: return "message";
    case EventKind::kRunFinished: return "run_finished";
  }
  return "message";
}

static nlohmann::json ErrorJson(const CloudError& e) {
  return {{"code", e.code},        {"message", e.message},   {"http_status", e.http_status},
          {"request_id", e.request_id}, {"action", e.action}, {"category", CategoryName(e.category)}};
}

static std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EventToJson(const Event& e) {
  nlohmann::json j = {{"type", "event"}, {"event", EventKindName(e.kind)}, {"time", FormatUtcSeconds(e.time)}};
  if (!e.instance_id.empty()) j["instance"] = e.instance_id;
  if (!e.group.empty()) j["group"] = e.group;
  if (!e.step.empty()) j["step"] = e.step;
  if (e.step_id >= 0) j["step_id"] = e.step_id;
  if (!e.order_id.empty()) j["order_id"] = e.order_id;
  if (!e.request_id.empty()) j["request_id"] = e.request_id;
  if (e.error) j["error"] = ErrorJson(*e.error);
  if (!e.action.empty()) j["action"] = e.action;
  if (!e.message.empty()) j["message"] = e.message;
  return Dump(j);
}

std::string ProgressToJson(const Progress& p, TimePoint now) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : p.groups)
    groups.push_back({{"name", g.name}, {"total", g.total}, {"done", g.done}, {"in_flight", g.in_flight},
                      {"waiting", g.waiting}, {"failed", g.failed}, {"skipped", g.skipped}});
  nlohmann::json j = {{"type", "progress"}, {"time", FormatUtcSeconds(now)}, {"total", p.total},
                      {"done", p.done}, {"in_flight", p.in_flight}, {"waiting", p.waiting},
                      {"failed", p.failed}, {"skipped", p.skipped}, {"elapsed_s", p.elapsed_s},
                      {"groups", groups}};
  if (p.eta_s >= 0) j["eta_s"] = p.eta_s;
  return Dump(j);
}

static const char* OutcomeName(InstanceOutcomeKind k) {
  switch (k) {
    case InstanceOutcomeKind::kChanged: return "changed";
    case InstanceOutcomeKind::kAlreadyApplied: return "already_applied";
    case InstanceOutcomeKind::kOrderPending: return "order_pending";
    case InstanceOutcomeKind::kFailed: return "failed";
    case InstanceOutcomeKind::kSkipped: return "skipped";
  }
  return "skipped";
}

std::string SummaryToJson(const Summary& s, TimePoint now) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& o : s.instances) {
    nlohmann::json i = {{"instance", o.instance_id}, {"group", o.group}, {"region", o.region},
                        {"from_type", o.from_type},  {"to_type", o.to_type}, {"outcome", OutcomeName(o.kind)}};
    if (!o.name.empty()) i["name"] = o.name;
    if (!o.order_id.empty()) i["order_id"] = o.order_id;
    if (o.error) i["error"] = ErrorJson(*o.error);
    if (!o.action.empty()) i["action"] = o.action;
    if (!o.reason.empty()) i["reason"] = o.reason;
    if (!o.final_status.empty()) i["final_status"] = o.final_status;
    list.push_back(std::move(i));
  }
  nlohmann::json j = {{"type", "summary"}, {"time", FormatUtcSeconds(now)}, {"plan_id", s.plan_id},
                      {"changed", s.changed}, {"already_applied", s.already},
                      {"order_pending", s.order_pending}, {"failed", s.failed},
                      {"skipped", s.skipped}, {"elapsed_s", s.elapsed_s}, {"interrupted", s.interrupted},
                      {"aborted", s.aborted}, {"exit_code", s.exit_code}, {"instances", list}};
  if (!s.abort_reason.empty()) j["reason"] = s.abort_reason;
  return Dump(j);
}

std::string DescribeEvent(const Event& e) {
  std::string who = e.instance_id.empty() ? "" : e.instance_id + (e.group.empty() ? "" : " (" + e.group + ")");
  std::string msg = e.message;
  switch (e.kind) {
    case EventKind::kRunStarted: return "apply started (plan " + e.message + ")";
    case EventKind::kStepStarted:
      return fmt::format("{}: {}{}", who, e.step, msg.empty() ? "" : " (" + msg + ")");
    case EventKind::kStepSucceeded:
      return fmt::format("{}: {} done{}", who, e.step, msg.empty() ? "" : ": " + msg);
    case EventKind::kStepSkipped: return fmt::format("{}: {} skipped: {}", who, e.step, msg);
    case EventKind::kStepRetried: return fmt::format("{}: {}: {}", who, e.step, msg);
    case EventKind::kStepFailed:
      return fmt::format("{}: {} failed: {}", who, e.step, e.error ? e.error->Describe() : msg);
    case EventKind::kInstanceDone:
      return fmt::format("{}: now {}{}", who, msg, e.order_id.empty() ? "" : " (order " + e.order_id + ")");
    case EventKind::kInstanceFailed:
      return fmt::format("{}: FAILED: {}; respec: {}", who, e.error ? e.error->code : "error", e.action);
    case EventKind::kInstanceCompensated: return fmt::format("{}: {}", who, msg);
    case EventKind::kInstanceSkipped: return fmt::format("{}: skipped: {}", who, msg);
    case EventKind::kMessage:
    case EventKind::kRunFinished: return who.empty() ? msg : who + ": " + msg;
  }
  return msg;
}

static std::string Duration(double s) {
  int t = static_cast<int>(s + 0.5);
  if (t >= 3600) return fmt::format("{}h{:02}m{:02}s", t / 3600, t / 60 % 60, t % 60);
  if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{:.1f}s", s);
}

std::string SummaryText(const Summary& s, bool color) {
  auto paint = [&](const char* code, const std::string& t) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, t) : t;
  };
  std::string out;
  std::vector<const InstanceOutcome*> changed, pending, failed, skipped;
  for (const auto& o : s.instances) {
    if (o.kind == InstanceOutcomeKind::kFailed) failed.push_back(&o);
    else if (o.kind == InstanceOutcomeKind::kOrderPending) pending.push_back(&o);
    else if (o.kind == InstanceOutcomeKind::kSkipped) skipped.push_back(&o);
    else changed.push_back(&o);
  }
  auto label = [](const InstanceOutcome& o) {
    return o.name.empty() || o.name == o.instance_id ? o.instance_id : o.instance_id + " " + o.name;
  };
  if (!changed.empty()) {
    out += "\nChanged:\n";
    for (const auto* o : changed)
      out += fmt::format("  {:<32} {:<6} {} -> {}  {}{}\n", label(*o), o->group, o->from_type, o->to_type,
                         o->order_id.empty() ? "" : "order " + o->order_id,
                         o->kind == InstanceOutcomeKind::kAlreadyApplied ? " (applied by an earlier run)" : "");
  }
  if (!pending.empty()) {
    out += "\n" + paint("33;1", "Orders pending (placed, the new type does not show yet):") + "\n";
    for (const auto* o : pending) {
      out += fmt::format("  {:<32} {:<6} {} -> {}  order {}\n", label(*o), o->group, o->from_type, o->to_type,
                         o->order_id);
      if (o->error) out += "      " + o->error->message + "\n";
      out += "      respec: " + o->action + "\n";
    }
  }
  if (!failed.empty()) {
    out += "\n" + paint("31;1", "Failed:") + "\n";
    for (const auto* o : failed) {
      out += fmt::format("  {:<32} {:<6} {} -> {}\n", label(*o), o->group, o->from_type, o->to_type);
      if (o->error) {
        out += fmt::format("      error: {}{}: {}\n", o->error->code,
                           o->error->http_status ? fmt::format(" (HTTP {})", o->error->http_status) : "",
                           o->error->message);
        if (!o->error->request_id.empty()) out += "      RequestId: " + o->error->request_id + "\n";
      }
      out += "      respec: " + o->action + "\n";
    }
  }
  if (!skipped.empty()) {
    out += "\n" + paint("33", "Not applied:") + "\n";
    for (const auto* o : skipped)
      out += fmt::format("  {:<32} {:<6} {} -> {}: {}\n", label(*o), o->group, o->from_type, o->to_type, o->reason);
  }
  std::string head = fmt::format("Apply {}: {} changed, {} already applied, {}{} failed, {} not applied in {}.",
                                 s.exit_code == 0 ? "complete" : "incomplete", s.changed, s.already,
                                 s.order_pending ? fmt::format("{} order(s) pending, ", s.order_pending) : "",
                                 s.failed, s.skipped, Duration(s.elapsed_s));
  out += "\n" + paint(s.exit_code == 0 ? "32;1" : "31;1", head) + "\n";
  if (!s.abort_reason.empty()) out += "  " + s.abort_reason + "\n";
  if (s.order_pending > 0)
    out += "  An order pending takes effect once it is paid or completes; run `respec apply` on the same plan "
           "again then to finish (its ClientToken places no second order).\n";
  if (s.exit_code != 0 && (s.skipped > 0 || s.failed > 0 || s.aborted))
    out += "  Run `respec apply` on the same plan to resume; done steps are not repeated.\n";
  return out;
}

}  // namespace respec
