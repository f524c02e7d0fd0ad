#include <catch2/catch.hpp>

#include "test_world.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

namespace {

World PowerWorld() {
  World w = DefaultWorld();
  w.instances.push_back(MakeInstance("i-bp1run", "cn-hangzhou-h", "ecs.g7.large", kRunning));
  w.instances.push_back(MakeInstance("i-bp1stop", "cn-hangzhou-i", "ecs.g7.large", kStopped));
  return w;
}

}  // namespace

TEST_CASE("Stop moves Running -> Stopping -> Stopped after timing.stop") {
  VirtualClock clock;
  Model m(PowerWorld(), &clock);
  REQUIRE(m.StopInstance("cn-hangzhou", "i-bp1run").ok());
  CHECK(Describe(m, "i-bp1run").status == kStopping);
  clock.Advance(Millis(2999));
  CHECK(Describe(m, "i-bp1run").status == kStopping);
  clock.Advance(Millis(1));
  CHECK(Describe(m, "i-bp1run").status == kStopped);
}

TEST_CASE("Start moves Stopped -> Starting -> Running after timing.start") {
  VirtualClock clock;
  Model m(PowerWorld(), &clock);
  REQUIRE(m.StartInstance("cn-hangzhou", "i-bp1stop").ok());
  CHECK(Describe(m, "i-bp1stop").status == kStarting);
  clock.Advance(Millis(4000));
  CHECK(Describe(m, "i-bp1stop").status == kRunning);
}

TEST_CASE("Reboot goes Running -> Stopping -> Starting -> Running") {
  VirtualClock clock;
  Timing t;
  t.reboot = Millis(6000);
  Model m(PowerWorld(), &clock, t);
  REQUIRE(m.RebootInstance("cn-hangzhou", "i-bp1run").ok());
  CHECK(Describe(m, "i-bp1run").status == kStopping);
  clock.Advance(Millis(3000));
  CHECK(Describe(m, "i-bp1run").status == kStarting);
  clock.Advance(Millis(3000));
  CHECK(Describe(m, "i-bp1run").status == kRunning);
}

TEST_CASE("Power actions on the wrong status get IncorrectInstanceStatus (403)") {
  VirtualClock clock;
  Model m(PowerWorld(), &clock);
  auto stop = m.StopInstance("cn-hangzhou", "i-bp1stop");
  REQUIRE_FALSE(stop.ok());
  CHECK(stop.error().code == "IncorrectInstanceStatus");
  CHECK(stop.error().http_status == 403);
  CHECK(stop.error().action == "StopInstance");
  CHECK(stop.error().instance_id == "i-bp1stop");
  CHECK_FALSE(stop.error().request_id.empty());

  CHECK(m.StartInstance("cn-hangzhou", "i-bp1run").error().code == "IncorrectInstanceStatus");
  CHECK(m.RebootInstance("cn-hangzhou", "i-bp1stop").error().code == "IncorrectInstanceStatus");

  REQUIRE(m.StopInstance("cn-hangzhou", "i-bp1run").ok());  // now Stopping
  CHECK(m.StopInstance("cn-hangzhou", "i-bp1run").error().code == "IncorrectInstanceStatus");
  CHECK(m.RebootInstance("cn-hangzhou", "i-bp1run").error().code == "IncorrectInstanceStatus");
  CHECK(m.StartInstance("cn-hangzhou", "i-bp1run").error().code == "IncorrectInstanceStatus");

  REQUIRE(m.StartInstance("cn-hangzhou", "i-bp1stop").ok());  // now Starting
  CHECK(m.StartInstance("cn-hangzhou", "i-bp1stop").error().code == "IncorrectInstanceStatus");
}

TEST_CASE("Power actions on unknown instances and regions") {
  VirtualClock clock;
  Model m(PowerWorld(), &clock);
  auto r = m.StopInstance("cn-hangzhou", "i-nope");
  CHECK(r.error().code == "InvalidInstanceId.NotFound");
  CHECK(m.StopInstance("cn-nowhere", "i-bp1run").error().code == "InvalidRegionId.NotFound");
  CHECK(m.StopInstance("cn-shanghai", "i-bp1run").error().code == "InvalidInstanceId.NotFound");
  CHECK(m.StopInstance("cn-hangzhou", "").error().code == "MissingParameter");
}
