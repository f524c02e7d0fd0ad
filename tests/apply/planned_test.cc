// The executor running plans the planner made (MakePlan over the same
// emulator Model), so planner-made chains — wait_stable first, powerState
// running/stopped, reboot at a time — run through apply in a unit test.
#include <catch2/catch.hpp>

#include "apply_fixture.h"
#include "core/timefmt.h"
#include "plan/planner.h"
#include "spec/loader.h"

using namespace respec;
using namespace respec::testing;

namespace {

Plan PlanFor(Harness& h, const std::string& id, const std::string& type, const std::string& options = "") {
  const std::string yaml = "version: 1\nregions: [cn-hangzhou]\ngroups:\n  g:\n    targets:\n      - instanceIds: [" +
                           id + "]\n        instanceType: " + type + "\n" + options;
  FleetSpec spec;
  std::vector<Diagnostic> diags;
  bool ok = LoadFleetSpecFromString(yaml, "fleet.yaml", h.clock, &spec, &diags);
  std::string msg;
  for (const auto& d : diags) msg += d.ToString() + "\n";
  INFO(msg);
  REQUIRE(ok);
  PlanOutcome out = MakePlan(spec, &h.cloud, h.clock);
  for (const auto& e : out.errors) msg += e + "\n";
  INFO(msg);
  REQUIRE(out.ok());
  return *out.plan;
}

std::vector<StepKind> Chain(const Plan& p) {
  std::vector<StepKind> out;
  for (int s : p.instances.at(0).steps) out.push_back(p.steps.at(s).kind);
  return out;
}

bool Succeeded(const Harness& h, const std::string& step) {
  for (const auto& e : h.reporter.events)
    if (e.kind == EventKind::kStepSucceeded && e.step == step) return true;
  return false;
}

}  // namespace

TEST_CASE("planner-made: an instance Starting at plan time waits until stable, then upgrades") {
  std::vector<Inst> insts = {Inst{"i-waits01", "g", "ecs.g7.xlarge", "ecs.g7.xlarge", kStopped, 0}};
  Harness h(insts);
  REQUIRE(h.model.StartInstance("cn-hangzhou", "i-waits01").ok());  // Starting for a few seconds
  Plan plan = PlanFor(h, "i-waits01", "ecs.g7.2xlarge");
  REQUIRE(Chain(plan) == std::vector<StepKind>{StepKind::kWaitStable, StepKind::kModify, StepKind::kReboot});
  Summary s = h.Run(plan);
  REQUIRE(s.exit_code == 0);
  CHECK(Succeeded(h, "wait_stable"));
  CHECK(h.Truth()["i-waits01"].type == "ecs.g7.2xlarge");
  CHECK(h.Truth()["i-waits01"].status == kRunning);
  CHECK(h.OrdersPerInstance()["i-waits01"] == 1);
}

TEST_CASE("planner-made: powerState running starts a Stopped instance after the change") {
  std::vector<Inst> insts = {Inst{"i-power01", "g", "ecs.g7.xlarge", "ecs.g7.xlarge", kStopped, 0}};
  Harness h(insts);
  Plan plan = PlanFor(h, "i-power01", "ecs.g7.2xlarge", "        powerState: running\n");
  REQUIRE(Chain(plan) == std::vector<StepKind>{StepKind::kModify, StepKind::kStart});
  Summary s = h.Run(plan);
  REQUIRE(s.exit_code == 0);
  CHECK(s.instances.at(0).final_status == kRunning);
  CHECK(h.Truth()["i-power01"].status == kRunning);
  CHECK(h.Truth()["i-power01"].type == "ecs.g7.2xlarge");
}

TEST_CASE("planner-made: powerState stopped leaves a Running instance Stopped at its new type") {
  std::vector<Inst> insts = {Inst{"i-powoff01", "g", "ecs.g7.xlarge", "ecs.g7.xlarge", kRunning, 0}};
  Harness h(insts);
  Plan plan = PlanFor(h, "i-powoff01", "ecs.g7.2xlarge", "        powerState: stopped\n");
  REQUIRE(Chain(plan) == std::vector<StepKind>{StepKind::kStop, StepKind::kModify});
  Summary s = h.Run(plan);
  REQUIRE(s.exit_code == 0);
  CHECK(s.instances.at(0).final_status == kStopped);
  CHECK(h.Truth()["i-powoff01"].status == kStopped);
  CHECK(h.Truth()["i-powoff01"].type == "ecs.g7.2xlarge");
  CHECK(h.cloud.Count("StartInstance") == 0);
}

TEST_CASE("planner-made: reboot at a time places the order with RebootTime and reboots nothing itself") {
  std::vector<Inst> insts = {Inst{"i-rebootat1", "g", "ecs.g7.xlarge", "ecs.g7.xlarge", kRunning, 0}};
  Harness h(insts);
  const std::string at = FormatUtcMinutes(h.clock.Now() + std::chrono::hours(2));
  Plan plan = PlanFor(h, "i-rebootat1", "ecs.g7.2xlarge", "        reboot: {at: \"" + at + "\"}\n");
  REQUIRE(Chain(plan) == std::vector<StepKind>{StepKind::kModify});
  Summary s = h.Run(plan);
  INFO(s.instances.at(0).action);
  REQUIRE(s.exit_code == 0);
  CHECK(h.cloud.Count("RebootInstance") == 0);
  CHECK(h.cloud.Count("StopInstance") == 0);
  CHECK(h.OrdersPerInstance()["i-rebootat1"] == 1);
  CHECK(h.Truth()["i-rebootat1"].type == "ecs.g7.2xlarge");
  CHECK(s.instances.at(0).final_status == kRunning);
}

TEST_CASE("planner-made: an upgrade with autoPay false is warned about up front") {
  std::vector<Inst> insts = {Inst{"i-unpaid01", "g", "ecs.g7.xlarge", "ecs.g7.xlarge", kRunning, 0}};
  Harness h(insts);
  Plan plan = PlanFor(h, "i-unpaid01", "ecs.g7.2xlarge", "        autoPay: false\n");
  bool warned = false;
  for (const auto& w : plan.warnings)
    warned |= w.find("autoPay: false") != std::string::npos && w.find("i-unpaid01") != std::string::npos;
  CHECK(warned);
  Plan paid = PlanFor(h, "i-unpaid01", "ecs.g7.2xlarge");
  for (const auto& w : paid.warnings) CHECK(w.find("autoPay") == std::string::npos);
}
