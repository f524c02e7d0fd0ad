#include "apply/schedule.h"

#include <algorithm>

#include "plan/graph.h"

namespace respec {

ApplySchedule::ApplySchedule(const Plan& plan, const std::set<int>& steps_done) {
  max_parallel_ = std::max(1, plan.max_parallel);
  for (const auto& g : plan.groups) {
    GroupIndex(g.name);
    groups_.back().c = g;
  }
  for (const auto& ip : plan.instances) {
    if (ip.verdict != Verdict::kChange) continue;
    instances_.push_back(Member{&ip, GroupIndex(ip.group)});
  }
  ResolveDependsOn();
  IndexSteps(plan);
  for (int s : steps_done)
    if (s >= 0 && s < static_cast<int>(step_done_.size())) step_done_[s] = 1;
  for (const auto& m : instances_) ++groups_[m.group].unresolved;
}

int ApplySchedule::GroupIndex(const std::string& name) {
  for (size_t g = 0; g < groups_.size(); ++g)
    if (groups_[g].c.name == name) return static_cast<int>(g);
  Group g;
  g.c.name = name;
  g.c.max_failures = -1;  // resolved in ResolveDependsOn
  groups_.push_back(std::move(g));
  return static_cast<int>(groups_.size()) - 1;
}

void ApplySchedule::ResolveDependsOn() {
  std::vector<char> depended_on(groups_.size(), 0);
  for (size_t g = 0; g < groups_.size(); ++g) {
    std::set<int> seen;
    std::vector<std::string> stack = groups_[g].c.depends_on;
    while (!stack.empty()) {
      std::string name = stack.back();
      stack.pop_back();
      auto it = std::find_if(groups_.begin(), groups_.end(), [&](const Group& x) { return x.c.name == name; });
      int d = static_cast<int>(it - groups_.begin());
      if (it == groups_.end() || d == static_cast<int>(g) || !seen.insert(d).second) continue;
      depended_on[d] = 1;
      for (const auto& n : it->c.depends_on) stack.push_back(n);
    }
    groups_[g].deps.assign(seen.begin(), seen.end());
  }
  // The plan always carries concrete values; a group it does not list
  // (an instance's group only) gets the planner's rule.
  for (size_t g = 0; g < groups_.size(); ++g)
    if (groups_[g].c.max_failures < 0)
      groups_[g].c.max_failures = DefaultMaxFailures(depended_on[g], groups_[g].c.max_unavailable);
}

void ApplySchedule::IndexSteps(const Plan& plan) {
  const int n = static_cast<int>(plan.steps.size());
  member_of_step_.assign(n, -1);
  step_done_.assign(n, 0);
  external_preds_.assign(n, {});
  for (size_t i = 0; i < instances_.size(); ++i)
    for (int s : instances_[i].ip->steps)
      if (s >= 0 && s < n) member_of_step_[s] = static_cast<int>(i);
  for (const auto& [a, b] : plan.edges) {
    if (a < 0 || b < 0 || a >= n || b >= n) continue;
    if (plan.steps[a].instance_id == plan.steps[b].instance_id) continue;
    external_preds_[b].push_back(a);
  }
}

bool ApplySchedule::AllStepsDone(int i) const {
  const auto& steps = instances_[i].ip->steps;
  return !steps.empty() && std::all_of(steps.begin(), steps.end(), [&](int s) { return step_done(s); });
}

void ApplySchedule::MarkStepDone(int step) {
  if (step >= 0 && step < static_cast<int>(step_done_.size())) step_done_[step] = 1;
}

void ApplySchedule::ForgetSteps(int i) {
  for (int s : instances_[i].ip->steps)
    if (s >= 0 && s < static_cast<int>(step_done_.size())) step_done_[s] = 0;
}

ApplySchedule::Readiness ApplySchedule::Ready(int i, std::string* why) const {
  const Group& own = groups_[instances_[i].group];
  if (own.over_budget()) {
    *why = "group " + own.c.name + " exceeded maxFailures (" + std::to_string(own.failures) + " failed, " +
           std::to_string(own.c.max_failures) + " allowed)";
    return Readiness::kBroken;
  }
  for (int d : own.deps) {
    const Group& g = groups_[d];
    if (g.over_budget()) {
      *why = "depends on group " + g.c.name + ", which exceeded maxFailures (" + std::to_string(g.failures) +
             " failed)";
      return Readiness::kBroken;
    }
    if (g.unresolved > 0) return Readiness::kWait;
  }
  return EdgeReadiness(i, why);
}

ApplySchedule::Readiness ApplySchedule::EdgeReadiness(int i, std::string* why) const {
  const auto& steps = instances_[i].ip->steps;
  for (int s : steps) {
    for (int p : external_preds_[s]) {
      if (step_done(p) || member_of_step_[p] < 0) continue;
      const Member& other = instances_[member_of_step_[p]];
      if (other.status == Status::kSkipped) {
        *why = "depends on " + other.ip->instance_id + ", which was skipped";
        return Readiness::kBroken;
      }
      if (other.status == Status::kFailed && groups_[other.group].over_budget()) {
        *why = "depends on " + other.ip->instance_id + ", which failed";
        return Readiness::kBroken;
      }
      if (other.status == Status::kFailed || other.status == Status::kDone) continue;
      if (s == steps.front()) return Readiness::kWait;  // later steps wait in StepWaits
    }
  }
  return Readiness::kReady;
}

bool ApplySchedule::CanAdmit(int i, bool disruptive) const {
  if (active_ >= max_parallel_) return false;
  const Group& g = groups_[instances_[i].group];
  return !disruptive || g.unavailable < std::max(1, g.c.max_unavailable);
}

void ApplySchedule::Admit(int i) {
  instances_[i].status = Status::kActive;
  ++active_;
}

bool ApplySchedule::StepWaits(int step) const {
  if (step < 0 || step >= static_cast<int>(external_preds_.size())) return false;
  for (int p : external_preds_[step]) {
    if (step_done(p) || member_of_step_[p] < 0) continue;
    Status s = instances_[member_of_step_[p]].status;
    if (s == Status::kActive || s == Status::kPending) return true;
  }
  return false;
}

bool ApplySchedule::TakeUnavailable(int i, bool force) {
  Member& m = instances_[i];
  if (m.unavailable) return true;
  Group& g = groups_[m.group];
  if (!force && g.unavailable >= std::max(1, g.c.max_unavailable)) return false;
  m.unavailable = true;
  ++g.unavailable;
  return true;
}

void ApplySchedule::ReleaseUnavailable(int i) {
  Member& m = instances_[i];
  if (!m.unavailable) return;
  m.unavailable = false;
  --groups_[m.group].unavailable;
}

void ApplySchedule::Resolve(int i, Status s) {
  Member& m = instances_[i];
  ReleaseUnavailable(i);
  if (m.status == Status::kActive) --active_;
  if (m.status == Status::kPending || m.status == Status::kActive) --groups_[m.group].unresolved;
  m.status = s;
}

}  // namespace respec
