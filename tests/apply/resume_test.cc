// Crash safety: a run killed at every possible call (the call made or not,
// the journal possibly ending in a torn line) is resumed from its journal
// with the same ClientTokens: no second order, nothing left stopped.
#include <catch2/catch.hpp>

#include <fstream>

#include <fmt/format.h>

#include "apply/preflight.h"
#include "apply_fixture.h"
#include "state/dir_store.h"
#include "support/temp_dir.h"

using namespace respec;
using namespace respec::testing;

namespace {

std::vector<Inst> Fleet() {
  return {{"i-d1", "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 0},
          {"i-d2", "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 0},
          {"i-u1", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0},
          {"i-s1", "main", "ecs.g7.xlarge", "ecs.g7.large", kStopped, 0}};
}

// Runs `plan` crashing at action call number `crash_at` (1-based): the
// call happens (or not), then the process "dies" (hard stop, no summary
// work beyond what the journal already holds).
void RunUntilCrash(Harness& h, const Plan& plan, int crash_at, bool call_happens, StateStore* store) {
  int n = 0;
  bool crashed = false;
  h.cloud.fail = [&](const std::string& action, const std::string&) -> std::optional<CloudError> {
    if (action == "DescribeInstances") return std::nullopt;  // action calls only
    if (crashed) return MakeCloudError("Transport.ConnectionFailed", "process is dead");
    if (++n == crash_at) {
      crashed = true;
      if (!call_happens) return MakeCloudError("Transport.ConnectionFailed", "process died mid-call");
    }
    return std::nullopt;
  };
  ExecutorOptions opt;
  opt.interrupt_level = [&] { return crashed ? 2 : 0; };
  h.Run(plan, opt, store);
  h.cloud.fail = nullptr;
}

void Resume(Harness& h, const Plan& plan, StateStore* store) {
  JournalState st = h.JournalOf(plan, store);
  PreflightResult pre = CheckPlanAgainstLive(plan, &h.cloud, st.touched);
  INFO((pre.differences.empty() ? std::string() : pre.differences.front().Describe()));
  REQUIRE(pre.ok());
  ExecutorOptions opt;
  opt.resume = st;
  opt.live = pre.live;
  Summary s = h.Run(plan, opt, store);
  REQUIRE(s.exit_code == 0);
}

}  // namespace

TEST_CASE("resume after a crash at every call: no second order, nothing left stopped") {
  auto insts = Fleet();
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 0}}, 2);
  // Action calls a clean run makes: 3 + 3 + 2 + 1.
  const int actions = 9;
  for (int at = 1; at <= actions; ++at) {
    for (bool happens : {true, false}) {
      for (bool torn : {false, true}) {
        DYNAMIC_SECTION("crash at call " << at << (happens ? " after" : " before") << " it"
                                         << (torn ? ", torn journal tail" : "")) {
          Harness h(insts);
          TempDir dir("respec-resume");
          DirStateStore store(dir.path.string());
          RunUntilCrash(h, plan, at, happens, &store);
          if (torn)
            std::ofstream(store.JournalPath(plan.plan_id), std::ios::app) << R"({"ev":"result","instance":"i-d1","ord)";
          h.clock.Advance(Millis(30000));
          Resume(h, plan, &store);
          auto truth = h.Truth();
          auto orders = h.OrdersPerInstance();
          for (const auto& i : insts) {
            INFO(i.id);
            REQUIRE(truth[i.id].type == i.to);
            REQUIRE(truth[i.id].status == i.status);
            REQUIRE(orders[i.id] == 1);
          }
        }
      }
    }
  }
}

TEST_CASE("the journal records calls with ClientTokens and tolerates a torn last line") {
  auto insts = Fleet();
  Harness h(insts);
  Plan plan = MakeTestPlan(insts);
  TempDir dir("respec-journal");
  DirStateStore store(dir.path.string());
  const std::string path = store.JournalPath(plan.plan_id);
  REQUIRE(h.Run(plan, {}, &store).exit_code == 0);
  std::ifstream in(path);
  std::string line;
  int modify_calls = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["ev"] == "call" && j["kind"] == "modify") {
      ++modify_calls;
      REQUIRE(j["client_token"] == MakeClientToken(plan.plan_id, j["instance"], "modify"));
    }
  }
  REQUIRE(modify_calls == 4);
  JournalState st = h.JournalOf(plan, &store);
  REQUIRE(st.finished.size() == 4);
  REQUIRE(st.order_ids.size() == 4);
  REQUIRE(st.stopped == std::set<std::string>{"i-d1", "i-d2"});
  std::ofstream(path, std::ios::app) << "{\"ev\":\"call\",\"inst";
  JournalState torn = h.JournalOf(plan, &store);
  REQUIRE(torn.bad_lines == 1);
  REQUIRE(torn.finished.size() == 4);
  // A new run appends after the torn line without gluing onto it.
  {
    DirStateStore again(dir.path.string());
    Journal j(&again, "r-again", plan.plan_id);
    j.Append({{"ev", "begin"}});
    REQUIRE(j.Sync().ok());
  }
  JournalState after = h.JournalOf(plan, &store);
  REQUIRE(after.bad_lines == 1);
  REQUIRE(after.runs == 2);
  // Every instance finished: a rerun makes no call at all.
  auto actions = [&] { return h.cloud.calls.size() - h.cloud.Count("DescribeInstances"); };
  size_t before = actions();
  ExecutorOptions opt;
  opt.resume = after;
  Summary s = h.Run(plan, opt, &store);
  REQUIRE(s.exit_code == 0);
  REQUIRE(s.already == 4);
  REQUIRE(actions() == before);  // only the final read, which confirms the journal's claim
}
