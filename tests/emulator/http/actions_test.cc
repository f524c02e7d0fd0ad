// Actions end to end over HTTP: describes with their filters and paging, the
// power actions, a sample of ModifyPrepayInstanceSpec rules (the model's own
// tests cover every rule in-process), and the inspection endpoints.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>

#include "emulator/http/http_fixture.h"

namespace respec::emulator::http::testing {
namespace {

const sign::Params kRegion = {{"RegionId", "cn-hangzhou"}};

sign::Params Modify(const std::string& id, const std::string& type, sign::Params extra = {}) {
  sign::Params p = {{"RegionId", "cn-hangzhou"}, {"InstanceId", id}, {"InstanceType", type}};
  for (auto& kv : extra) p.push_back(kv);
  return p;
}

std::vector<std::string> Ids(const nlohmann::json& page) {
  std::vector<std::string> out;
  for (const auto& i : page["Instances"]["Instance"]) out.push_back(i["InstanceId"]);
  return out;
}

}  // namespace

TEST_CASE("DescribeInstances: filters by ids, tags, status, zone and charge type") {
  HttpFixture f;
  auto ids = [&](sign::Params p) {
    p.emplace_back("RegionId", "cn-hangzhou");
    Reply r = f.Rpc("DescribeInstances", p);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return Ids(r.Json());
  };
  CHECK(ids({}).size() == 3);
  CHECK(ids({{"InstanceIds", "[\"i-run\",\"i-stopped\"]"}}).size() == 2);
  CHECK(ids({{"InstanceIds", "[]"}}).empty());
  CHECK(ids({{"Tag.1.Key", "env"}, {"Tag.1.Value", "prod"}}) == std::vector<std::string>{"i-eip"});
  CHECK(ids({{"Tag.1.Key", "env"}, {"Tag.1.Value", "dev"}}).empty());
  CHECK(ids({{"Status", "Stopped"}}) == std::vector<std::string>{"i-stopped"});
  CHECK(ids({{"ZoneId", "cn-hangzhou-i"}}).empty());
  CHECK(ids({{"InstanceChargeType", "PostPaid"}}).empty());
  Reply shanghai = f.Rpc("DescribeInstances", {{"RegionId", "cn-shanghai"}});
  CHECK(Ids(shanghai.Json()).empty());
}

TEST_CASE("DescribeInstances: PageNumber/PageSize and NextToken/MaxResults paging") {
  HttpFixture f(GenerateWorld(25, 3));
  SignOptions demo;
  demo.key_id = "LTAI5tRespecDemoKey0001";
  demo.secret = "respec-demo-secret-not-real";
  auto page = f.Rpc("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"PageNumber", "3"}, {"PageSize", "10"}}, demo).Json();
  CHECK(page["TotalCount"] == 25);
  CHECK(page["PageNumber"] == 3);
  CHECK(page["PageSize"] == 10);
  CHECK(page["Instances"]["Instance"].size() == 5);

  std::set<std::string> seen;
  std::string token;
  int calls = 0;
  do {
    sign::Params p = {{"RegionId", "cn-hangzhou"}, {"MaxResults", "10"}};
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto j = f.Rpc("DescribeInstances", p, demo).Json();
    for (auto& id : Ids(j)) seen.insert(id);
    token = j["NextToken"];
    ++calls;
  } while (!token.empty() && calls < 10);
  CHECK(calls == 3);
  CHECK(seen.size() == 25);
}

TEST_CASE("other describes: regions, zones, statuses, types, modification candidates, price") {
  HttpFixture f;
  auto zones = f.Rpc("DescribeZones", kRegion).Json();
  CHECK(zones["Zones"]["Zone"][0]["ZoneId"] == "cn-hangzhou-h");
  auto st = f.V3("DescribeInstanceStatus", kRegion).Json();
  CHECK(st["TotalCount"] == 3);
  CHECK(st["InstanceStatuses"]["InstanceStatus"].size() == 3);
  auto types = f.Rpc("DescribeInstanceTypes", {}).Json();
  REQUIRE(types["InstanceTypes"]["InstanceType"].size() > 10);
  // MaxResults is capped at 100: 1600 (the old documented maximum) is refused.
  Reply cap = f.V3("DescribeInstanceTypes", {{"MaxResults", "1600"}});
  CHECK(cap.status == 400);
  CHECK(cap.Code() == "InvalidParameter");
  CHECK(cap.body.find("MaxResults") != std::string::npos);
  CHECK(f.V3("DescribeInstanceTypes", {{"MaxResults", "100"}}).status == 200);
  auto t0 = types["InstanceTypes"]["InstanceType"][0];
  CHECK(t0["InstanceTypeId"].is_string());
  CHECK(t0["CpuCoreCount"].is_number_integer());
  CHECK(t0["MemorySize"].is_number());

  auto mod = f.Rpc("DescribeResourcesModification",
                   {{"RegionId", "cn-hangzhou"}, {"ResourceId", "i-run"},
                    {"DestinationResource", "InstanceType"}, {"OperationType", "Upgrade"}}).Json();
  auto zone = mod["AvailableZones"]["AvailableZone"][0];
  CHECK(zone["ZoneId"] == "cn-hangzhou-h");
  auto cands = zone["AvailableResources"]["AvailableResource"][0]["SupportedResources"]["SupportedResource"];
  REQUIRE(cands.size() > 0);
  bool has_bigger = false;
  for (auto& c : cands) has_bigger |= c["Value"] == "ecs.g7.2xlarge";
  CHECK(has_bigger);
  CHECK(f.Rpc("DescribeResourcesModification",
              {{"RegionId", "cn-hangzhou"}, {"ResourceId", "i-run"}, {"DestinationResource", "SystemDisk"}})
            .Code() == "InvalidParameter");

  auto price = f.Rpc("DescribeInstanceModificationPrice",
                     {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-run"}, {"InstanceType", "ecs.g7.2xlarge"}})
                   .Json();
  CHECK(price["PriceInfo"]["Price"]["TradePrice"].is_number());
  CHECK(price["PriceInfo"]["Price"]["TradePrice"].get<double>() > 0);
  CHECK(price["PriceInfo"]["Price"]["Currency"].is_string());
}

TEST_CASE("power actions follow the status machine over HTTP") {
  HttpFixture f;
  CHECK(f.Rpc("StopInstance", {{"InstanceId", "i-run"}}).status == 200);
  CHECK(f.Instance("i-run")["Status"] == "Stopping");
  Reply again = f.Rpc("StopInstance", {{"InstanceId", "i-run"}});
  CHECK(again.status == 403);
  CHECK(again.Code() == "IncorrectInstanceStatus");
  f.clock.Advance(std::chrono::seconds(10));
  CHECK(f.Instance("i-run")["Status"] == "Stopped");
  CHECK(f.Rpc("StartInstance", {{"InstanceId", "i-run"}}).status == 200);
  f.clock.Advance(std::chrono::seconds(10));
  CHECK(f.Rpc("RebootInstance", {{"InstanceId", "i-run"}}).status == 200);
  Reply unknown = f.Rpc("StopInstance", {{"InstanceId", "i-nobody"}});
  CHECK(unknown.Code() == "InvalidInstanceId.NotFound");
  Reply payg = f.Rpc("ModifyInstanceSpec", {{"InstanceId", "i-run"}, {"InstanceType", "ecs.g7.2xlarge"}});
  CHECK(payg.status >= 400);
  CHECK(!payg.Code().empty());
}

TEST_CASE("StopInstance over HTTP: ForceStop and StoppedMode are recorded in /_emulator/stops") {
  HttpFixture f;
  CHECK(f.Get("/_emulator/stops").Json() == nlohmann::json::array());
  Reply bad = f.Rpc("StopInstance", {{"InstanceId", "i-run"}, {"ForceStop", "maybe"}});
  CHECK(bad.Code() == "InvalidParameter");
  CHECK(f.Rpc("StopInstance", {{"InstanceId", "i-run"}, {"ForceStop", "true"}}).status == 200);
  f.clock.Advance(std::chrono::seconds(10));
  CHECK(f.Rpc("StartInstance", {{"InstanceId", "i-run"}}).status == 200);
  f.clock.Advance(std::chrono::seconds(10));
  CHECK(f.Rpc("StopInstance", {{"InstanceId", "i-run"}, {"StoppedMode", "StopCharging"}}).status == 200);
  auto stops = f.Get("/_emulator/stops").Json();
  REQUIRE(stops.size() == 2);
  CHECK(stops[0] == nlohmann::json({{"InstanceId", "i-run"}, {"ForceStop", true}, {"StoppedMode", ""}}));
  CHECK(stops[1] == nlohmann::json({{"InstanceId", "i-run"}, {"ForceStop", false}, {"StoppedMode", "StopCharging"}}));
}

TEST_CASE("ModifyPrepayInstanceSpec end to end: order, idempotence, completion, restart") {
  HttpFixture f;
  Reply r = f.Rpc("ModifyPrepayInstanceSpec",
                  Modify("i-run", "ecs.g7.2xlarge", {{"ClientToken", "t-1"}, {"AutoPay", "true"}}));
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto order_id = r.Json()["OrderId"];
  CHECK(order_id.is_string());  // documented as String

  // Same token, same parameters: the first answer again, no second order.
  Reply same = f.V3("ModifyPrepayInstanceSpec",
                    Modify("i-run", "ecs.g7.2xlarge", {{"ClientToken", "t-1"}, {"AutoPay", "true"}}));
  CHECK(same.Json()["OrderId"] == order_id);
  // Same token, other parameters.
  CHECK(f.Rpc("ModifyPrepayInstanceSpec", Modify("i-run", "ecs.g7.4xlarge", {{"ClientToken", "t-1"}})).Code() ==
        "IdempotenceParamNotMatch");
  // Another order while this one processes.
  CHECK(f.Rpc("ModifyPrepayInstanceSpec", Modify("i-run", "ecs.g7.4xlarge", {{"ClientToken", "t-2"}})).Code() ==
        "LastOrderProcessing");

  auto orders = f.Get("/_emulator/orders").Json();
  REQUIRE(orders.size() == 1);
  CHECK(orders[0]["OrderId"] == order_id);
  CHECK(orders[0]["InstanceId"] == "i-run");
  CHECK(orders[0]["ClientToken"] == "t-1");
  CHECK(orders[0]["InstanceType"] == "ecs.g7.2xlarge");
  CHECK(orders[0]["OperatorType"] == "upgrade");
  CHECK(orders[0]["Time"].is_string());

  f.clock.Advance(std::chrono::seconds(11));
  auto inst = f.Instance("i-run");
  CHECK(inst["InstanceType"] == "ecs.g7.2xlarge");  // reported at once...
  CHECK(f.model->EffectiveType("i-run") == "ecs.g7.xlarge");  // ...runs on the old spec
  CHECK(f.Rpc("RebootInstance", {{"InstanceId", "i-run"}}).status == 200);
  f.clock.Advance(std::chrono::seconds(10));
  CHECK(f.model->EffectiveType("i-run") == "ecs.g7.2xlarge");
}

TEST_CASE("ModifyPrepayInstanceSpec rules over HTTP: a sample of codes and statuses") {
  HttpFixture f;
  auto code = [&](sign::Params p, long status, const std::string& want) {
    Reply r = f.Rpc("ModifyPrepayInstanceSpec", p);
    INFO(r.body);
    CHECK(r.status == status);
    CHECK(r.Code() == want);
  };
  code(Modify("i-stopped", "ecs.g7.xlarge", {{"OperatorType", "downgrade"}, {"ClientToken", "ok"}}), 200, "");
  code(Modify("i-run", "ecs.g7.large", {{"OperatorType", "downgrade"}}), 400, "InvalidStatus.NotStopped");
  code(Modify("i-run", "ecs.g7.large"), 400, "InvalidParameter");  // smaller without downgrade
  code(Modify("i-run", "ecs.g9.huge"), 400, "InvalidInstanceType.ValueNotSupported");
  code(Modify("i-run", "ecs.n1.large"), 403, "InstanceType.Offline");
  code(Modify("i-nobody", "ecs.g7.2xlarge"), 404, "InvalidInstanceId.NotFound");
  sign::Params bad_region = Modify("i-run", "ecs.g7.2xlarge");
  bad_region[0].second = "mars-north-1";
  code(bad_region, 404, "InvalidRegionId.NotFound");
  code(Modify("i-run", "ecs.g7.2xlarge", {{"RebootTime", "tomorrow"}}), 400, "InvalidRebootTime.MalFormed");
  code(Modify("i-run", "ecs.g7.2xlarge", {{"ClientToken", std::string(65, 'x')}}), 400, "InvalidParameter");
  auto after = f.Instance("i-stopped");
  CHECK(after["DowngradesUsed"] == 1);
}

TEST_CASE("inspection endpoints: instances, orders, stats counting every request") {
  HttpFixture f;
  auto instances = f.Get("/_emulator/instances");
  CHECK(instances.status == 200);
  CHECK(instances.content_type == "application/json;charset=utf-8");
  auto list = instances.Json();
  REQUIRE(list.size() == 3);
  CHECK(list[0]["DowngradesUsed"] == 0);
  CHECK(list[0]["Tags"]["Tag"].is_array());
  CHECK(f.Get("/_emulator/orders").Json() == nlohmann::json::array());

  f.Rpc("DescribeInstances", kRegion);
  SignOptions bad;
  bad.secret = "nope";
  f.Rpc("DescribeInstances", kRegion, bad);
  f.Rpc("Nonsense", {});
  auto stats = f.Get("/_emulator/stats").Json();
  CHECK(stats["requests"]["DescribeInstances"] == 2);
  CHECK(stats["requests"]["Nonsense"] == 1);
  CHECK(stats["errors"]["SignatureDoesNotMatch"] == 1);
  CHECK(stats["errors"]["InvalidAction.NotFound"] == 1);
  CHECK(f.Get("/_emulator/nothing").status == 404);
}

}  // namespace respec::emulator::http::testing
