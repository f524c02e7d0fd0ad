// ModifyPrepayInstanceSpec: one test per rule and error code of the seeds.
#include <catch2/catch.hpp>

#include <set>

#include "core/timefmt.h"

#include "test_world.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

namespace {

World ModifyWorld() {
  World w = DefaultWorld();
  auto add = [&](const std::string& id, const std::string& zone, const std::string& type,
                 const std::string& status) -> WorldInstance& {
    w.instances.push_back(MakeInstance(id, zone, type, status));
    return w.instances.back();
  };
  add("i-bp1run", "cn-hangzhou-h", "ecs.g7.large", kRunning);
  add("i-bp1stop", "cn-hangzhou-i", "ecs.g7.xlarge", kStopped);
  add("i-bp1post", "cn-hangzhou-h", "ecs.g6.large", kRunning).instance.charge_type = "PostPaid";
  add("i-bp1exp", "cn-hangzhou-h", "ecs.g6.large", kStopped).instance.expired_time = "2025-12-31T23:59Z";
  add("i-bp1lock", "cn-hangzhou-h", "ecs.g6.large", kStopped).instance.lock_reasons = {"financial"};
  add("i-bp1local", "cn-hangzhou-i", "ecs.i2.xlarge", kRunning);
  auto& eip = add("i-bp1eip", "cn-hangzhou-h", "ecs.g6.large", kRunning).instance;
  eip.network_type = "classic";
  eip.eip_address = "47.96.1.2";
  add("i-bp1eipvpc", "cn-hangzhou-h", "ecs.g6.large", kRunning).instance.eip_address = "47.96.1.3";
  add("i-bp1market", "cn-hangzhou-h", "ecs.g6.large", kRunning).instance.image_id = "m-bp1market00000001";
  add("i-bp1gone", "cn-hangzhou-h", "ecs.g6.large", kRunning).released = true;
  add("i-bp1quota", "cn-hangzhou-i", "ecs.g7.xlarge", kStopped).downgrades_used = 3;
  add("i-uf6run", "cn-shanghai-e", "ecs.g7.large", kRunning);
  w.stock.push_back({"cn-hangzhou-h", "ecs.g7.8xlarge", "WithoutStock"});
  w.stock.push_back({"cn-hangzhou-h", "ecs.g7.6xlarge", "ClosedWithoutStock"});
  w.stock.push_back({"cn-hangzhou-h", "ecs.g7.4xlarge", "ClosedWithStock"});
  w.images.push_back({"m-bp1market00000001", {"ecs.g6", "ecs.g7"}});
  return w;
}

struct Fixture {
  VirtualClock clock;
  Model model;
  explicit Fixture(World w = ModifyWorld(), Timing t = {}, uint64_t seed = 1)
      : model(std::move(w), &clock, t, seed) {}
  CloudError Fail(const ModifyPrepaySpecRequest& r) {
    auto res = model.ModifyPrepayInstanceSpec(r);
    if (res.ok()) FAIL("expected an error, got OrderId " << res->order_id);
    return res.error();
  }
};

void CheckError(const CloudError& e, const std::string& code, int status, const std::string& id) {
  INFO(e.Describe());
  CHECK(e.code == code);
  CHECK(e.http_status == status);
  CHECK(e.action == "ModifyPrepayInstanceSpec");
  CHECK(e.instance_id == id);
  CHECK(e.request_id.size() == 36);
  CHECK_FALSE(e.message.empty());
  CHECK(e.message != "%s");
}

}  // namespace

TEST_CASE("Modify: missing required parameters are named") {
  Fixture f;
  auto r = Modify("i-bp1run", "ecs.g7.xlarge");
  r.region.clear();
  auto e = f.Fail(r);
  CheckError(e, "MissingParameter", 400, "i-bp1run");
  CHECK(e.message.find("RegionId") != std::string::npos);
  e = f.Fail(Modify("", "ecs.g7.xlarge"));
  CHECK(e.code == "MissingParameter");
  CHECK(e.message.find("InstanceId") != std::string::npos);
  e = f.Fail(Modify("i-bp1run", ""));
  CHECK(e.code == "MissingParameter");
  CHECK(e.message.find("InstanceType") != std::string::npos);
}

TEST_CASE("Modify: ClientToken must be ASCII and at most 64 characters") {
  Fixture f;
  auto r = Modify("i-bp1run", "ecs.g7.xlarge");
  r.client_token = std::string(65, 'a');
  auto e = f.Fail(r);
  CheckError(e, "InvalidParameter", 400, "i-bp1run");
  CHECK(e.message.find("ClientToken") != std::string::npos);
  r.client_token = "tok\xc3\xa9";
  CHECK(f.Fail(r).code == "InvalidParameter");
  r.client_token = std::string(64, 'a');
  CHECK(f.model.ModifyPrepayInstanceSpec(r).ok());
}

TEST_CASE("Modify: bad OperatorType, SystemDisk.Category, EndTime") {
  Fixture f;
  auto e = f.Fail(Modify("i-bp1run", "ecs.g7.xlarge", "sideways"));
  CheckError(e, "InvalidParameter", 400, "i-bp1run");
  CHECK(e.message.find("OperatorType") != std::string::npos);
  auto r = Modify("i-bp1run", "ecs.g7.xlarge");
  r.system_disk_category = "cloud_floppy";
  CHECK(f.Fail(r).message.find("SystemDisk.Category") != std::string::npos);
  r = Modify("i-bp1run", "ecs.g7.xlarge");
  r.end_time = "tomorrow";
  CHECK(f.Fail(r).message.find("EndTime") != std::string::npos);
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge", "UPGRADE")).ok());
}

TEST_CASE("Modify: region and instance lookups") {
  Fixture f;
  auto r = Modify("i-bp1run", "ecs.g7.xlarge");
  r.region = "cn-atlantis";
  CheckError(f.Fail(r), "InvalidRegionId.NotFound", 404, "i-bp1run");
  CheckError(f.Fail(Modify("i-bp1nobody", "ecs.g7.xlarge")), "InvalidInstanceId.NotFound", 404, "i-bp1nobody");
  r = Modify("i-bp1run", "ecs.g7.xlarge");
  r.region = "cn-shanghai";  // exists, but the instance lives in cn-hangzhou
  CHECK(f.Fail(r).code == "InvalidInstanceId.NotFound");
  CheckError(f.Fail(Modify("i-bp1gone", "ecs.g7.xlarge")), "InvalidInstanceId.Released", 400, "i-bp1gone");
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-uf6run", "ecs.g7.xlarge")).ok());
}

TEST_CASE("Modify: pay-as-you-go instances are refused with a helpful message") {
  Fixture f;
  auto e = f.Fail(Modify("i-bp1post", "ecs.g6.xlarge"));
  CheckError(e, "InvalidInstanceChargeType.ValueNotSupported", 400, "i-bp1post");
  CHECK(e.message.find("PostPaid") != std::string::npos);
  CHECK(e.message.find("ModifyInstanceSpec") != std::string::npos);
}

TEST_CASE("Modify: expired instances (ExpiredTime passed, or a financial lock)") {
  Fixture f;
  CheckError(f.Fail(Modify("i-bp1exp", "ecs.g6.xlarge")), "InvalidInstance.PreInstanceExpired", 403, "i-bp1exp");
  CheckError(f.Fail(Modify("i-bp1lock", "ecs.g6.xlarge")), "InvalidInstance.PreInstanceExpired", 403, "i-bp1lock");
  // The instances expiring in 2026-12-31 expire once the clock passes it.
  f.clock.Set(*ParseUtcTime("2026-12-31T16:00Z"));
  CHECK(f.Fail(Modify("i-bp1run", "ecs.g7.xlarge")).code == "InvalidInstance.PreInstanceExpired");
}

TEST_CASE("Modify: local disks, special EIP instances") {
  Fixture f;
  CheckError(f.Fail(Modify("i-bp1local", "ecs.i2.2xlarge")), "OperationDenied.LocalDiskUnsupported", 403,
             "i-bp1local");
  CheckError(f.Fail(Modify("i-bp1eip", "ecs.g6.xlarge")), "InvalidInstance.EipNotSupport", 403, "i-bp1eip");
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1eipvpc", "ecs.g6.xlarge")).ok());
}

TEST_CASE("Modify: unknown, retired, same and local-disk targets") {
  Fixture f;
  auto e = f.Fail(Modify("i-bp1run", "ecs.g9.huge"));
  CheckError(e, "InvalidInstanceType.ValueNotSupported", 400, "i-bp1run");
  CHECK(e.message.find("does not exist") != std::string::npos);
  e = f.Fail(Modify("i-bp1run", "ecs.n1.large"));
  CheckError(e, "InstanceType.Offline", 403, "i-bp1run");
  CHECK(e.message.find("ecs.n1.large") != std::string::npos);
  e = f.Fail(Modify("i-bp1run", "ecs.g7.large"));
  CHECK(e.code == "InvalidInstanceType.ValueNotSupported");
  CHECK(e.message.find("already") != std::string::npos);
  CHECK(f.Fail(Modify("i-bp1run", "ecs.i2.xlarge")).code == "InvalidInstanceType.ValueNotSupported");
}

TEST_CASE("Modify: stock per zone") {
  Fixture f;
  auto e = f.Fail(Modify("i-bp1run", "ecs.g7.8xlarge"));
  CheckError(e, "OperationDenied.NoStock", 403, "i-bp1run");
  CHECK(e.message.find("zone") != std::string::npos);
  CHECK(f.Fail(Modify("i-bp1run", "ecs.g7.6xlarge")).code == "OperationDenied.NoStock");
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.4xlarge")).ok());  // ClosedWithStock
  // Sold out only in zone h: the same type is fine for an instance in zone i.
  REQUIRE(f.model.StartInstance("cn-hangzhou", "i-bp1stop").ok());
  f.clock.Advance(Millis(4000));
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.8xlarge")).ok());
}

TEST_CASE("Modify: marketplace images allow only some families") {
  Fixture f;
  auto e = f.Fail(Modify("i-bp1market", "ecs.c7.2xlarge"));
  CheckError(e, "ImageNotSupportInstanceType", 403, "i-bp1market");
  CHECK(e.message.find("marketplace") != std::string::npos);
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1market", "ecs.g7.large")).ok());
}

TEST_CASE("Modify: a smaller target needs OperatorType=downgrade; a mixed one follows the list price") {
  Fixture f;
  auto e = f.Fail(Modify("i-bp1stop", "ecs.g7.large"));
  CheckError(e, "InvalidParameter", 400, "i-bp1stop");
  CHECK(e.message.find("OperatorType") != std::string::npos);
  CHECK(f.Fail(Modify("i-bp1stop", "ecs.c7.xlarge", "upgrade")).code == "InvalidParameter");  // less memory
  CHECK(f.Fail(Modify("i-bp1run", "ecs.g7.xlarge", "downgrade")).code == "InvalidParameter");  // bigger
  // A mixed change: r7.large (2 vCPU, 16 GiB) -> c7.xlarge (4 vCPU, 8 GiB).
  World w = DefaultWorld();
  w.instances.push_back(MakeInstance("i-bp1mix", "cn-hangzhou-h", "ecs.r7.large", kStopped));
  w.instances.push_back(MakeInstance("i-bp1mix2", "cn-hangzhou-h", "ecs.r7.large", kStopped));
  Fixture g(w);
  auto up = g.model.ModifyPrepayInstanceSpec(Modify("i-bp1mix", "ecs.c7.xlarge"));
  REQUIRE(up.ok());
  // c7.xlarge lists dearer than r7.large: an upgrade, so downgrade is refused.
  auto down = g.model.ModifyPrepayInstanceSpec(Modify("i-bp1mix2", "ecs.c7.xlarge", "downgrade"));
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().code == "InvalidParameter");
  auto orders = g.model.Orders();
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].operator_type == "upgrade");
  auto inst = g.model.Instances();
  CHECK(inst[0].downgrades_used == 0);
  CHECK(inst[1].downgrades_used == 0);
}

TEST_CASE("Modify: downgrades need Stopped and at most three are allowed") {
  Fixture f;
  CheckError(f.Fail(Modify("i-bp1run", "ecs.c7.large", "downgrade")), "InvalidStatus.NotStopped", 400, "i-bp1run");
  CheckError(f.Fail(Modify("i-bp1quota", "ecs.g7.large", "downgrade")), "InstanceDowngrade.QuotaExceed", 400,
             "i-bp1quota");
  // Three accepted downgrades on i-bp1stop, each counted; the fourth is refused.
  for (const char* type : {"ecs.g7.large", "ecs.c7.large", "ecs.g6.large"}) {
    INFO(type);
    auto r = Modify("i-bp1stop", type, "downgrade");
    if (std::string(type) == "ecs.g6.large") r.operator_type = "upgrade";  // same size: an upgrade
    REQUIRE(f.model.ModifyPrepayInstanceSpec(r).ok());
    f.clock.Advance(Millis(10000));
  }
  int used = 0;
  for (const auto& wi : f.model.Instances())
    if (wi.instance.id == "i-bp1stop") used = wi.downgrades_used;
  CHECK(used == 2);
  REQUIRE(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.c7.large", "downgrade")).ok());
  f.clock.Advance(Millis(10000));
  for (const auto& wi : f.model.Instances())
    if (wi.instance.id == "i-bp1stop") CHECK(wi.downgrades_used == 3);
  CHECK(f.Fail(Modify("i-bp1stop", "ecs.c7.large", "upgrade")).code == "InvalidInstanceType.ValueNotSupported");
  // Back up is fine (upgrades are not counted), then down is over quota.
  REQUIRE(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.xlarge")).ok());
  f.clock.Advance(Millis(10000));
  CHECK(f.Fail(Modify("i-bp1stop", "ecs.g7.large", "downgrade")).code == "InstanceDowngrade.QuotaExceed");
}

TEST_CASE("Modify: an upgrade needs Running or Stopped") {
  Fixture f;
  REQUIRE(f.model.StopInstance("cn-hangzhou", "i-bp1run").ok());
  CheckError(f.Fail(Modify("i-bp1run", "ecs.g7.xlarge")), "IncorrectInstanceStatus", 403, "i-bp1run");
  REQUIRE(f.model.StartInstance("cn-hangzhou", "i-bp1stop").ok());
  CHECK(f.Fail(Modify("i-bp1stop", "ecs.g7.2xlarge")).code == "IncorrectInstanceStatus");
  f.clock.Advance(Millis(4000));
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge")).ok());   // Stopped
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.2xlarge")).ok());  // Running
}

TEST_CASE("Modify: account in arrears, no billing method") {
  World w = ModifyWorld();
  w.account.in_arrears = true;
  Fixture f(w);
  CheckError(f.Fail(Modify("i-bp1run", "ecs.g7.xlarge")), "Account.Arrearage", 400, "i-bp1run");
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.large", "downgrade")).ok());  // a refund
  World nb = ModifyWorld();
  nb.account.billing_method = false;
  Fixture g(nb);
  CheckError(g.Fail(Modify("i-bp1run", "ecs.g7.xlarge")), "BillingMethodNotFound", 404, "i-bp1run");
}

TEST_CASE("Modify: RebootTime malformed or in the past") {
  Fixture f;
  auto r = Modify("i-bp1run", "ecs.g7.xlarge");
  for (const char* bad : {"2026-01-01 12:00", "2026-13-01T00:00Z", "yesterday", "2026-01-01T12:00+08:00"}) {
    INFO(bad);
    r.reboot_time = bad;
    CheckError(f.Fail(r), "InvalidRebootTime.MalFormed", 400, "i-bp1run");
  }
  r.reboot_time = "2025-12-31T23:59Z";
  CheckError(f.Fail(r), "InvalidRebootTime.ValueNotSupported", 400, "i-bp1run");
  r.reboot_time = "2026-01-01T00:00:00Z";  // exactly now: not in the future
  CHECK(f.Fail(r).code == "InvalidRebootTime.ValueNotSupported");
  r.reboot_time = "2026-01-01T01:00:00Z";
  CHECK(f.model.ModifyPrepayInstanceSpec(r).ok());
}

TEST_CASE("Modify: a second order while the first is processing gets LastOrderProcessing") {
  Fixture f;
  REQUIRE(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge")).ok());
  CheckError(f.Fail(Modify("i-bp1run", "ecs.g7.2xlarge")), "LastOrderProcessing", 400, "i-bp1run");
  f.clock.Advance(Millis(10000));
  CHECK(f.model.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.2xlarge")).ok());
}

TEST_CASE("Modify: ClientToken makes a retry return the first answer") {
  Fixture f;
  auto r = Modify("i-bp1run", "ecs.g7.xlarge");
  r.client_token = "plan-1/i-bp1run/modify";
  auto first = f.model.ModifyPrepayInstanceSpec(r);
  REQUIRE(first.ok());
  auto again = f.model.ModifyPrepayInstanceSpec(r);  // while processing: no LastOrderProcessing
  REQUIRE(again.ok());
  CHECK(again->order_id == first->order_id);
  CHECK(again->request_id != first->request_id);
  f.clock.Advance(Millis(60000));
  auto later = f.model.ModifyPrepayInstanceSpec(r);  // after completion: still the same order
  REQUIRE(later.ok());
  CHECK(later->order_id == first->order_id);
  CHECK(f.model.Orders().size() == 1);
  // Explicit defaults are the same request.
  r.auto_pay = true;
  r.operator_type = "upgrade";
  CHECK(f.model.ModifyPrepayInstanceSpec(r)->order_id == first->order_id);

  auto other = r;
  other.instance_type = "ecs.g7.2xlarge";
  auto e = f.Fail(other);
  CheckError(e, "IdempotenceParamNotMatch", 400, "i-bp1run");
  other = r;
  other.instance_id = "i-bp1stop";
  CHECK(f.Fail(other).code == "IdempotenceParamNotMatch");
  other = r;
  other.reboot_when_finished = true;
  CHECK(f.Fail(other).code == "IdempotenceParamNotMatch");
  CHECK(f.model.Orders().size() == 1);
}

TEST_CASE("Modify: a failed request does not consume its ClientToken") {
  Fixture f;
  auto r = Modify("i-bp1run", "ecs.g7.8xlarge");  // sold out
  r.client_token = "tok";
  CHECK(f.Fail(r).code == "OperationDenied.NoStock");
  r.instance_type = "ecs.g7.xlarge";
  CHECK(f.model.ModifyPrepayInstanceSpec(r).ok());
}

TEST_CASE("Modify: AutoPay=false leaves an unpaid order that does not change the type") {
  Fixture f;
  auto r = Modify("i-bp1run", "ecs.g7.xlarge");
  r.auto_pay = false;
  auto res = f.model.ModifyPrepayInstanceSpec(r);
  REQUIRE(res.ok());
  auto orders = f.model.Orders();
  REQUIRE(orders.size() == 1);
  CHECK_FALSE(orders[0].paid);
  CHECK(orders[0].status == "Unpaid");
  f.clock.Advance(Millis(60000));
  CHECK(Describe(f.model, "i-bp1run").type == "ecs.g7.large");
  CHECK(f.model.Orders()[0].status == "Unpaid");
  // AutoPay is ignored for a downgrade: the refund order is paid.
  auto d = Modify("i-bp1stop", "ecs.g7.large", "downgrade");
  d.auto_pay = false;
  REQUIRE(f.model.ModifyPrepayInstanceSpec(d).ok());
  CHECK(f.model.Orders()[1].paid);
  f.clock.Advance(Millis(10000));
  CHECK(Describe(f.model, "i-bp1stop").type == "ecs.g7.large");
}

TEST_CASE("Modify: orders complete within [order_min, order_max], at seed-determined times") {
  auto run = [](uint64_t seed) {
    VirtualClock clock;
    World w = GenerateWorld(60, 3);
    Model m(w, &clock, Timing{}, seed);
    std::vector<std::string> ids;
    for (const auto& wi : w.instances) {
      const auto& in = wi.instance;
      std::string target = in.type_family + (in.cpu == 16 ? ".8xlarge" : ".4xlarge");
      if (m.ModifyPrepayInstanceSpec(Modify(in.id, target)).ok()) ids.push_back(in.id);
    }
    REQUIRE(ids.size() == 60);
    std::vector<int> done_second(ids.size(), -1);
    // Just before order_min (4.999 s): anything done already is recorded as second 4.
    clock.Advance(Millis(4999));
    for (size_t i = 0; i < ids.size(); ++i)
      if (Describe(m, ids[i]).type != w.instances[i].instance.type) done_second[i] = 4;
    clock.Advance(Millis(1000));
    for (int s = 5; s <= 10; ++s) {  // s: done by s.999 seconds
      for (size_t i = 0; i < ids.size(); ++i)
        if (done_second[i] < 0 && Describe(m, ids[i]).type != w.instances[i].instance.type) done_second[i] = s;
      clock.Advance(Millis(1000));
    }
    return done_second;
  };
  std::vector<int> a = run(11), b = run(11), c = run(12);
  CHECK(a == b);
  CHECK(a != c);
  std::set<int> seconds(a.begin(), a.end());
  CHECK(seconds.count(-1) == 0);  // all done by 10 s
  CHECK(seconds.size() >= 4);     // spread over the window
  // Nothing completes before order_min: at 4.999 s no type had changed.
  CHECK(seconds.count(4) == 0);
}

TEST_CASE("Modify: OrderId is a numeric string and unique") {
  Fixture f;
  auto a = f.model.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge"));
  auto b = f.model.ModifyPrepayInstanceSpec(Modify("i-uf6run", "ecs.g7.xlarge"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->order_id != b->order_id);
  CHECK(a->order_id.size() >= 15);
  CHECK(a->order_id.find_first_not_of("0123456789") == std::string::npos);
  auto orders = f.model.Orders();
  CHECK(orders[0].from_type == "ecs.g7.large");
  CHECK(orders[0].instance_type == "ecs.g7.xlarge");
  CHECK(orders[0].time == "2026-01-01T00:00:00Z");
  CHECK(orders[0].region == "cn-hangzhou");
}
