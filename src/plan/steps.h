// What a step sends: the exact ModifyPrepayInstanceSpec request a kModify
// step stands for and its ClientToken, shared by the planner and the
// executor so they can never disagree on OperatorType, RebootWhenFinished,
// RebootTime or the token a resume re-sends.
//
// Reboot policy as planned (spec RebootPolicy):
//   kWhenFinished: the request carries RebootWhenFinished=false and the
//     plan has a kReboot step after kModify: respec sends RebootInstance
//     itself once the new type shows (or at apply/waiter.h's
//     TypeVisibleBound anyway, then confirms the type), so it can count the
//     instance as unavailable and verify it comes back Running.
//   kAt: the request carries RebootTime; no restart step.
//   kManual: neither; the type takes effect at the next API restart.
// The enums' names live with the enums (plan/plan.h); AppendChain, which
// turns a decided chain into steps and edges, in plan/graph.h.
// Errors: none; pure functions. Threads: safe. Ownership: values only.
#pragma once

#include <string>

#include "plan/plan.h"

namespace respec {

// The request for `step` (a kModify step of `instance`), ClientToken included.
ModifyPrepaySpecRequest ModifyRequestFor(const InstancePlan& instance, const Step& step);

// "rs-" + the first 40 hex digits of SHA-256(plan_id | instance | step):
// ASCII, 43 characters, the same for the same plan file, different for a new plan.
std::string MakeClientToken(const std::string& plan_id, const std::string& instance_id,
                            const std::string& step_name);

}  // namespace respec
