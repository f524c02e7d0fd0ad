#include "plan/steps.h"

#include <algorithm>

#include <openssl/sha.h>

namespace respec {
namespace {

template <class E, size_t N>
std::optional<E> Parse(std::string_view s, const std::pair<E, const char*> (&table)[N]) {
  for (const auto& [e, name] : table)
    if (s == name) return e;
  return std::nullopt;
}

template <class E, size_t N>
const char* Name(E e, const std::pair<E, const char*> (&table)[N]) {
  for (const auto& [v, name] : table)
    if (v == e) return name;
  return "?";
}

constexpr std::pair<StepKind, const char*> kSteps[] = {{StepKind::kWaitStable, "wait_stable"},
                                                       {StepKind::kStop, "stop"},
                                                       {StepKind::kModify, "modify"},
                                                       {StepKind::kStart, "start"},
                                                       {StepKind::kReboot, "reboot"}};
constexpr std::pair<Verdict, const char*> kVerdicts[] = {
    {Verdict::kUnchanged, "unchanged"}, {Verdict::kChange, "change"}, {Verdict::kBlocked, "blocked"}};
constexpr std::pair<Direction, const char*> kDirections[] = {{Direction::kNone, "none"},
                                                             {Direction::kUpgrade, "upgrade"},
                                                             {Direction::kDowngrade, "downgrade"}};
constexpr std::pair<RebootPolicy, const char*> kReboots[] = {
    {RebootPolicy::kWhenFinished, "whenFinished"}, {RebootPolicy::kAt, "at"},
    {RebootPolicy::kManual, "manual"}};
constexpr std::pair<PowerState, const char*> kPowers[] = {
    {PowerState::kKeep, "keep"}, {PowerState::kRunning, "running"}, {PowerState::kStopped, "stopped"}};

}  // namespace

const char* StepKindName(StepKind k) { return Name(k, kSteps); }
const char* VerdictName(Verdict v) { return Name(v, kVerdicts); }
const char* DirectionName(Direction d) { return Name(d, kDirections); }
const char* RebootPolicyName(RebootPolicy p) { return Name(p, kReboots); }
const char* PowerStateName(PowerState p) { return Name(p, kPowers); }
std::optional<StepKind> ParseStepKind(std::string_view s) { return Parse(s, kSteps); }
std::optional<Verdict> ParseVerdict(std::string_view s) { return Parse(s, kVerdicts); }
std::optional<Direction> ParseDirection(std::string_view s) { return Parse(s, kDirections); }
std::optional<RebootPolicy> ParseRebootPolicy(std::string_view s) { return Parse(s, kReboots); }
std::optional<PowerState> ParsePowerState(std::string_view s) { return Parse(s, kPowers); }

std::string MakeClientToken(const std::string& plan_id, const std::string& instance_id,
                            const std::string& step_name) {
  return "rs-" + Sha256Hex(plan_id + "|" + instance_id + "|" + step_name).substr(0, 40);
}

ModifyPrepaySpecRequest ModifyRequestFor(const InstancePlan& in, const Step& step) {
  ModifyPrepaySpecRequest r;
  r.region = in.region;
  r.instance_id = in.instance_id;
  r.instance_type = in.target_type;
  r.operator_type = in.direction == Direction::kDowngrade ? "downgrade" : "upgrade";
  r.client_token = step.client_token;
  if (in.direction != Direction::kDowngrade) r.auto_pay = in.options.auto_pay;  // ignored on downgrade
  if (in.options.migrate_across_zone) r.migrate_across_zone = true;
  r.system_disk_category = in.options.system_disk_category;
  r.end_time = in.options.end_time;
  // respec never lets the API restart on its own: a restart is a visible
  // kReboot step (whenFinished) or a time the user chose (at).
  r.reboot_when_finished = false;
  bool was_running = in.observed_status != kStopped && in.observed_status != kStopping;
  bool restarts_itself = in.options.reboot == RebootPolicy::kAt && was_running &&
                         in.direction == Direction::kUpgrade && in.final_status == kRunning;
  if (restarts_itself) r.reboot_time = in.options.reboot_at;
  return r;
}

void AppendChain(Plan* plan, size_t index, const std::vector<StepKind>& chain) {
  InstancePlan& p = plan->instances[index];
  int prev = -1;
  for (StepKind k : chain) {
    Step s;
    s.id = int(plan->steps.size());
    s.instance_id = p.instance_id;
    s.kind = k;
    s.group = p.group;
    if (k == StepKind::kModify) s.client_token = MakeClientToken(plan->plan_id, p.instance_id, "modify");
    if (prev >= 0) plan->edges.emplace_back(prev, s.id);
    prev = s.id;
    p.steps.push_back(s.id);
    plan->steps.push_back(std::move(s));
  }
}

}  // namespace respec
