// Failures: final errors fail one instance and restore its power state;
// wrong-state errors are repaired; failure budgets, --fail-fast, auth
// errors and interrupts stop new work without leaving anything stopped.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "apply_fixture.h"

using namespace respec;
using namespace respec::testing;

namespace {

Inst Down(const std::string& id, const std::string& group = "main", int used = 0) {
  return Inst{id, group, "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, used};
}
Inst Up(const std::string& id, const std::string& group = "main") {
  return Inst{id, group, "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0};
}

const InstanceOutcome& Outcome(const Summary& s, const std::string& id) {
  for (const auto& o : s.instances)
    if (o.instance_id == id) return o;
  FAIL("no outcome for " << id);
  return s.instances.front();
}

int Calls(const Harness& h, const std::string& id) {
  int n = 0;
  for (const auto& c : h.cloud.calls) n += c.instance == id;
  return n;
}

}  // namespace

TEST_CASE("QuotaExceed after the stop fails the instance and starts it again") {
  std::vector<Inst> insts = {Down("i-quota", "main", 3), Down("i-ok1"), Up("i-ok2")};
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 1, {}, 5}});
  Summary s = h.Run(plan);
  REQUIRE(s.exit_code == 1);
  REQUIRE(s.failed == 1);
  REQUIRE(s.changed == 2);
  const auto& o = Outcome(s, "i-quota");
  REQUIRE(o.kind == InstanceOutcomeKind::kFailed);
  REQUIRE(o.error);
  REQUIRE(o.error->code == "InstanceDowngrade.QuotaExceed");
  REQUIRE_FALSE(o.error->request_id.empty());
  REQUIRE(o.action == "started again");
  auto truth = h.Truth();
  REQUIRE(truth["i-quota"].status == kRunning);
  REQUIRE(truth["i-quota"].type == "ecs.g7.2xlarge");
  REQUIRE(truth["i-ok1"].type == "ecs.g7.xlarge");
  REQUIRE(truth["i-ok2"].type == "ecs.g7.2xlarge");
  bool compensated = false;
  for (const auto& e : h.reporter.events)
    compensated |= e.kind == EventKind::kInstanceCompensated && e.instance_id == "i-quota";
  REQUIRE(compensated);
  REQUIRE(h.cloud.max_down["main"] <= 1);
}

TEST_CASE("a failure before anything was stopped leaves the instance Running, untouched") {
  std::vector<Inst> insts = {Up("i-nostock")};
  Harness h(insts);
  h.cloud.fail = [&](const std::string& action, const std::string&) -> std::optional<CloudError> {
    if (action != "ModifyPrepayInstanceSpec") return std::nullopt;
    CloudError e = MakeCloudError("OperationDenied.NoStock", "");
    e.request_id = "REQ-NOSTOCK";
    return e;
  };
  Summary s = h.Run(MakeTestPlan(insts));
  REQUIRE(s.exit_code == 1);
  const auto& o = Outcome(s, "i-nostock");
  REQUIRE(o.error->code == "OperationDenied.NoStock");
  REQUIRE(o.error->request_id == "REQ-NOSTOCK");
  REQUIRE(o.action == "left Running");
  REQUIRE(h.cloud.Count("StopInstance") == 0);
  REQUIRE(h.cloud.Count("RebootInstance") == 0);
  REQUIRE(h.Truth()["i-nostock"].status == kRunning);
}

TEST_CASE("wrong state: someone starts the instance before the downgrade; respec repairs and continues") {
  std::vector<Inst> insts = {Down("i-racy")};
  Harness h(insts);
  bool started = false;
  h.cloud.before = [&](const std::string& action, const std::string& id) {
    if (action == "ModifyPrepayInstanceSpec" && !started) {
      started = true;
      REQUIRE(h.model.StartInstance("cn-hangzhou", id).ok());  // behind respec's back
    }
  };
  Summary s = h.Run(MakeTestPlan(insts));
  REQUIRE(s.exit_code == 0);
  auto truth = h.Truth();
  REQUIRE(truth["i-racy"].type == "ecs.g7.xlarge");
  REQUIRE(truth["i-racy"].status == kRunning);
  REQUIRE(h.OrdersPerInstance()["i-racy"] == 1);
  bool retried = false;
  for (const auto& e : h.reporter.events) retried |= e.kind == EventKind::kStepRetried;
  REQUIRE(retried);
  REQUIRE(h.cloud.Count("StopInstance") == 2);  // the planned stop and the repair
}

TEST_CASE("a stop finding the instance already Stopped is skipped") {
  std::vector<Inst> insts = {Down("i-already")};
  Harness h(insts);
  REQUIRE(h.model.StopInstance("cn-hangzhou", "i-already").ok());
  h.clock.Advance(Millis(60000));
  ExecutorOptions opt;
  opt.live = h.Truth();  // preflight's view: Stopped (exempt as if respec had stopped it)
  opt.resume.stopped.insert("i-already");
  Summary s = h.Run(MakeTestPlan(insts), opt);
  REQUIRE(s.exit_code == 0);
  REQUIRE(h.cloud.Count("StopInstance") == 0);
  REQUIRE(h.Truth()["i-already"].status == kRunning);
}

TEST_CASE("maxFailures: a failing canary group stops its dependents") {
  std::vector<Inst> insts = {Down("i-c1", "canary", 3), Up("i-c2", "canary")};
  for (int i = 0; i < 5; ++i) insts.push_back(Up(fmt::format("i-r{}", i), "rest"));
  SECTION("budget 0 exceeded: dependents skipped") {
    Harness h(insts);
    Plan plan = MakeTestPlan(insts, {{"canary", 1, {}, 0}, {"rest", 2, {"canary"}, 0}});
    Summary s = h.Run(plan);
    REQUIRE(s.exit_code == 1);
    for (int i = 0; i < 5; ++i) {
      const auto& o = Outcome(s, fmt::format("i-r{}", i));
      REQUIRE(o.kind == InstanceOutcomeKind::kSkipped);
      REQUIRE(o.reason.find("canary") != std::string::npos);
      REQUIRE(Calls(h, o.instance_id) == 0);
    }
    REQUIRE(h.Truth()["i-c1"].status == kRunning);
  }
  SECTION("within budget: dependents proceed") {
    Harness h(insts);
    Plan plan = MakeTestPlan(insts, {{"canary", 1, {}, 1}, {"rest", 2, {"canary"}, 0}});
    Summary s = h.Run(plan);
    REQUIRE(s.failed == 1);
    REQUIRE(s.changed == 6);
    REQUIRE(s.exit_code == 1);
  }
}

TEST_CASE("--fail-fast starts nothing new after the first failure") {
  std::vector<Inst> insts = {Down("i-a0", "main", 3)};
  for (int i = 1; i < 6; ++i) insts.push_back(Up(fmt::format("i-a{}", i)));
  Harness h(insts);
  ExecutorOptions opt;
  opt.fail_fast = true;
  Summary s = h.Run(MakeTestPlan(insts, {{"main", 1, {}, 10}}, 1), opt);
  REQUIRE(s.exit_code == 1);
  REQUIRE(s.failed == 1);
  REQUIRE(s.skipped == 5);
  for (int i = 1; i < 6; ++i) REQUIRE(Calls(h, fmt::format("i-a{}", i)) == 0);
  REQUIRE(h.Truth()["i-a0"].status == kRunning);
}

TEST_CASE("an auth error stops new work; in-flight instances are restored") {
  std::vector<Inst> insts;
  for (int i = 0; i < 6; ++i) insts.push_back(Down(fmt::format("i-k{}", i)));
  Harness h(insts);
  h.cloud.fail = [&](const std::string& action, const std::string&) -> std::optional<CloudError> {
    if (action == "ModifyPrepayInstanceSpec") return MakeCloudError("InvalidAccessKeyId.NotFound", "");
    return std::nullopt;
  };
  Summary s = h.Run(MakeTestPlan(insts, {{"main", 2, {}, 10}}, 2));
  REQUIRE(s.exit_code == 1);
  REQUIRE(s.failed == 2);
  REQUIRE(s.skipped == 4);
  for (const auto& [id, inst] : h.Truth()) REQUIRE(inst.status == kRunning);
  REQUIRE(s.abort_reason.find("authentication") != std::string::npos);
}

TEST_CASE("first interrupt: start nothing new, finish chains in flight, leave nothing stopped") {
  std::vector<Inst> insts;
  for (int i = 0; i < 10; ++i) insts.push_back(Down(fmt::format("i-s{}", i)));
  Harness h(insts);
  ExecutorOptions opt;
  opt.interrupt_level = [&] { return h.cloud.Count("ModifyPrepayInstanceSpec") >= 2 ? 1 : 0; };
  Summary s = h.Run(MakeTestPlan(insts, {{"main", 3, {}, 0}}, 3), opt);
  REQUIRE(s.interrupted);
  REQUIRE(s.exit_code == 1);
  REQUIRE(s.changed >= 2);
  REQUIRE(s.changed <= 3);
  REQUIRE(s.changed + s.skipped == 10);
  for (const auto& [id, inst] : h.Truth()) {
    INFO(id);
    REQUIRE(inst.status == kRunning);
  }
}

TEST_CASE("second interrupt stops at once; the journal makes the run resumable") {
  std::vector<Inst> insts;
  for (int i = 0; i < 6; ++i) insts.push_back(Down(fmt::format("i-h{}", i)));
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 3, {}, 0}}, 3);
  ExecutorOptions opt;
  opt.interrupt_level = [&] { return h.cloud.Count("StopInstance") >= 3 ? 2 : 0; };
  Summary first = h.Run(plan, opt);
  REQUIRE(first.aborted);
  REQUIRE(first.exit_code == 1);
  h.clock.Advance(Millis(120000));
  ExecutorOptions again;
  again.resume = h.JournalOf(plan);
  REQUIRE(again.resume.stopped.size() == 3);
  again.live = h.Truth();
  Summary second = h.Run(plan, again);
  REQUIRE(second.exit_code == 0);
  for (const auto& [id, inst] : h.Truth()) {
    INFO(id);
    REQUIRE(inst.status == kRunning);
    REQUIRE(inst.type == "ecs.g7.xlarge");
  }
  for (const auto& [id, n] : h.OrdersPerInstance()) REQUIRE(n == 1);
}

TEST_CASE("maxFailures left at default: 0 for a depended-on group, maxUnavailable for a leaf") {
  std::vector<Inst> insts = {Down("i-b1", "base", 3), Up("i-b2", "base")};
  for (int i = 0; i < 3; ++i) insts.push_back(Down(fmt::format("i-l{}", i), "leaf", i < 2 ? 3 : 0));
  insts.push_back(Up("i-top", "top"));
  Harness h(insts);
  // base <- top; leaf stands alone with maxUnavailable 2 (so it tolerates 2 failures).
  Plan plan = MakeTestPlan(insts, {{"base", 1, {}, -1}, {"leaf", 2, {}, -1}, {"top", 1, {"base"}, -1}});
  Summary s = h.Run(plan);
  REQUIRE(Outcome(s, "i-top").kind == InstanceOutcomeKind::kSkipped);  // base failed once: over its 0
  REQUIRE(Outcome(s, "i-l2").kind == InstanceOutcomeKind::kChanged);  // 2 failures are within the leaf's 2
  REQUIRE(s.failed == 3);
}

// Issue 12 item 9: forceStop (off by default) makes every StopInstance carry
// ForceStop=true; the emulator records what each accepted stop asked for.
TEST_CASE("forceStop: StopInstance carries ForceStop only when the plan says so") {
  for (bool force : {false, true}) {
    std::vector<Inst> insts = {{"i-fs1", "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 0},
                               {"i-fs2", "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 0}};
    Harness h(insts);
    Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 0}});
    for (auto& ip : plan.instances) ip.options.force_stop = force;
    Summary s = h.Run(plan);
    CHECK(s.exit_code == 0);
    REQUIRE(h.cloud.stop_force.size() == 2);
    for (bool f : h.cloud.stop_force) CHECK(f == force);
    auto stops = h.model.Stops();
    REQUIRE(stops.size() == 2);
    for (const auto& st : stops) {
      CHECK(st.force_stop == force);
      CHECK(st.stopped_mode.empty());
    }
  }
}
