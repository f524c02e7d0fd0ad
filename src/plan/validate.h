// API validation of planned changes: DescribeResourcesModification (is the
// target offered for this instance's zone, with stock, for the direction?)
// once per distinct (region, zone, current type, target type, direction,
// marketplace image id or "", migrateAcrossZone) on a representative
// instance, and DescribeInstanceModificationPrice (what an upgrade costs)
// once per (region, current type, target type): subscription prices are
// regional. Prices of the other instances are estimates. Changes the API refuses become blocked, with the alternatives
// the API offers (Available candidates, the target's family first).
//
// Errors: an authentication error is returned as fatal; any other failed
// call becomes a plan warning and leaves the instances unvalidated (noted).
// Threads: single-threaded over `cloud`. Ownership: edits `instances` in place.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cloud/cloud.h"
#include "plan/live_state.h"
#include "plan/plan.h"

namespace respec {

struct ValidationStats {
  int modification_calls = 0;
  int price_calls = 0;
};

struct ValidationResult {
  std::vector<std::string> fatal;     // authentication failures
  std::vector<std::string> warnings;
  ValidationStats stats;
};

// `instances` must be sorted (representatives are the first of each key);
// ImageIds for the marketplace rule come from `live`.
ValidationResult ValidateChanges(std::vector<InstancePlan>& instances, const LiveState& live,
                                 Cloud* cloud, bool check_modification, bool price);

}  // namespace respec
