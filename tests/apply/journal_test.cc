// Journal discipline (issue 15): a call goes out only once its record is
// durable; a journal that fails stops new work; a hard stop looks like a
// crash; resume re-sends the same ClientToken for an order in flight and
// honours the journal's steps_done, finished and stopped.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "apply_fixture.h"

using namespace respec;
using namespace respec::testing;

namespace {

Inst Down(const std::string& id) { return Inst{id, "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 0}; }
Inst Up(const std::string& id) { return Inst{id, "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0}; }

std::string KindOf(const std::string& action) {
  if (action == "StopInstance") return "stop";
  if (action == "StartInstance") return "start";
  if (action == "RebootInstance") return "reboot";
  if (action == "ModifyPrepayInstanceSpec") return "modify";
  return "";
}

// Installs a check, run as the cloud sees each action call: its "call"
// record is already durable in `store`. Violations are collected.
void CheckDurableBeforeCall(Harness& h, MemoryStateStore& store, const std::string& plan_id,
                            std::vector<std::string>* violations, bool exempt_starts = false) {
  auto seen = std::make_shared<std::map<std::string, int>>();
  h.cloud.before = [&h, &store, plan_id, violations, seen, exempt_starts](const std::string& action,
                                                                         const std::string& id) {
    const std::string kind = KindOf(action);
    if (kind.empty() || (exempt_starts && kind == "start")) return;
    const int nth = ++(*seen)[kind + "/" + id];
    int durable = 0;
    for (const auto& r : store.Durable(plan_id))
      durable += r.value("ev", "") == "call" && r.value("instance", "") == id && r.value("kind", "") == kind;
    if (durable < nth) violations->push_back(fmt::format("{} {} #{} sent with {} durable records", action, id, nth, durable));
  };
}

const InstanceOutcome& Outcome(const Summary& s, const std::string& id) {
  for (const auto& o : s.instances)
    if (o.instance_id == id) return o;
  FAIL("no outcome for " << id);
  return s.instances.front();
}

}  // namespace

TEST_CASE("every action call's record is durable before the cloud sees the call") {
  std::vector<Inst> insts;
  for (int i = 0; i < 6; ++i) insts.push_back(i % 2 ? Down(fmt::format("i-d{}", i)) : Up(fmt::format("i-u{}", i)));
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 3, {}, 0}}, 6);
  std::vector<std::string> violations;
  CheckDurableBeforeCall(h, h.store, plan.plan_id, &violations);
  REQUIRE(h.Run(plan).exit_code == 0);
  REQUIRE(h.cloud.Count("ModifyPrepayInstanceSpec") == 6);
  INFO(fmt::format("{}", fmt::join(violations, "\n")));
  REQUIRE(violations.empty());
}

TEST_CASE("a journal that fails stops new work; no unjournaled call but the restoring start") {
  std::vector<Inst> insts;
  for (int i = 0; i < 4; ++i) insts.push_back(Down(fmt::format("i-j{}", i)));
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 1, {}, 5}}, 1);
  h.store.fail_from_append = 2;  // "begin" + the first stop are durable; nothing after
  std::vector<std::string> violations;
  CheckDurableBeforeCall(h, h.store, plan.plan_id, &violations, /*exempt_starts=*/true);
  Summary s = h.Run(plan);
  INFO(fmt::format("{}", fmt::join(violations, "\n")));
  REQUIRE(violations.empty());
  REQUIRE(s.exit_code == 1);
  REQUIRE(s.abort_reason.find("journal") != std::string::npos);
  REQUIRE(h.cloud.Count("ModifyPrepayInstanceSpec") == 0);
  REQUIRE(h.cloud.Count("StopInstance") == 1);
  const auto& o = Outcome(s, "i-j0");
  REQUIRE(o.error);
  CHECK(o.error->code == "Respec.JournalFailed");
  // The compensating StartInstance goes out unjournaled (idempotent; a stopped instance is worse).
  CHECK(h.cloud.Count("StartInstance") == 1);
  CHECK(s.skipped == 3);
  for (const auto& [id, inst] : h.Truth()) {
    INFO(id);
    CHECK(inst.status == kRunning);
  }
}

TEST_CASE("a hard stop looks like a crash: no end record, nothing synced after the last call") {
  std::vector<Inst> insts = {Down("i-h1"), Down("i-h2")};
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 0}}, 2);
  ExecutorOptions opt;
  opt.interrupt_level = [&] { return h.cloud.Count("ModifyPrepayInstanceSpec") >= 1 ? 2 : 0; };
  Summary s = h.Run(plan, opt);
  REQUIRE(s.aborted);
  auto durable = h.store.Durable(plan.plan_id);
  REQUIRE_FALSE(durable.empty());
  for (const auto& r : durable) CHECK(r.value("ev", "") != "end");
  // Only call batches are synced during a run: the last durable record is a call.
  CHECK(durable.back().value("ev", "") == "call");
}

TEST_CASE("resume re-sends the same ClientToken for an order in flight at the crash") {
  std::vector<Inst> insts = {Up("i-tok")};
  Harness h(insts);
  Plan plan = MakeTestPlan(insts);
  ExecutorOptions opt;
  opt.interrupt_level = [&] { return h.cloud.Count("ModifyPrepayInstanceSpec") >= 1 ? 2 : 0; };
  REQUIRE(h.Run(plan, opt).aborted);
  REQUIRE(h.model.Orders().size() == 1);
  REQUIRE(h.model.Orders().front().status == "Processing");  // crashed before the order completed
  REQUIRE(h.Truth()["i-tok"].type == "ecs.g7.xlarge");
  ExecutorOptions again;
  again.resume = h.JournalOf(plan);
  again.live = h.Truth();
  Summary s = h.Run(plan, again);
  REQUIRE(s.exit_code == 0);
  REQUIRE(h.cloud.client_tokens.size() == 2);
  CHECK(h.cloud.client_tokens[0] == h.cloud.client_tokens[1]);
  CHECK(h.OrdersPerInstance()["i-tok"] == 1);
  CHECK(h.Truth()["i-tok"].type == "ecs.g7.2xlarge");
}

TEST_CASE("resume honours the journal's finished, steps_done and stopped") {
  // The plan: i-f upgrades (modify, reboot); the cloud already shows the new type.
  std::vector<Inst> planned = {Up("i-f")};
  std::vector<Inst> world = {Inst{"i-f", "main", "ecs.g7.2xlarge", "ecs.g7.2xlarge", kRunning, 0}};
  Plan plan = MakeTestPlan(planned);
  Harness h(world);
  ExecutorOptions opt;
  opt.live = h.Truth();
  SECTION("finished") {
    opt.resume.finished.insert("i-f");
  }
  SECTION("steps_done") {
    for (int s : plan.instances[0].steps) opt.resume.steps_done.insert(s);
  }
  Summary s = h.Run(plan, opt);
  CHECK(s.exit_code == 0);
  CHECK(s.already == 1);
  CHECK(h.cloud.Count("RebootInstance") == 0);
  CHECK(h.cloud.Count("ModifyPrepayInstanceSpec") == 0);
}

TEST_CASE("resume honours stopped: an instance respec stopped counts against maxUnavailable at once") {
  std::vector<Inst> insts = {Down("i-a"), Down("i-b")};
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 1, {}, 0}}, 2);
  REQUIRE(h.model.StopInstance("cn-hangzhou", "i-a").ok());  // an earlier run stopped it, then crashed
  h.clock.Advance(Millis(60000));
  ExecutorOptions opt;
  opt.live = h.Truth();
  opt.resume.stopped.insert("i-a");
  opt.resume.touched.insert("i-a");
  opt.resume.steps_done.insert(plan.instances[0].steps.front());  // its stop step
  Summary s = h.Run(plan, opt);
  CHECK(s.exit_code == 0);
  CHECK(h.cloud.max_down["main"] <= 1);
  for (const auto& [id, inst] : h.Truth()) CHECK(inst.status == kRunning);
}
