#include <catch2/catch.hpp>

#include "test_world.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

namespace {

World ModifyWorld() {
  World w = DefaultWorld();
  w.instances.push_back(MakeInstance("i-bp1run", "cn-hangzhou-h", "ecs.g7.large", kRunning));
  w.instances.push_back(MakeInstance("i-bp1stop", "cn-hangzhou-i", "ecs.g7.xlarge", kStopped));
  return w;
}

}  // namespace

TEST_CASE("An accepted upgrade completes within the order window; the type takes effect on reboot") {
  VirtualClock clock;
  Model m(ModifyWorld(), &clock);
  auto r = m.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->order_id.empty());
  CHECK(r->order_id.find_first_not_of("0123456789") == std::string::npos);
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.large");
  clock.Advance(Millis(10000));
  Instance in = Describe(m, "i-bp1run");
  CHECK(in.type == "ecs.g7.xlarge");
  CHECK(in.cpu == 4);
  CHECK(in.memory_mib == 16 * 1024);
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.large");
  REQUIRE(m.RebootInstance("cn-hangzhou", "i-bp1run").ok());
  clock.Advance(Millis(5000));
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.xlarge");
  CHECK(Describe(m, "i-bp1run").status == kRunning);
}

TEST_CASE("A downgrade needs OperatorType=downgrade and a Stopped instance") {
  VirtualClock clock;
  Model m(ModifyWorld(), &clock);
  auto no_op = m.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.large"));
  REQUIRE_FALSE(no_op.ok());
  CHECK(no_op.error().code == "InvalidParameter");
  CHECK(no_op.error().message.find("OperatorType") != std::string::npos);
  auto running = m.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.c7.large", "downgrade"));
  CHECK(running.error().code == "InvalidStatus.NotStopped");
  auto ok = m.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.large", "downgrade"));
  REQUIRE(ok.ok());
  CHECK(m.Instances()[1].downgrades_used == 1);
}
