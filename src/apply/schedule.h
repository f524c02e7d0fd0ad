// ApplySchedule: the plan side of apply, apart from the executor that runs it
// (ninja's Plan apart from its Builder). Built once from a Plan, it owns
// everything about *when* an instance may start:
//   - which instances take part (verdict kChange) and their groups, with the
//     plan's resolved constraints (a group named only by an instance gets
//     the planner's defaults, DefaultMaxFailures in plan/graph.h);
//   - transitive dependsOn (a group with no changes still passes its own
//     dependencies on) and cross-instance step edges (Plan::edges);
//   - readiness (Readiness), fleet-wide max_parallel, per-group
//     max_unavailable (an instance is unavailable from its stop or restart
//     call until it is seen Running again) and max_failures (a group with
//     failures > max_failures starts nothing new; its dependents are
//     skipped).
// (Named ApplySchedule: plan/graph.h has the planner's time estimate, Schedule.)
// The executor asks (Readiness, CanAdmit, StepWaits) and tells (Admit,
// MarkStepDone, Take/ReleaseUnavailable, Resolve); it keeps no count of its
// own. Index `i` is the position among the changed instances, plan order.
//
// Ownership: borrows the Plan (must outlive the Schedule). Errors: none;
// out-of-range step ids in the plan are ignored. Threads: one thread.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "plan/plan.h"

namespace respec {

class ApplySchedule {
 public:
  enum class Status { kPending, kActive, kDone, kFailed, kSkipped };
  enum class Readiness { kReady, kWait, kBroken };

  // `steps_done`: steps an earlier run of the plan completed (the journal).
  ApplySchedule(const Plan& plan, const std::set<int>& steps_done);

  int size() const { return static_cast<int>(instances_.size()); }
  const InstancePlan& instance(int i) const { return *instances_[i].ip; }
  Status status(int i) const { return instances_[i].status; }
  int group_count() const { return static_cast<int>(groups_.size()); }
  int group_of(int i) const { return instances_[i].group; }
  const std::string& group_name(int g) const { return groups_[g].c.name; }
  int active() const { return active_; }

  bool step_done(int step) const { return step >= 0 && step < int(step_done_.size()) && step_done_[step]; }
  bool AllStepsDone(int i) const;
  void MarkStepDone(int step);
  // Forgets the steps of `i` an earlier run completed (live state says otherwise).
  void ForgetSteps(int i);

  // Pending instance `i`: may it start now (kReady), later (kWait), or never
  // (kBroken, *why says why)?
  Readiness Ready(int i, std::string* why) const;
  // Room for `i` under max_parallel and, if its first action takes it down
  // (`disruptive`), under its group's max_unavailable.
  bool CanAdmit(int i, bool disruptive) const;
  void Admit(int i);
  // Step `step` of an active instance waits for a step of another instance.
  bool StepWaits(int step) const;

  // false: the group is at max_unavailable. `force`: count it regardless
  // (it is already down, e.g. stopped by an earlier run).
  bool TakeUnavailable(int i, bool force = false);
  void ReleaseUnavailable(int i);
  bool unavailable(int i) const { return instances_[i].unavailable; }

  // A failure of `i` counts against its group's max_failures from the moment
  // it fails (while its power state is still being restored).
  void CountFailure(int i) { ++groups_[instances_[i].group].failures; }
  // Final: kDone, kFailed or kSkipped.
  void Resolve(int i, Status s);

 private:
  struct Group {
    GroupConstraint c;
    std::vector<int> deps;  // transitive dependsOn, group indexes
    int unavailable = 0;
    int failures = 0;
    int unresolved = 0;  // pending + active instances
    bool over_budget() const { return failures > c.max_failures; }
  };
  struct Member {
    const InstancePlan* ip = nullptr;
    int group = 0;
    Status status = Status::kPending;
    bool unavailable = false;
  };
  int GroupIndex(const std::string& name);
  void ResolveDependsOn();
  void IndexSteps(const Plan& plan);
  Readiness EdgeReadiness(int i, std::string* why) const;

  std::vector<Group> groups_;
  std::vector<Member> instances_;
  std::vector<int> member_of_step_;            // step id -> instance index (-1: none)
  std::vector<char> step_done_;
  std::vector<std::vector<int>> external_preds_;  // step id -> steps of other instances before it
  int max_parallel_ = 1;
  int active_ = 0;
};

}  // namespace respec
