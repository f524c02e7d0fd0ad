// The plan: what `respec plan` decided and `respec apply` executes. Produced
// by plan/planner.h, saved and loaded by plan/plan_file.h (JSON, versioned,
// schemas/plan.schema.json), walked by apply/executor.h. Plain data.
//
// Steps form a DAG: each changed instance has a chain (stop -> modify ->
// start/reboot). Plan::edges holds the chain edges only; group dependencies
// travel as GroupConstraint::depends_on ("every step of group A finishes
// before group B's first step"). plan/graph.h builds the Boost.Graph view
// with one join vertex per group (last steps of A -> join(A) -> first steps
// of B), so the edge count stays O(n), and checks it for cycles.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloud/cloud.h"
#include "spec/spec.h"

namespace respec {

// 2: the plan carries a content digest ("digest") and the catalog entries of
// the types it changes between ("catalog"); 1 is refused (no digest).
inline constexpr int kPlanFormatVersion = 2;

enum class Verdict { kUnchanged, kChange, kBlocked };
enum class Direction { kNone, kUpgrade, kDowngrade };

enum class StepKind {
  kWaitStable,  // wait until a Starting/Stopping/Pending instance is Running or Stopped
  kStop,        // StopInstance, then wait Stopped
  kModify,      // ModifyPrepayInstanceSpec, then wait until the new type shows
  kStart,       // StartInstance, then wait Running
  kReboot,      // RebootInstance, then wait Running (the type takes effect)
};

struct Step {
  int id = 0;               // index into Plan::steps
  std::string instance_id;
  StepKind kind = StepKind::kModify;
  std::string group;
  std::string client_token;  // kModify only: deterministic for (plan, instance, step)
};

struct Blocker {
  std::string code;     // the seed's error code it corresponds to, e.g. InvalidInstance.PreInstanceExpired
  std::string reason;   // what is wrong
  std::string remedy;   // what the user can do
};

struct InstancePlan {
  std::string instance_id;
  std::string name;
  std::string group;
  std::string region;
  std::string zone;
  // Live state observed when planning; apply refuses if it changed since.
  std::string observed_type;
  std::string observed_status;
  std::string target_type;
  Direction direction = Direction::kNone;
  Verdict verdict = Verdict::kUnchanged;
  std::vector<Blocker> blockers;           // when verdict == kBlocked
  std::string final_status;                // Running | Stopped: the power state apply must leave
  TargetOptions options;                   // from the spec
  std::vector<int> steps;                  // ids, in chain order
  std::optional<Price> price;              // for the change, when the API priced it
  std::vector<std::string> notes;          // e.g. "uses one of the instance's three downgrade refunds"
  std::vector<std::string> alternatives;   // types the API offers when the target is sold out
  // Added by the planner (additive): the instance whose DescribeInstance-
  // ModificationPrice answer `price` is; the price is an estimate for every
  // other instance sharing its (region, zone, types, direction, image).
  std::string priced_on;
  std::string target_pos;                  // "fleet.yaml:12:7" of the target that chose this instance
};

struct GroupConstraint {
  std::string name;
  int max_unavailable = 1;   // absolute count, resolved from a percentage at plan time
  std::vector<std::string> depends_on;
  int max_failures = 0;      // resolved at plan time (see plan/graph.h for the defaults)
};

struct Plan {
  int format_version = kPlanFormatVersion;
  std::string respec_version;
  std::string created_at;    // RFC 3339 UTC
  std::string spec_path;
  std::string spec_sha256;
  std::string plan_id;       // hash of spec + observed state; seeds the ClientTokens
  int max_parallel = 20;
  std::vector<GroupConstraint> groups;     // in spec order
  std::vector<InstancePlan> instances;     // sorted by (group order, instance id)
  std::vector<Step> steps;
  std::vector<std::pair<int, int>> edges;  // (before, after) step ids
  std::vector<std::string> warnings;
  // Added by the planner (additive): the API rate the schedule estimate uses.
  double api_qps = 20;
  // The catalog entries (region -> type id -> type) of every observed and
  // target type of a change, as DescribeInstanceTypes showed them: the load
  // checks each target and direction against them.
  std::map<std::string, std::map<std::string, InstanceType>> catalog;
  // "sha256:<hex>" over everything else in the plan file (plan/plan_file.h):
  // what `respec show` prints and a reviewer approves. Set by MakePlan and by
  // the load; PlanToJson always writes a freshly computed one.
  std::string digest;
};

// The names of the enums above as the plan file spells them (and back).
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

}  // namespace respec
