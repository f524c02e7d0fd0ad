#include "plan/plan.h"

#include <utility>

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

}  // namespace respec
