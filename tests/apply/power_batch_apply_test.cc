// Apply's stops, starts and restarts as StopInstances / StartInstances /
// RebootInstances, and the stop that its downgrade's order call checks.
#include <catch2/catch.hpp>

#include "apply_fixture.h"

using namespace respec;
using namespace respec::testing;

namespace {

Inst Down(const std::string& id) { return Inst{id, "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 0}; }

int EventsWith(const RecordingReporter& rep, EventKind k, const std::string& id, const std::string& text) {
  int n = 0;
  for (const auto& e : rep.events)
    n += e.kind == k && (id.empty() || e.instance_id == id) && e.message.find(text) != std::string::npos;
  return n;
}

int StopsOf(const Harness& h, const std::string& id) {
  int n = 0;
  for (const auto& s : h.model.Stops()) n += s.instance_id == id;
  return n;
}

}  // namespace

TEST_CASE("stops admitted together leave as one StopInstances of every instance", "[batch]") {
  std::vector<Inst> insts;
  for (int i = 0; i < 10; ++i) insts.push_back(Down("i-b" + std::to_string(i)));
  Harness h(insts);
  Summary s = h.Run(MakeTestPlan(insts, {{"main", 10, {}, 0}}, 20));
  REQUIRE(s.exit_code == 0);
  REQUIRE(h.cloud.Count("StopInstances") == 1);
  for (const auto& c : h.cloud.calls)
    if (c.action == "StopInstances") CHECK(c.ids == 10);
  for (const auto& i : insts) CHECK(StopsOf(h, i.id) == 1);
  // Starts follow each order as it completes: never more requests than instances.
  CHECK(h.cloud.Count("StartInstances") >= 1);
  CHECK(h.cloud.Count("StartInstances") <= 10);
  CHECK(h.cloud.Count("StartInstance") == 10);
}

TEST_CASE("an instance a batch answer left out is read again, not failed, and not stopped twice", "[batch]") {
  std::vector<Inst> insts = {Down("i-left"), Down("i-kept")};
  Harness h(insts);
  bool once = false;
  h.cloud.fail = [&](const std::string& action, const std::string& id) -> std::optional<CloudError> {
    if (action != "StopInstance" || id != "i-left" || once) return std::nullopt;
    once = true;
    REQUIRE(h.model.StopInstance("cn-hangzhou", id).ok());  // the server acted ...
    CloudError e = MakeCloudError("Response.MissingInstance", "");  // ... the answer left it out
    e.ambiguous = true;
    e.instance_id = id;
    return e;
  };
  Summary s = h.Run(MakeTestPlan(insts, {{"main", 2, {}, 0}}));
  REQUIRE(once);
  REQUIRE(s.exit_code == 0);
  CHECK(s.changed == 2);
  CHECK(StopsOf(h, "i-left") == 1);
  CHECK(h.Truth()["i-left"].type == "ecs.g7.xlarge");
  CHECK(h.Truth()["i-left"].status == kRunning);
  CHECK(EventsWith(h.reporter, EventKind::kStepRetried, "i-left", "left out of the answer") == 1);
}

TEST_CASE("once stops are learned, a downgrade's order goes out at the stop time; the API checks Stopped", "[batch]") {
  std::vector<Inst> insts;
  for (int i = 0; i < 7; ++i) insts.push_back(Down("i-t" + std::to_string(i)));
  Harness h(insts);
  // Every order must find its instance Stopped: the API refuses a downgrade
  // otherwise, and that refusal (once) is what a stop timed too early meets.
  int not_stopped = 0;
  h.cloud.before = [&](const std::string& action, const std::string& id) {
    if (action == "ModifyPrepayInstanceSpec" && h.Truth()[id].status != kStopped) ++not_stopped;
  };
  bool refused = false;
  h.cloud.fail = [&](const std::string& action, const std::string& id) -> std::optional<CloudError> {
    if (action != "ModifyPrepayInstanceSpec" || id != "i-t4" || refused) return std::nullopt;
    refused = true;
    return MakeCloudError("InvalidStatus.NotStopped", "");
  };
  Summary s = h.Run(MakeTestPlan(insts, {{"main", 1, {}, 0}}));
  REQUIRE(s.exit_code == 0);
  CHECK(s.changed == 7);
  CHECK(not_stopped == 0);
  // The first three stops are read (the waiter learns them); the later ones are not.
  for (int i = 0; i < 7; ++i) {
    const std::string id = "i-t" + std::to_string(i);
    INFO(id);
    CHECK(StopsOf(h, id) == 1);
    const int unread = EventsWith(h.reporter, EventKind::kStepSucceeded, id, "not read");
    CHECK(unread == (i < kTrustedSamples ? 0 : i == 4 ? 1 : 1));
  }
  REQUIRE(refused);
  CHECK(EventsWith(h.reporter, EventKind::kStepRetried, "i-t4", "InvalidStatus.NotStopped") == 1);
  CHECK(h.OrdersPerInstance()["i-t4"] == 1);
  // After the refusal the stop estimate grew: i-t5 and i-t6 wait longer
  // between their stop and their order than i-t3 did.
  auto gap = [&](const std::string& id) {
    TimePoint stop{}, modify{};
    for (const auto& c : h.cloud.calls) {
      if (c.instance != id) continue;
      if (c.action == "StopInstance") stop = c.time;
      if (c.action == "ModifyPrepayInstanceSpec" && modify == TimePoint{}) modify = c.time;
    }
    return modify - stop;
  };
  CHECK(gap("i-t5") > gap("i-t3"));
}

TEST_CASE("a freed slot waits for a peer expected back soon, so restarts fall into step", "[batch]") {
  // Downgrades first: their orders take random times, so the slots they free
  // come back one by one, out of step, to the restarts queued behind them.
  std::vector<Inst> insts;
  for (int i = 0; i < 20; ++i) insts.push_back(Down("i-d" + std::to_string(i)));
  for (int i = 0; i < 60; ++i) insts.push_back(Inst{"i-u" + std::to_string(i), "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0});
  auto run = [&](Millis window) {
    Harness h(insts);
    for (const auto& i : insts) h.cloud.originally_running.insert(i.id);
    ExecutorOptions opt;
    opt.align_window = window;
    Summary s = h.Run(MakeTestPlan(insts, {{"main", 10, {}, 0}}, 100), opt);
    REQUIRE(s.exit_code == 0);
    CHECK(s.changed == 80);
    CHECK(h.cloud.Count("RebootInstance") == 60);  // each restarted once
    CHECK(h.cloud.max_down["main"] <= 10);          // the budget holds while waiting
    return std::make_pair(h.cloud.Count("RebootInstances"), h.cloud.Count("DescribeInstances"));
  };
  const auto [aligned_reboots, aligned_reads] = run(ExecutorOptions{}.align_window);
  const auto [free_reboots, free_reads] = run(Millis(0));
  INFO("aligned: " << aligned_reboots << " RebootInstances, " << aligned_reads << " reads; not: " << free_reboots
                   << ", " << free_reads);
  CHECK(aligned_reboots < free_reboots);
  CHECK(aligned_reboots <= 15);  // 60 restarts, 10 at a time: six waves, and a few to fall into step
  CHECK(aligned_reads < free_reads);
}
