// Preflight: before any step, compare the plan's observed state with live
// state. DescribeInstances in batches of 100 IDs per region for every
// instance of the plan; an instance whose type, status or existence differs
// from what the plan observed makes the plan stale: apply refuses and lists
// the differences. Instances the journal shows respec itself touched (a
// resumed apply) are exempt: their chains continue from what is true.
// A plan that observed a transitional status (Starting, Stopping, Pending)
// and now sees the stable status it was heading to is not stale.
//
// Errors: a failed DescribeInstances is returned as `error` (the caller
// refuses to start). Threads: calls `cloud` from the calling thread only.
// Ownership: results are values.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cloud/cloud.h"
#include "plan/plan.h"

namespace respec {

struct PlanDifference {
  std::string instance_id;
  std::string field;    // type | status | existence
  std::string planned;
  std::string live;
  std::string Describe() const;  // "i-abc: status was Running when planned, now Stopped"
};

struct PreflightResult {
  std::vector<PlanDifference> differences;
  std::map<std::string, Instance> live;  // by instance id
  std::optional<CloudError> error;
  int calls = 0;
  bool ok() const { return !error && differences.empty(); }
};

// Reads every instance of `ids` (region, id) with DescribeInstances, 100 IDs
// per call per region, into *live (ids not returned are absent). Returns the
// first failed call's error, if any; *calls counts the calls made.
std::optional<CloudError> ReadInstances(Cloud* cloud, const std::vector<std::pair<std::string, std::string>>& ids,
                                        std::map<std::string, Instance>* live, int* calls);

PreflightResult CheckPlanAgainstLive(const Plan& plan, Cloud* cloud,
                                     const std::set<std::string>& touched_by_respec);

}  // namespace respec
