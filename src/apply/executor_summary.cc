// What the executor tells the reporter about the run as a whole: progress
// counts per group with an ETA, and the final summary.
#include <algorithm>

#include "apply/executor_impl.h"

namespace respec {

Progress Executor::Impl::MakeProgress() const {
  Progress p;
  for (const auto& g : groups) {
    GroupProgress gp;
    gp.name = g.c.name;
    p.groups.push_back(gp);
  }
  for (const auto& r : runs) {
    GroupProgress& gp = p.groups[r.group];
    ++gp.total;
    switch (r.state) {
      case RunState::kPending: ++gp.waiting; break;
      case RunState::kActive: ++gp.in_flight; break;
      case RunState::kDone: ++gp.done; break;
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

Summary Executor::Impl::MakeSummary() const {
  Summary s;
  s.plan_id = plan->plan_id;
  s.elapsed_s = std::chrono::duration<double>(clock->Now() - started).count();
  s.interrupted = interrupted;
  s.aborted = aborted;
  s.abort_reason = aborted ? abort_reason : (stop_new ? stop_reason : "");
  for (const auto& r : runs) {
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
    o.final_status = r.have_live ? r.live.status : "";
    switch (r.state) {
      case RunState::kDone:
        o.kind = r.already_applied ? InstanceOutcomeKind::kAlreadyApplied : InstanceOutcomeKind::kChanged;
        (r.already_applied ? s.already : s.changed)++;
        break;
      case RunState::kFailed: o.kind = InstanceOutcomeKind::kFailed; ++s.failed; break;
      default:
        o.kind = InstanceOutcomeKind::kSkipped;
        if (r.state == RunState::kActive) o.reason = "stopped while in flight; resume to finish";
        ++s.skipped;
    }
    s.instances.push_back(std::move(o));
  }
  s.exit_code = (s.failed == 0 && s.skipped == 0 && !aborted && !interrupted) ? 0 : 1;
  return s;
}

}  // namespace respec
