// The apply benchmark's budget case (bench/apply_bench.sh CASE=budget), in
// process and in virtual time: 1,000 Running instances, half upgrades and
// half downgrades, maxUnavailable 10, against the emulator Model with its
// default timing. Deterministic, so a scheduling change shows its effect on
// API calls per instance and on the time against the lower bound without
// the HTTP benchmark's noise (calls here have no latency).
#include <catch2/catch.hpp>

#include <cstdio>

#include "apply_fixture.h"
#include "core/timefmt.h"

using namespace respec;
using namespace respec::testing;

TEST_CASE("budget case in virtual time: calls per instance and time against the bound", "[sim]") {
  std::vector<Inst> insts;
  for (int i = 0; i < 1000; ++i) {
    Inst in;
    in.id = "i-sim" + std::to_string(i);
    if (i % 2) std::swap(in.from, in.to);  // odd ones downgrade
    insts.push_back(in);
  }
  Harness h(insts);
  Plan plan = MakeTestPlan(insts, {{"main", 10, {}, 0}}, 1000);
  const TimePoint t0 = h.clock.Now();
  Summary s = h.Run(plan);
  const double wall = std::chrono::duration<double>(h.clock.Now() - t0).count();
  REQUIRE(s.exit_code == 0);
  double down = 0;
  for (const auto& o : h.model.Orders()) {
    if (o.operator_type == "downgrade") {
      auto a = ParseRfc3339(o.time), b = ParseRfc3339(o.complete_time);
      down += 3 + std::chrono::duration<double>(*b - *a).count() + 4;
    } else {
      down += 5;
    }
  }
  std::map<std::string, int> n;
  int calls = 0;
  for (const auto& c : h.cloud.calls) {
    if (!c.instance.empty() && (c.action == "StopInstance" || c.action == "StartInstance" || c.action == "RebootInstance"))
      continue;  // per-instance views of a batch
    ++n[c.action];
    ++calls;
  }
  std::printf("sim: %.1f s vs bound %.1f s: ratio %.3f; %d calls = %.3f per instance:", wall, down / 10, wall / (down / 10),
              calls, calls / 1000.0);
  for (auto& [k, v] : n) std::printf(" %s %d", k.c_str(), v);
  std::printf("\n");
  // Guards, with room for harmless changes: the budget kept busy (the
  // bound is exact here: calls take no time), and stops, starts and
  // restarts sharing requests.
  CHECK(wall / (down / 10) < 1.2);
  CHECK(n["StopInstances"] + n["StartInstances"] + n["RebootInstances"] < 900);
  CHECK(n["RebootInstances"] < 200);  // restarts fall into step (ExecutorOptions::align_window)
  CHECK(h.cloud.Count("StopInstance") == 500);
  CHECK(h.cloud.Count("RebootInstance") == 500);
  CHECK(double(calls) / 1000 < 2.6);
}
