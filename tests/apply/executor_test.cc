// Executor on the in-process Model with a VirtualClock: ordering, limits,
// shared waiter batching. No test sleeps: the InlineRunner advances the clock.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fmt/format.h>

#include "apply_fixture.h"

using namespace respec;
using namespace respec::testing;

namespace {

std::vector<Inst> Mixed(int n, const std::string& group = "main") {
  std::vector<Inst> v;
  for (int i = 0; i < n; ++i) {
    Inst x;
    x.id = fmt::format("i-{}{:04}", group, i);
    x.group = group;
    switch (i % 4) {
      case 0: x.from = "ecs.g7.xlarge"; x.to = "ecs.g7.2xlarge"; break;                      // upgrade, Running
      case 1: x.from = "ecs.g7.2xlarge"; x.to = "ecs.g7.xlarge"; break;                      // downgrade, Running
      case 2: x.from = "ecs.g7.xlarge"; x.to = "ecs.g7.large"; x.status = kStopped; break;   // downgrade, Stopped
      case 3: x.from = "ecs.c7.large"; x.to = "ecs.c7.xlarge"; x.status = kStopped; break;   // upgrade, Stopped
    }
    v.push_back(x);
  }
  return v;
}

// Instances in flight over time, from the events: first step started .. done/failed.
int MaxInFlight(const std::vector<Event>& events) {
  std::set<std::string> in_flight;
  size_t best = 0;
  for (const auto& e : events) {
    if (e.kind == EventKind::kStepStarted || e.kind == EventKind::kStepSkipped ||
        e.kind == EventKind::kStepSucceeded)
      in_flight.insert(e.instance_id);
    if (e.kind == EventKind::kInstanceDone || e.kind == EventKind::kInstanceFailed) in_flight.erase(e.instance_id);
    best = std::max(best, in_flight.size());
  }
  return static_cast<int>(best);
}

void RequireApplied(Harness& h, const std::vector<Inst>& insts) {
  auto truth = h.Truth();
  auto orders = h.OrdersPerInstance();
  for (const auto& i : insts) {
    INFO(i.id);
    REQUIRE(truth[i.id].type == i.to);
    REQUIRE(truth[i.id].status == i.status);  // power state as before apply
    REQUIRE(orders[i.id] == (i.from == i.to ? 0 : 1));
  }
}

}  // namespace

TEST_CASE("a mixed plan is applied: target types, original power states, one order each") {
  auto insts = Mixed(40);
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 5, {}, 0}}, 10);
  Summary s = h.Run(plan);
  REQUIRE(s.exit_code == 0);
  REQUIRE(s.changed == 40);
  RequireApplied(h, insts);
  for (const auto& o : s.instances) REQUIRE_FALSE(o.order_id.empty());
  // Nothing polls per instance: DescribeInstances calls are far fewer than one per instance per step.
  REQUIRE(h.cloud.Count("DescribeInstances") < 40 * 3);
}

TEST_CASE("each chain runs in order: stop, modify, start") {
  auto insts = Mixed(8);
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 8, {}, 0}});
  REQUIRE(h.Run(plan).exit_code == 0);
  std::map<std::string, std::vector<std::string>> seq;
  for (const auto& c : h.cloud.calls)
    if (!c.instance.empty()) seq[c.instance].push_back(c.action);
  for (const auto& i : insts) {
    INFO(i.id);
    std::vector<std::string> want;
    if (i.status == kRunning && DirectionOf(i.from, i.to) == Direction::kDowngrade)
      want = {"StopInstance", "ModifyPrepayInstanceSpec", "StartInstance"};
    else if (i.status == kRunning)
      want = {"ModifyPrepayInstanceSpec", "RebootInstance"};
    else
      want = {"ModifyPrepayInstanceSpec"};
    REQUIRE(seq[i.id] == want);
  }
}

TEST_CASE("dependsOn: no step of a group starts before its dependency group finished") {
  auto a = Mixed(6, "canary");
  auto b = Mixed(10, "rest");
  std::vector<Inst> all = a;
  all.insert(all.end(), b.begin(), b.end());
  Harness h(all);
  Plan plan = MakeTestPlan(all, {{"canary", 2, {}, 0}, {"rest", 3, {"canary"}, 0}});
  REQUIRE(h.Run(plan).exit_code == 0);
  TimePoint canary_last{}, rest_first = TimePoint::max();
  for (const auto& e : h.reporter.events) {
    if (e.group == "canary" && e.kind == EventKind::kInstanceDone) canary_last = std::max(canary_last, e.time);
    if (e.group == "rest" && e.kind == EventKind::kStepStarted) rest_first = std::min(rest_first, e.time);
  }
  REQUIRE(canary_last > TimePoint{});
  REQUIRE(rest_first >= canary_last);
  RequireApplied(h, all);
}

TEST_CASE("maxParallel and maxUnavailable are never exceeded") {
  auto web = Mixed(30, "web");
  auto db = Mixed(12, "db");
  std::vector<Inst> all = web;
  all.insert(all.end(), db.begin(), db.end());
  for (int parallel : {1, 4, 16}) {
    for (int unavail : {1, 3}) {
      DYNAMIC_SECTION("parallel " << parallel << " unavailable " << unavail) {
        Harness h(all);
        Plan plan = MakeTestPlan(all, {{"web", unavail, {}, 0}, {"db", 1, {}, 0}}, parallel);
        REQUIRE(h.Run(plan).exit_code == 0);
        REQUIRE(MaxInFlight(h.reporter.events) <= parallel);
        REQUIRE(h.cloud.max_down["web"] <= unavail);
        REQUIRE(h.cloud.max_down["db"] <= 1);
        // The limits are used, not just respected: some moment had the group at its limit.
        if (parallel >= 4) REQUIRE(h.cloud.max_down["web"] == unavail);
        RequireApplied(h, all);
      }
    }
  }
}

TEST_CASE("the shared waiter polls in batches of at most 100 IDs") {
  std::vector<Inst> insts;
  for (int i = 0; i < 250; ++i) {
    Inst x;
    x.id = fmt::format("i-up{:04}", i);
    x.status = kStopped;  // modify only: all 250 wait for their order at once
    insts.push_back(x);
  }
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 250, {}, 0}}, 250);
  REQUIRE(h.Run(plan).exit_code == 0);
  std::vector<RecordingCloud::CallRecord> describes;
  for (const auto& c : h.cloud.calls)
    if (c.action == "DescribeInstances") describes.push_back(c);
  // The last three are the final read of all 250 (apply's summary comes from it).
  REQUIRE(describes.size() > 3);
  size_t final_ids = 0;
  for (size_t i = describes.size() - 3; i < describes.size(); ++i) final_ids += describes[i].ids;
  REQUIRE(final_ids == 250);
  describes.resize(describes.size() - 3);
  std::map<TimePoint, int> calls_at;
  for (const auto& c : describes) {
    REQUIRE(c.ids <= 100);
    ++calls_at[c.time];
  }
  REQUIRE(!calls_at.empty());
  for (const auto& [t, n] : calls_at) REQUIRE(n <= 3);  // ceil(250 / 100) per poll
  // 250 orders settled with a handful of polls, not one loop per instance.
  REQUIRE(describes.size() <= 3 * 8);
  RequireApplied(h, insts);
}

TEST_CASE("a type that already shows skips the modify (an earlier run's order completed)") {
  std::vector<Inst> insts = {{"i-done", "main", "ecs.g7.2xlarge", "ecs.g7.2xlarge", kStopped}};
  Harness h(insts);
  // The plan was made when the instance still had its old type.
  Plan plan = MakeTestPlan({{"i-done", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kStopped}});
  Summary s = h.Run(plan);
  REQUIRE(s.exit_code == 0);
  REQUIRE(h.cloud.Count("ModifyPrepayInstanceSpec") == 0);
  REQUIRE(h.model.Orders().empty());
  bool skipped = false;
  for (const auto& e : h.reporter.events) skipped |= e.kind == EventKind::kStepSkipped && e.step == "modify";
  REQUIRE(skipped);
}

TEST_CASE("progress reports per group counts and finishes with everything done") {
  auto insts = Mixed(12);
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 0}}, 4);
  h.Run(plan);
  REQUIRE(h.reporter.progress_calls > 0);
  const Progress& p = h.reporter.last_progress;
  REQUIRE(p.total == 12);
  REQUIRE(p.done == 12);
  REQUIRE(p.in_flight == 0);
  REQUIRE(p.groups.size() == 1);
  REQUIRE(p.groups[0].done == 12);
  REQUIRE(h.reporter.summary.has_value());
}

TEST_CASE("calls for an instance respec took down get a runner lane of their own") {
  // A runner that records the lane of every submission and runs it inline.
  struct LaneRunner final : CallRunner {
    explicit LaneRunner(Clock* c) : inner(c) {}
    void Submit(uint64_t token, Work work, const std::string& lane) override {
      lanes.push_back(lane);
      inner.Submit(token, std::move(work), lane);
    }
    std::optional<uint64_t> WaitForCompletion(TimePoint deadline) override { return inner.WaitForCompletion(deadline); }
    InlineRunner inner;
    std::vector<std::string> lanes;
  };
  std::vector<Inst> insts(3);
  insts[0].id = "i-up0";
  insts[1].id = "i-up1";
  insts[2].id = "i-down";
  insts[2].from = "ecs.g7.2xlarge";
  insts[2].to = "ecs.g7.xlarge";
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 1, {}, 0}});
  RunRecord run;
  run.plan_id = plan.plan_id;
  REQUIRE(h.store.BeginRun(&run).ok());
  Journal j(&h.store, run.run_id, plan.plan_id);
  LaneRunner runner(&h.clock);
  Executor ex(&plan, &h.cloud, &h.clock, &runner, &j, &h.reporter, {});
  REQUIRE(ex.Run().exit_code == 0);
  RequireApplied(h, insts);
  std::map<std::string, int> n;
  for (const auto& l : runner.lanes) ++n[l];
  // The upgrades' orders go out while they are Running: the action's own lane.
  CHECK(n["ModifyPrepayInstanceSpec"] == 2);
  // Everything sent while an instance is down: its own lane.
  CHECK(n["ModifyPrepayInstanceSpec (instance down)"] == 1);
  CHECK(n["StopInstances (instance down)"] == 1);
  CHECK(n["StartInstances (instance down)"] == 1);
  CHECK(n["RebootInstances (instance down)"] == 2);
  CHECK(n["StopInstance"] + n["StartInstance"] + n["RebootInstance"] == 0);
}
