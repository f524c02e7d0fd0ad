// Step vocabulary shared by the planner and the executor: names of the
// enums of plan/plan.h (as the plan file spells them) and the exact
// ModifyPrepayInstanceSpec request a kModify step stands for, so the planner
// and the executor can never disagree on OperatorType, RebootWhenFinished or
// RebootTime.
//
// Reboot policy as planned (spec RebootPolicy):
//   kWhenFinished: the request carries RebootWhenFinished=false and the
//     plan has a kReboot step after kModify: respec sends RebootInstance
//     itself once the new type shows (or at apply/waiter.h's
//     TypeVisibleBound anyway, then confirms the type), so it can count the
//     instance as unavailable and verify it comes back Running.
//   kAt: the request carries RebootTime; no restart step.
//   kManual: neither; the type takes effect at the next API restart.
// Errors: none; pure functions. Threads: safe. Ownership: values only.
#pragma once

#include <optional>
#include <string>

#include "core/sha256.h"
#include <string_view>

#include "plan/plan.h"

namespace respec {

const char* StepKindName(StepKind k);    // wait_stable | stop | modify | start | reboot
const char* VerdictName(Verdict v);      // unchanged | change | blocked
const char* DirectionName(Direction d);  // none | upgrade | downgrade
std::optional<StepKind> ParseStepKind(std::string_view s);
std::optional<Verdict> ParseVerdict(std::string_view s);
std::optional<Direction> ParseDirection(std::string_view s);
const char* RebootPolicyName(RebootPolicy p);  // whenFinished | at | manual
const char* PowerStateName(PowerState p);      // keep | running | stopped
std::optional<RebootPolicy> ParseRebootPolicy(std::string_view s);
std::optional<PowerState> ParsePowerState(std::string_view s);

// The request for `step` (a kModify step of `instance`), ClientToken included.
ModifyPrepaySpecRequest ModifyRequestFor(const InstancePlan& instance, const Step& step);


// "rs-" + the first 40 hex digits of SHA-256(plan_id | instance | step):
// ASCII, 43 characters, the same for the same plan file, different for a new plan.
std::string MakeClientToken(const std::string& plan_id, const std::string& instance_id,
                            const std::string& step_name);

// Appends `chain` as the steps of plan->instances[index]: ids in order, an
// edge between consecutive steps, ClientTokens for modify steps (from
// plan->plan_id, which must be set first).
void AppendChain(Plan* plan, size_t index, const std::vector<StepKind>& chain);

}  // namespace respec
