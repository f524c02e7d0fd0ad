// What the executor tells the reporter about the run as a whole: progress
// counts per group with an ETA, and the final summary. Every statement the
// summary makes about an instance (changed, already applied, final type and
// power state, what respec did about a failure) comes from one batched read
// of live state after respec's last action (ObserveFinalState); where that
// read missed an instance the summary says "unknown" and why.
#include <algorithm>

#include "apply/executor_impl.h"
#include "apply/preflight.h"

namespace respec {

Progress Executor::Impl::MakeProgress() const {
  Progress p;
  for (int g = 0; g < schedule.group_count(); ++g) p.groups.push_back(GroupProgress{schedule.group_name(g)});
  for (const auto& r : runs) {
    GroupProgress& gp = p.groups[schedule.group_of(Index(r))];
    ++gp.total;
    switch (r.state) {
      case RunState::kPending: ++gp.waiting; break;
      case RunState::kIdle:
      case RunState::kCalling:
      case RunState::kWatching: ++gp.in_flight; break;
      case RunState::kDone:
      case RunState::kDoneEarlier: ++gp.done; break;
      case RunState::kFailed: ++gp.failed; break;
      case RunState::kSkipped: ++gp.skipped; break;
    }
  }
  std::erase_if(p.groups, [](const GroupProgress& g) { return g.total == 0; });
  for (const auto& g : p.groups) {
    p.total += g.total;
    p.done += g.done;
    p.in_flight += g.in_flight;
    p.waiting += g.waiting;
    p.failed += g.failed;
    p.skipped += g.skipped;
  }
  p.elapsed_s = std::chrono::duration<double>(clock->Now() - started).count();
  int finished = p.done + p.failed;
  int remaining = p.waiting + p.in_flight;
  if (remaining == 0) {
    p.eta_s = 0;
  } else if (finished > 0 && p.elapsed_s > 0) {
    p.eta_s = remaining / (finished / p.elapsed_s);
  }
  return p;
}

void Executor::Impl::ObserveFinalState() {
  std::vector<std::pair<std::string, std::string>> ids;
  for (const auto& r : runs) ids.emplace_back(r.ip->region, r.ip->instance_id);
  std::map<std::string, Instance> seen;
  int calls_made = 0;
  std::optional<CloudError> err = ReadInstances(cloud, ids, &seen, &calls_made);
  for (auto& r : runs) {
    auto it = seen.find(r.ip->instance_id);
    if (it != seen.end()) {
      r.live = it->second;
      continue;
    }
    r.live.reset();
    unobserved[r.ip->instance_id] = err ? "the final DescribeInstances failed: " + err->Describe()
                                        : "not returned by the final DescribeInstances";
  }
}

// The outcome of one instance, from its run and the final live read.
InstanceOutcome Executor::Impl::OutcomeOf(const InstanceRun& r) const {
  InstanceOutcome o;
  o.instance_id = r.ip->instance_id;
  o.name = r.ip->name;
  o.group = r.ip->group;
  o.region = r.ip->region;
  o.from_type = r.ip->observed_type;
  o.to_type = r.ip->target_type;
  o.order_id = r.order_id;
  o.error = r.error;
  o.action = r.action;
  o.reason = r.reason;
  o.kind = InstanceOutcomeKind::kSkipped;
  if (r.state == RunState::kIdle || r.state == RunState::kCalling || r.state == RunState::kWatching)
    o.reason = "stopped while in flight; resume to finish";
  if (aborted) {
    // Nothing was read after the hard stop: report what was last seen.
    o.final_status = r.live ? r.live->status : "";
    if (r.state == RunState::kDone || r.state == RunState::kDoneEarlier)
      o.kind = r.state == RunState::kDone ? InstanceOutcomeKind::kChanged : InstanceOutcomeKind::kAlreadyApplied;
    if (r.state == RunState::kFailed) o.kind = InstanceOutcomeKind::kFailed;
    return o;
  }
  if (!r.live) {
    auto why = unobserved.find(r.ip->instance_id);
    o.final_status = "unknown";
    if (r.state == RunState::kSkipped || r.state == RunState::kPending) return o;
    o.kind = InstanceOutcomeKind::kFailed;
    o.action = "unknown: " + (why == unobserved.end() ? std::string("not observed") : why->second) +
               (r.action.empty() ? "" : " (respec: " + r.action + ")");
    if (!o.error) o.error = MakeCloudError("Respec.NotObserved", "the final read did not show the instance");
    return o;
  }
  const Instance& live = *r.live;
  o.final_status = live.status;
  const bool type_ok = live.type == r.ip->target_type;
  const bool power_ok = r.ip->final_status.empty() || live.status == r.ip->final_status;
  switch (r.state) {
    case RunState::kDone:
      if (type_ok && power_ok) {
        o.kind = InstanceOutcomeKind::kChanged;
        return o;
      }
      break;
    case RunState::kDoneEarlier:
      if (type_ok) {
        o.kind = InstanceOutcomeKind::kAlreadyApplied;
        return o;
      }
      break;
    case RunState::kFailed:
      o.kind = InstanceOutcomeKind::kFailed;
      // An order placed whose type still does not show: its own outcome.
      if (!type_ok && !r.order_id.empty() && r.error && r.error->code == "Respec.OrderPending")
        o.kind = InstanceOutcomeKind::kOrderPending;
      break;
    default: return o;  // skipped
  }
  if (r.state != RunState::kFailed) {
    // respec believed it done; the live read says otherwise.
    o.kind = InstanceOutcomeKind::kFailed;
    o.action = "after apply it is " + live.type + ", " + live.status + " (expected " + r.ip->target_type +
               (r.ip->final_status.empty() ? "" : ", " + r.ip->final_status) + ")";
    if (!o.error) o.error = MakeCloudError("Respec.LiveMismatch", o.action);
  }
  if (WantsRunning(r) && live.status != kRunning)
    o.action = "left " + live.status + ": it did not come back Running; start it by hand";
  else if (WantsRunning(r) && r.state == RunState::kFailed)
    o.action = r.restarts > 0 ? "started again" : "left Running";
  return o;
}

Summary Executor::Impl::MakeSummary() const {
  Summary s;
  s.plan_id = plan->plan_id;
  s.elapsed_s = std::chrono::duration<double>(clock->Now() - started).count();
  s.interrupted = interrupted;
  s.aborted = aborted;
  s.abort_reason = aborted ? abort_reason : (stop_new ? stop_reason : "");
  for (const auto& r : runs) {
    InstanceOutcome o = OutcomeOf(r);
    switch (o.kind) {
      case InstanceOutcomeKind::kChanged: ++s.changed; break;
      case InstanceOutcomeKind::kAlreadyApplied: ++s.already; break;
      case InstanceOutcomeKind::kOrderPending: ++s.order_pending; break;
      case InstanceOutcomeKind::kFailed: ++s.failed; break;
      case InstanceOutcomeKind::kSkipped: ++s.skipped; break;
    }
    s.instances.push_back(std::move(o));
  }
  s.exit_code = (s.failed == 0 && s.order_pending == 0 && s.skipped == 0 && !aborted && !interrupted) ? 0 : 1;
  return s;
}

}  // namespace respec
