// examples/world.yaml behaves as its comments promise.
#include <catch2/catch.hpp>

#include "test_world.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

namespace {

World Demo() {
  const char* env = std::getenv("RESPEC_SOURCE_DIR");
  std::string dir = env ? env : RESPEC_SOURCE_DIR;
  World w;
  std::vector<std::string> errors;
  if (!LoadWorld(dir + "/examples/world.yaml", &w, &errors)) FAIL(errors.at(0));
  return w;
}

std::string Code(Model& m, ModifyPrepaySpecRequest r) {
  auto res = m.ModifyPrepayInstanceSpec(r);
  return res.ok() ? "OK" : res.error().code;
}

}  // namespace

TEST_CASE("Demo world: each special instance gets its documented error") {
  VirtualClock clock;  // 2026-01-01
  Model m(Demo(), &clock);
  CHECK(Code(m, Modify("i-bp1demo000000000001", "ecs.g6.xlarge")) == "OK");
  CHECK(Code(m, Modify("i-bp1expired000000001", "ecs.g6.xlarge")) == "InvalidInstance.PreInstanceExpired");
  CHECK(Code(m, Modify("i-bp1localdisk0000001", "ecs.i2.2xlarge")) == "OperationDenied.LocalDiskUnsupported");
  CHECK(Code(m, Modify("i-bp1postpaid00000001", "ecs.g6.xlarge")) == "InvalidInstanceChargeType.ValueNotSupported");
  CHECK(Code(m, Modify("i-bp1market0000000001", "ecs.c7.xlarge")) == "ImageNotSupportInstanceType");
  CHECK(Code(m, Modify("i-bp1market0000000001", "ecs.g7.large")) == "OK");
  CHECK(Code(m, Modify("i-bp1api0000000000001", "ecs.g7.8xlarge")) == "OperationDenied.NoStock");   // zone h
  CHECK(Code(m, Modify("i-bp1api0000000000002", "ecs.g7.8xlarge")) == "OK");                        // zone i
  CHECK(Code(m, Modify("i-bp1web0000000000001", "ecs.n1.large")) == "InstanceType.Offline");
  CHECK(Code(m, Modify("i-bp1batch00000000001", "ecs.c7.xlarge", "downgrade")) == "OK");  // already Stopped
  CHECK(Code(m, Modify("i-uf6db00000000000001", "ecs.r7.xlarge", "downgrade")) == "InvalidStatus.NotStopped");
}

TEST_CASE("Demo world: the database has two downgrades left") {
  VirtualClock clock;
  Model m(Demo(), &clock);
  const std::string db = "i-uf6db00000000000001";
  REQUIRE(m.StopInstance("cn-shanghai", db).ok());
  clock.Advance(Millis(3000));
  CHECK(Code(m, Modify(db, "ecs.r7.xlarge", "downgrade")) == "OK");
  clock.Advance(Millis(10000));
  CHECK(Code(m, Modify(db, "ecs.r7.large", "downgrade")) == "OK");
  clock.Advance(Millis(10000));
  CHECK(Code(m, Modify(db, "ecs.g7.large", "downgrade")) == "InstanceDowngrade.QuotaExceed");
}

TEST_CASE("Demo world: tag selectors find the tiers") {
  VirtualClock clock;
  Model m(Demo(), &clock);
  auto r = ListRequest("cn-hangzhou");
  r.tags = {{"role", "web"}, {"env", "prod"}};
  auto web = m.DescribeInstances(r);
  REQUIRE(web.ok());
  CHECK(web->total_count == 6);
  r.tags = {{"canary", "true"}};
  CHECK(m.DescribeInstances(r)->total_count == 1);
  auto sh = ListRequest("cn-shanghai");
  sh.tags = {{"role", "api"}};
  CHECK(m.DescribeInstances(sh)->total_count == 3);
  CHECK(m.FindAccessKey("LTAI5tRespecDemoKey0001") != nullptr);
}
