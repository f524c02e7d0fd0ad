// Per-instance decision: unchanged, a change with its step chain, or blocked
// with the seed's error code, the reason and what the user can do. Pure: it
// sees one instance as DescribeInstances showed it, the target that owns it,
// the region's catalog and the time; API validation (stock, offline types,
// marketplace images, prices) is added afterwards by the planner.
//
// Direction: `operation:` on the target when set (an override); else from
// the catalog: vCPU and memory both >= (and not both equal) is an upgrade,
// both <= a downgrade. A mixed or same-size change (or a current type the
// catalog does not list) gets verdict kChange, Direction::kNone, an empty
// chain and direction_pending: the planner takes the direction from
// DescribeResourcesModification (plan/prechecks.h) and decides again with it.
// An `operation` that contradicts the catalog is blocked.
//
// Chains (settled state -> steps, final state):
//   Stopping            -> wait_stable, then as Stopped
//   Starting / Pending  -> wait_stable, then as Running
//   Running  upgrade    whenFinished: modify, reboot           -> Running
//                       at:           modify (RebootTime)      -> Running
//                       manual:       modify                   -> Running
//   Running  downgrade  stop, modify(downgrade), start         -> Running
//   Running, powerState stopped:  stop, modify                 -> Stopped
//   Stopped             modify [, start if powerState running] -> Stopped | Running
//
// Errors: none (a blocked decision is data). Threads: pure. Ownership: values.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "plan/live_state.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace respec {

struct Decision {
  InstancePlan plan;            // everything but step ids, price and validation
  std::vector<StepKind> chain;  // in order; empty unless verdict == kChange
  bool direction_pending = false;  // kChange without a direction yet (see above)
};

// `live` is null when the instance was not found (unknown or released).
// `catalog` may be null when the region's catalog is unknown.
Decision DecideInstance(const std::string& instance_id, const Instance* live,
                        const Target& target, const std::string& group_name,
                        const Catalog* catalog, TimePoint now);

// kNone for a mixed or same-size change (the spec must say).
Direction DeriveDirection(const InstanceType& from, const InstanceType& to);

// Blocked by instance-level rules the API would refuse (expired, PostPaid,
// local disks, classic instance with an EIP). Exposed for tests.
std::vector<Blocker> InstanceBlockers(const Instance& live, const InstanceType* current,
                                      TimePoint now);

}  // namespace respec
