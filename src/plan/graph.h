// The plan graph: Boost.Graph view of a Plan's steps. One vertex per step
// plus one join vertex per group; edges are each instance's chain
// (Plan::edges) and, for `B dependsOn A`, last steps of A -> join(A) ->
// first steps of B (and join(A) -> join(B), so dependencies through a group
// with no changes still hold). The edge count is O(steps + groups).
//
// Constraints (Plan::groups; apply/schedule.h enforces them, the executor
// asks it):
//   max_unavailable  instances of the group that may be stopped/restarting at
//                    once; a percentage is resolved against the group's
//                    changed instances, at least 1.
//   max_failures     failed instances the group tolerates before it stops
//                    starting new ones (failures > max_failures stops it).
//                    Always a concrete number in a plan. Default: 0 for a
//                    group another group depends on (its dependents must not
//                    start on a broken base); for a leaf group, its
//                    max_unavailable (a failure costs no more than one wave;
//                    systemic failures such as stock or billing still stop
//                    the group quickly instead of failing every instance).
//   Plan::max_parallel  instances changing at once across the fleet.
//
// Errors: a dependsOn cycle or a dependency on an unknown group is reported
// as a message naming the groups (and file:line when the spec gave it).
// Threads: pure functions on values. Ownership: results are values.
#pragma once

#include <string>
#include <vector>

#include "plan/plan.h"
#include "spec/spec.h"

namespace respec {

struct GraphCheck {
  bool ok = true;
  std::string error;          // e.g. "dependsOn cycle: web -> db -> web"
  std::vector<int> order;     // step ids in a topological order (when ok)
  size_t vertex_count = 0;    // steps + join vertices
  size_t edge_count = 0;
};

// Appends `chain` as the steps of plan->instances[index]: ids in order, an
// edge between consecutive steps, ClientTokens for modify steps (from
// plan->plan_id, which must be set first).
void AppendChain(Plan* plan, size_t index, const std::vector<StepKind>& chain);

// A cycle of the directed graph `adj` (vertex -> successors) as the vertices
// along it, the first repeated at the end ({a, b, a}); empty when acyclic.
// Iterative, so deep chains cannot overflow the stack.
std::vector<size_t> FindCycle(const std::vector<std::vector<size_t>>& adj);

// Builds the Boost.Graph and topologically sorts it. `spec` (optional)
// supplies file:line for cycle messages.
GraphCheck CheckPlanGraph(const Plan& plan, const FleetSpec* spec = nullptr);

// Nominal durations used for the estimate (the seeds: an order takes 5-10 s).
struct StepLatency {
  double wait_stable_s = 5;
  double stop_s = 5;
  double modify_s = 10;  // ModifyPrepayInstanceSpec order settles in 5-10 s
  double start_s = 5;
  double reboot_s = 10;
};

struct GroupSchedule {
  std::string name;
  int changed = 0;
  int disruptive = 0;      // instances made unavailable (stop or restart)
  int waves = 0;
  int api_calls = 0;       // calls the steps make (not counting polling)
  double seconds = 0;      // the group alone
  double start_s = 0;      // earliest start after its dependencies
  std::vector<std::string> first_wave;  // instance ids that can go first
};

struct Schedule {
  std::vector<GroupSchedule> groups;  // spec order
  int waves = 0;                      // along the longest dependency path
  int api_calls = 0;
  double seconds = 0;                 // estimated wall time of apply
};

Schedule EstimateSchedule(const Plan& plan, const StepLatency& latency = {});

// The planner's max_failures when the spec leaves it unset (see above);
// apply's Schedule uses it too for a group the plan does not list.
inline int DefaultMaxFailures(bool depended_on, int max_unavailable) {
  return depended_on ? 0 : (max_unavailable < 1 ? 1 : max_unavailable);
}

}  // namespace respec
