// Live-state reader: what the planner needs to know about the account, read
// with as few calls as the API allows.
//   - Explicit instance IDs: DescribeInstances with InstanceIds in batches
//     of 100, once per region of the owning groups (IDs listed by several
//     targets are asked for once).
//   - Selectors: DescribeInstances with the tags pushed down (Tag.N.Key/Value),
//     paged with NextToken to the end; identical selectors are asked once.
//   - The catalog: DescribeInstanceTypes once (the action is global), paged
//     with MaxResults=100, through the first region's endpoint.
// Instances found by several targets are kept once; ResolveTargets then
// decides which target owns each.
//
// Errors: a failed call fails the read (ok=false, errors name the action,
// region and the error's Describe(), which carries the RequestId and never a
// secret). Threads: ReadLiveState issues up to `concurrency` calls at once
// and needs a thread-safe Cloud. Ownership: results are values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cloud/cloud.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace respec {

using Catalog = std::unordered_map<std::string, InstanceType>;  // by type id

struct TargetRef {
  int group = -1;   // index into FleetSpec::groups
  int target = -1;  // index into Group::targets
};

struct LiveState {
  std::unordered_map<std::string, Instance> instances;  // found, by id
  Catalog catalog;  // global: instance types do not depend on the region
  // Per group, per target: ids the target names or matches. Explicit IDs
  // that were not found are listed too (they become NotFound blockers).
  std::vector<std::vector<std::vector<std::string>>> matches;
};

struct LiveStateRead {
  bool ok = true;
  std::vector<std::string> errors;
  LiveState state;
};

LiveStateRead ReadLiveState(const FleetSpec& spec, Cloud* cloud, int concurrency = 4);

// The target that owns one instance.
struct Assignment {
  std::string instance_id;
  TargetRef target;
  const Instance* instance = nullptr;  // null: not found (unknown or released)
  std::optional<Blocker> conflict;     // two equally specific targets want different types
};

// One assignment per distinct instance, in no particular order. Rules:
// explicit IDs beat selectors; among selectors the one with more tags wins;
// a tie between targets that ask for different types is a conflict naming
// both targets (file:line); a tie asking for the same type goes to the first
// target in file order.
std::vector<Assignment> ResolveTargets(const FleetSpec& spec, const LiveState& live);

// "fleet.yaml:12:7" (or "fleet.yaml" when the position is unknown).
std::string FormatPos(const FleetSpec& spec, const SourcePos& pos);

}  // namespace respec
