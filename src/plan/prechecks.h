// API prechecks of planned changes (not `respec validate`, which checks
// files): DescribeResourcesModification without an InstanceType filter lists
// every target one instance may move to in one direction, so it is called
// once per distinct (region, zone, current type, direction, marketplace image
// id or "", migrateAcrossZone) on a representative instance, whatever the
// number of targets. A change whose direction the catalog cannot tell (mixed
// or same-size, no `operation:`) reads both lists: the one naming the target
// gives the direction; both or neither blocks it.
// DescribeInstanceModificationPrice (what an upgrade costs) depends on the
// remaining term: one call per (region, current type, target type, expiry
// day) within a call budget, the rest prorated. Changes the API refuses
// become blocked, with the alternatives the API offers (Available
// candidates, the target's family first).
//
// Errors: an authentication error is returned as fatal; any other failed
// call becomes a plan warning and leaves the instances unvalidated (noted).
// Threads: single-threaded over `cloud`. Ownership: edits `instances` in place.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cloud/cloud.h"
#include "core/clock.h"
#include "plan/live_state.h"
#include "plan/plan.h"

namespace respec {

struct PrecheckResult {
  std::vector<std::string> fatal;     // authentication failures
  std::vector<std::string> warnings;
};

// `instances` must be sorted (representatives are the first of each key);
// ImageIds for the marketplace rule come from `live`.
// `max_price_calls` bounds DescribeInstanceModificationPrice; terms beyond
// it are prorated by remaining days (relative to `now`) and noted.
PrecheckResult PrecheckChanges(std::vector<InstancePlan>& instances, const LiveState& live,
                                 Cloud* cloud, bool check_modification, bool price, TimePoint now,
                                 int max_price_calls);

}  // namespace respec
