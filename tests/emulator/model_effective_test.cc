// When a changed type takes effect: only at an API restart (RebootInstance,
// StartInstance of a Stopped instance, RebootWhenFinished, RebootTime).
#include <catch2/catch.hpp>

#include "core/timefmt.h"
#include "test_world.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

namespace {

World EffWorld() {
  World w = DefaultWorld();
  w.instances.push_back(MakeInstance("i-bp1run", "cn-hangzhou-h", "ecs.g7.large", kRunning));
  w.instances.push_back(MakeInstance("i-bp1stop", "cn-hangzhou-i", "ecs.g7.xlarge", kStopped));
  return w;
}

}  // namespace

TEST_CASE("Effective: the reported type changes at completion, the running one at RebootInstance") {
  VirtualClock clock;
  Model m(EffWorld(), &clock);
  REQUIRE(m.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.2xlarge")).ok());
  clock.Advance(Millis(10000));
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.2xlarge");
  CHECK(Describe(m, "i-bp1run").status == kRunning);  // no restart by itself
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.large");
  clock.Advance(Millis(3600000));
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.large");
  REQUIRE(m.RebootInstance("cn-hangzhou", "i-bp1run").ok());
  clock.Advance(Millis(2500));
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.2xlarge");
}

TEST_CASE("Effective: type_visible_after_restart shows the new type only after the restart") {
  // The other reading of the seeds' "wait 5-10 s, then restart".
  VirtualClock clock;
  World w = EffWorld();
  w.type_visible_after_restart = true;
  Model m(std::move(w), &clock);
  REQUIRE(m.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.2xlarge")).ok());
  clock.Advance(Millis(3600000));  // long after the order completed
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.large");
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.large");
  REQUIRE(m.RebootInstance("cn-hangzhou", "i-bp1run").ok());
  clock.Advance(Millis(10000));
  CHECK(Describe(m, "i-bp1run").status == kRunning);
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.2xlarge");
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.2xlarge");
  // A Stopped instance shows its new type at once, as before.
  REQUIRE(m.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.2xlarge")).ok());
  clock.Advance(Millis(10000));
  CHECK(Describe(m, "i-bp1stop").type == "ecs.g7.2xlarge");
}

TEST_CASE("Effective: a reboot before the order completes does not apply it") {
  VirtualClock clock;
  Model m(EffWorld(), &clock);
  REQUIRE(m.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.2xlarge")).ok());
  REQUIRE(m.RebootInstance("cn-hangzhou", "i-bp1run").ok());
  clock.Advance(Millis(5000));
  CHECK(Describe(m, "i-bp1run").status == kRunning);
  clock.Advance(Millis(5000));
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.2xlarge");
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.large");
}

TEST_CASE("Effective: a Stopped instance takes the new type when started") {
  VirtualClock clock;
  Model m(EffWorld(), &clock);
  REQUIRE(m.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.large", "downgrade")).ok());
  clock.Advance(Millis(10000));
  CHECK(Describe(m, "i-bp1stop").type == "ecs.g7.large");
  CHECK(Describe(m, "i-bp1stop").cpu == 2);
  CHECK(m.EffectiveType("i-bp1stop") == "ecs.g7.xlarge");
  REQUIRE(m.StartInstance("cn-hangzhou", "i-bp1stop").ok());
  CHECK(m.EffectiveType("i-bp1stop") == "ecs.g7.large");
  clock.Advance(Millis(4000));
  CHECK(Describe(m, "i-bp1stop").status == kRunning);
}

TEST_CASE("Effective: starting before the order completes keeps the old type running") {
  VirtualClock clock;
  Model m(EffWorld(), &clock);
  REQUIRE(m.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.large", "downgrade")).ok());
  REQUIRE(m.StartInstance("cn-hangzhou", "i-bp1stop").ok());
  clock.Advance(Millis(10000));
  CHECK(Describe(m, "i-bp1stop").type == "ecs.g7.large");
  CHECK(m.EffectiveType("i-bp1stop") == "ecs.g7.xlarge");
  REQUIRE(m.RebootInstance("cn-hangzhou", "i-bp1stop").ok());
  clock.Advance(Millis(5000));
  CHECK(m.EffectiveType("i-bp1stop") == "ecs.g7.large");
}

TEST_CASE("Effective: RebootWhenFinished restarts a Running instance when the order completes") {
  VirtualClock clock;
  Timing t;
  t.order_min = t.order_max = Millis(7000);
  Model m(EffWorld(), &clock, t);
  auto r = Modify("i-bp1run", "ecs.g7.2xlarge");
  r.reboot_when_finished = true;
  REQUIRE(m.ModifyPrepayInstanceSpec(r).ok());
  clock.Advance(Millis(6999));
  CHECK(Describe(m, "i-bp1run").status == kRunning);
  clock.Advance(Millis(1));
  CHECK(Describe(m, "i-bp1run").status == kStopping);  // restarting by itself
  clock.Advance(Millis(2500));
  CHECK(Describe(m, "i-bp1run").status == kStarting);
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.2xlarge");
  clock.Advance(Millis(2500));
  CHECK(Describe(m, "i-bp1run").status == kRunning);
}

TEST_CASE("Effective: RebootWhenFinished on a Stopping instance does nothing") {
  VirtualClock clock;
  Timing t;
  t.order_min = t.order_max = Millis(5000);
  t.stop = Millis(60000);  // still Stopping when the order completes
  Model m(EffWorld(), &clock, t);
  auto r = Modify("i-bp1run", "ecs.g7.2xlarge");
  r.reboot_when_finished = true;
  REQUIRE(m.ModifyPrepayInstanceSpec(r).ok());
  REQUIRE(m.StopInstance("cn-hangzhou", "i-bp1run").ok());
  clock.Advance(Millis(5000));
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.2xlarge");
  CHECK(Describe(m, "i-bp1run").status == kStopping);
  clock.Advance(Millis(55000));
  CHECK(Describe(m, "i-bp1run").status == kStopped);  // not restarted
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.large");
  REQUIRE(m.StartInstance("cn-hangzhou", "i-bp1run").ok());
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.2xlarge");
}

TEST_CASE("Effective: RebootWhenFinished on a Stopped instance leaves it stopped until Start") {
  VirtualClock clock;
  Model m(EffWorld(), &clock);
  auto r = Modify("i-bp1stop", "ecs.g7.large", "downgrade");
  r.reboot_when_finished = true;
  REQUIRE(m.ModifyPrepayInstanceSpec(r).ok());
  clock.Advance(Millis(20000));
  CHECK(Describe(m, "i-bp1stop").status == kStopped);
  CHECK(m.EffectiveType("i-bp1stop") == "ecs.g7.xlarge");
}

TEST_CASE("Effective: RebootTime restarts the instance at that time") {
  VirtualClock clock;
  Model m(EffWorld(), &clock);
  auto r = Modify("i-bp1run", "ecs.g7.2xlarge");
  r.reboot_time = "2026-01-01T00:10Z";
  REQUIRE(m.ModifyPrepayInstanceSpec(r).ok());
  clock.Advance(Millis(10000));
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.2xlarge");
  clock.Set(*ParseUtcTime("2026-01-01T00:09:59Z"));
  CHECK(Describe(m, "i-bp1run").status == kRunning);
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.large");
  clock.Set(*ParseUtcTime("2026-01-01T00:10:00Z"));
  CHECK(Describe(m, "i-bp1run").status == kStopping);
  clock.Advance(Millis(5000));
  CHECK(Describe(m, "i-bp1run").status == kRunning);
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.2xlarge");
}

TEST_CASE("Effective: a long jump of the clock applies events in time order") {
  VirtualClock clock;
  Model m(EffWorld(), &clock);
  auto r = Modify("i-bp1run", "ecs.g7.2xlarge");
  r.reboot_when_finished = true;
  REQUIRE(m.ModifyPrepayInstanceSpec(r).ok());
  clock.Advance(Millis(86400000));  // one call sees completion, restart and boot
  CHECK(Describe(m, "i-bp1run").status == kRunning);
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.2xlarge");
}
