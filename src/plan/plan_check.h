// Self-consistency of a loaded plan: the checks a JSON Schema cannot
// express, run by LoadPlanFile / PlanFromJson (plan/plan_file.h) after the
// digest and the schema, so `respec apply`, `show` and `graph` never act on a
// plan that contradicts itself:
//   - step ids are their indexes; every step belongs to a listed instance of
//     the same group and appears in that instance's chain exactly once;
//   - no instance twice; groups unique and known; no self-dependency;
//     dependsOn and edges acyclic (the cycle is named); every edge joins two
//     consecutive steps of one chain and every chain link has its edge;
//   - only changes have steps; every change has exactly one modify step with
//     a ClientToken (unique in the plan, on no other step); wait_stable comes
//     first, each kind at most once, stop before modify, start/reboot after;
//   - a downgrade of a Running instance stops before the modify, and an
//     instance that must end Running is started again after any stop;
//   - every change's target type is in the plan's own catalog for its
//     region, and its direction agrees with that catalog.
// Errors: appended as "SOURCE: /json/path: what is wrong" (at most
// kMaxPlanCheckErrors, then a count). Threads: pure. Ownership: values.
#pragma once

#include <string>
#include <vector>

#include "plan/plan.h"

namespace respec {

inline constexpr size_t kMaxPlanCheckErrors = 20;

void CheckPlanConsistency(const Plan& plan, const std::string& source, std::vector<std::string>* errors);

}  // namespace respec
