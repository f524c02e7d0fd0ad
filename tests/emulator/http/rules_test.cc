// Every ModifyPrepayInstanceSpec rule of the seeds, driven over HTTP: each
// refusal comes back with the seed's code, HTTP status and message (the
// single error table's row), not only in-process. Plus the status errors of
// the power actions and ModifyInstanceSpec's answer for PrePaid instances.
#include <catch2/catch.hpp>

#include <chrono>

#include "cloud/error_table.h"
#include "emulator/http/http_fixture.h"

namespace respec::emulator::http::testing {
namespace {

// TestWorld plus one instance per rule, each with exactly one problem.
World RulesWorld() {
  World w = TestWorld();
  auto add = [&](WorldInstance i) { w.instances.push_back(std::move(i)); };
  WorldInstance released = MakeInstance("i-released", "ecs.g7.xlarge", kRunning, 4, 16);
  released.released = true;
  add(released);
  WorldInstance postpaid = MakeInstance("i-postpaid", "ecs.g7.xlarge", kRunning, 4, 16);
  postpaid.instance.charge_type = "PostPaid";
  add(postpaid);
  WorldInstance expired = MakeInstance("i-expired", "ecs.g7.xlarge", kStopped, 4, 16);
  expired.instance.expired_time = "2025-06-01T00:00Z";  // the fixture clock starts 2026-01-01
  add(expired);
  add(MakeInstance("i-localdisk", "ecs.i2.xlarge", kRunning, 4, 32));
  WorldInstance classic = MakeInstance("i-classiceip", "ecs.g7.xlarge", kRunning, 4, 16);
  classic.instance.network_type = "classic";
  classic.instance.eip_address = "47.1.2.4";
  add(classic);
  WorldInstance market = MakeInstance("i-market", "ecs.g6.large", kRunning, 2, 8);
  market.instance.image_id = "m-bp1rulestest001";
  add(market);
  w.images.push_back(Image{"m-bp1rulestest001", {"ecs.g6"}});
  WorldInstance quota = MakeInstance("i-quota", "ecs.g7.2xlarge", kStopped, 8, 32);
  quota.downgrades_used = 3;
  add(quota);
  w.stock.push_back(StockEntry{"cn-hangzhou-h", "ecs.g7.8xlarge", "WithoutStock"});
  return w;
}

sign::Params Modify(const std::string& id, const std::string& type, sign::Params extra = {}) {
  sign::Params p = {{"RegionId", "cn-hangzhou"}, {"InstanceId", id}, {"InstanceType", type}};
  for (auto& kv : extra) p.push_back(kv);
  return p;
}

// The reply carries `code` with an HTTP status and message from one of the
// table's rows for that code: the documented message, which the emulator may
// follow with a detail; "%s" rows: any non-empty message.
void ExpectSeedError(const Reply& r, const std::string& code) {
  INFO(r.body);
  REQUIRE(r.Code() == code);
  auto j = r.Json();
  CHECK(j.contains("RequestId"));
  CHECK(j.contains("HostId"));
  std::string message = j.value("Message", "");
  bool matched = false;
  for (const ErrorInfo& e : AllErrors()) {
    if (e.code != code || e.http_status != r.status) continue;
    if (e.message == "%s" ? !message.empty() : message.rfind(e.message, 0) == 0) matched = true;
  }
  CHECK(matched);
}

}  // namespace

TEST_CASE("every ModifyPrepayInstanceSpec refusal over HTTP has the seed's code, status and message") {
  HttpFixture f(RulesWorld());
  struct Case {
    const char* what;
    sign::Params params;
    const char* code;
  };
  const Case cases[] = {
      {"released instance (Chinese seed)", Modify("i-released", "ecs.g7.2xlarge"), "InvalidInstanceId.Released"},
      {"pay-as-you-go instance", Modify("i-postpaid", "ecs.g7.2xlarge"), "InvalidInstanceChargeType.ValueNotSupported"},
      {"expired instance", Modify("i-expired", "ecs.g7.2xlarge"), "InvalidInstance.PreInstanceExpired"},
      {"local disks", Modify("i-localdisk", "ecs.i2.2xlarge"), "OperationDenied.LocalDiskUnsupported"},
      {"special instance with an EIP", Modify("i-classiceip", "ecs.g7.2xlarge"), "InvalidInstance.EipNotSupport"},
      {"sold out in the zone", Modify("i-run", "ecs.g7.8xlarge"), "OperationDenied.NoStock"},
      {"marketplace image", Modify("i-market", "ecs.g7.2xlarge"), "ImageNotSupportInstanceType"},
      {"fourth downgrade", Modify("i-quota", "ecs.g7.xlarge", {{"OperatorType", "downgrade"}}),
       "InstanceDowngrade.QuotaExceed"},
      {"RebootTime in the past", Modify("i-run", "ecs.g7.2xlarge", {{"RebootTime", "2025-01-01T00:00:00Z"}}),
       "InvalidRebootTime.ValueNotSupported"},
      {"downgrade of a Running instance", Modify("i-run", "ecs.g7.large", {{"OperatorType", "downgrade"}}),
       "InvalidStatus.NotStopped"},
      {"retired target type", Modify("i-run", "ecs.n1.large"), "InstanceType.Offline"},
      {"unknown instance", Modify("i-nobody", "ecs.g7.2xlarge"), "InvalidInstanceId.NotFound"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    ExpectSeedError(f.Rpc("ModifyPrepayInstanceSpec", c.params), c.code);
  }
  // None of the refusals placed an order.
  CHECK(f.model->Orders().empty());
}

TEST_CASE("ClientToken reuse and a second order while the first processes, over HTTP") {
  HttpFixture f(RulesWorld());
  Reply first = f.Rpc("ModifyPrepayInstanceSpec", Modify("i-run", "ecs.g7.2xlarge", {{"ClientToken", "rules-1"}}));
  REQUIRE(first.status == 200);
  ExpectSeedError(f.Rpc("ModifyPrepayInstanceSpec", Modify("i-run", "ecs.g7.4xlarge", {{"ClientToken", "rules-1"}})),
                  "IdempotenceParamNotMatch");
  ExpectSeedError(f.Rpc("ModifyPrepayInstanceSpec", Modify("i-run", "ecs.g7.4xlarge", {{"ClientToken", "rules-2"}})),
                  "LastOrderProcessing");
  CHECK(f.model->Orders().size() == 1);
  f.clock.Advance(std::chrono::seconds(11));  // the order settles within 5-10 s
  CHECK(f.Rpc("ModifyPrepayInstanceSpec", Modify("i-run", "ecs.g7.4xlarge", {{"ClientToken", "rules-2"}})).status ==
        200);
  CHECK(f.model->Orders().size() == 2);
}

TEST_CASE("account-level refusals over HTTP: arrears and no billing method") {
  World arrears = RulesWorld();
  arrears.account.in_arrears = true;
  HttpFixture a(arrears);
  ExpectSeedError(a.Rpc("ModifyPrepayInstanceSpec", Modify("i-run", "ecs.g7.2xlarge")), "Account.Arrearage");

  World unbilled = RulesWorld();
  unbilled.account.billing_method = false;
  HttpFixture b(unbilled);
  ExpectSeedError(b.Rpc("ModifyPrepayInstanceSpec", Modify("i-run", "ecs.g7.2xlarge")), "BillingMethodNotFound");
}

TEST_CASE("power actions on the wrong status and ModifyInstanceSpec on PrePaid, over HTTP") {
  HttpFixture f(RulesWorld());
  const sign::Params stopped = {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-stopped"}};
  const sign::Params running = {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-run"}};
  ExpectSeedError(f.Rpc("StopInstance", stopped), "IncorrectInstanceStatus");
  ExpectSeedError(f.Rpc("RebootInstance", stopped), "IncorrectInstanceStatus");
  ExpectSeedError(f.Rpc("StartInstance", running), "IncorrectInstanceStatus");
  ExpectSeedError(f.Rpc("ModifyInstanceSpec", {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-run"},
                                               {"InstanceType", "ecs.g7.2xlarge"}}),
                  "ChargeTypeViolation");
}

}  // namespace respec::emulator::http::testing
