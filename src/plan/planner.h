// Planner: turns a FleetSpec and the live state read through a Cloud into a
// Plan (plan/plan.h). This is the one entry point for `respec plan` and for
// `respec apply -f FLEET.yaml`, which plans and then executes.
//
// What it does, in order:
//   1. reads live state (plan/live_state.h): DescribeInstances in batches of
//      100 IDs / tag filters pushed down, paged to the end; DescribeInstance-
//      Types once (global), 100 a page;
//   2. resolves which target owns each instance (explicit IDs beat selectors,
//      more tags beat fewer, a tie asking for different types blocks);
//   3. decides each instance (plan/decide.h): unchanged, change (with its step
//      chain), or blocked (with the seed's code, reason and remedy);
//   4. validates changes with DescribeResourcesModification, one listing
//      per (region, zone, current type, direction, marketplace image,
//      migrateAcrossZone) whatever the targets, which also gives the
//      direction of mixed changes (then decided again with it), and prices
//      upgrades with DescribeInstanceModificationPrice per (region, current
//      type, target type, expiry day) within max_price_calls
//      (plan/prechecks.h);
//   5. numbers the steps, derives deterministic ClientTokens, resolves the
//      group constraints and checks the graph for cycles (plan/graph.h).
//
// Errors: never throws. A failure to read live state (DescribeInstances,
// DescribeInstanceTypes), an authentication error, or a dependsOn cycle is
// fatal: the outcome has no plan and `errors` says why (naming the action,
// the RequestId, or the cycle with file:line). Problems with single
// instances are never fatal: they become blocked instances or warnings.
// Determinism: the same spec, live state and clock give an identical Plan
// (and so a byte-identical plan file).
// Threads: MakePlan may run concurrently with itself on different inputs;
// `cloud` must be safe to call from several threads (cloud/cloud.h).
// Ownership: nothing is retained after MakePlan returns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cloud/cloud.h"
#include "core/clock.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace respec {

struct PlannerOptions {
  bool validate = true;   // DescribeResourcesModification per distinct change
  bool price = true;      // DescribeInstanceModificationPrice per distinct upgrade
  // Exact prices: one call per (region, from, to, expiry day) up to this
  // many; other terms are prorated by remaining days (plan/prechecks.h).
  int max_price_calls = 32;
  double api_qps = 20;    // recorded in the plan for the schedule estimate
  int read_concurrency = 4;  // DescribeInstances batches in flight at once
};

struct PlanOutcome {
  std::optional<Plan> plan;         // absent when planning failed
  std::vector<std::string> errors;  // fatal errors, one line each
  bool ok() const { return plan.has_value(); }
};

PlanOutcome MakePlan(const FleetSpec& spec, Cloud* cloud, const Clock& clock,
                     const PlannerOptions& options = {});

// Plan summary counts, as the summary line shows them.
struct PlanCounts {
  int upgrades = 0;
  int downgrades = 0;
  int blocked = 0;
  int unchanged = 0;
  int changes() const { return upgrades + downgrades; }
};
PlanCounts CountPlan(const Plan& plan);

}  // namespace respec
