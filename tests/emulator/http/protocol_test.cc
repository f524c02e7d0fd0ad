// Protocol over HTTP: action/version/parameter errors, JSON vs XML, request
// size limits, and the response shapes and types of the real API.
#include <catch2/catch.hpp>

#include "emulator/http/http_fixture.h"

namespace respec::emulator::http::testing {

static const sign::Params kRegion = {{"RegionId", "cn-hangzhou"}};

TEST_CASE("protocol: action and version errors") {
  HttpFixture f;
  Reply r = f.Rpc("DescribeEverything", kRegion);
  CHECK(r.status == 404);
  CHECK(r.Code() == "InvalidAction.NotFound");
  SignOptions o;
  o.version = "2016-03-14";
  r = f.Rpc("DescribeInstances", kRegion, o);
  CHECK(r.status == 400);
  CHECK(r.Code() == "InvalidVersion");
  r = f.V3("DescribeInstances", kRegion, o);
  CHECK(r.Code() == "InvalidVersion");
  r = f.Get("/?Version=2014-05-26");
  CHECK(r.Code() == "MissingParameter");
  CHECK(r.body.find("Action") != std::string::npos);
  r = f.Raw("PUT", "/?Action=DescribeInstances&Version=2014-05-26", {}, "");
  CHECK(r.Code() == "InvalidAction.NotFound");
  r = f.Get("/?Action=DescribeInstances&Version=2014-05-26&Bad=%G1");
  CHECK(r.Code() == "InvalidParameter");
}

TEST_CASE("protocol: missing required parameters are named") {
  HttpFixture f;
  Reply r = f.Rpc("DescribeInstances", {});
  CHECK(r.status == 400);
  CHECK(r.Code() == "MissingParameter");
  CHECK(r.Json()["Message"].get<std::string>().find("\"RegionId\"") != std::string::npos);
  r = f.Rpc("ModifyPrepayInstanceSpec", {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-run"}});
  CHECK(r.Code() == "MissingParameter");
  CHECK(r.Json()["Message"].get<std::string>().find("\"InstanceType\"") != std::string::npos);
  r = f.Rpc("StopInstance", {});
  CHECK(r.Json()["Message"].get<std::string>().find("\"InstanceId\"") != std::string::npos);
}

TEST_CASE("protocol: bad parameter values -> InvalidParameter naming the parameter") {
  HttpFixture f;
  auto invalid = [&](const std::string& action, sign::Params p, const std::string& name) {
    Reply r = f.Rpc(action, p);
    INFO(action << " " << r.body);
    CHECK(r.status == 400);
    CHECK(r.Code() == "InvalidParameter");
    CHECK(r.Json()["Message"].get<std::string>().find("\"" + name + "\"") != std::string::npos);
  };
  invalid("ModifyPrepayInstanceSpec",
          {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-run"}, {"InstanceType", "ecs.g7.2xlarge"},
           {"AutoPay", "maybe"}},
          "AutoPay");
  invalid("ModifyPrepayInstanceSpec",
          {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-run"}, {"InstanceType", "ecs.g7.2xlarge"},
           {"RebootWhenFinished", "1"}},
          "RebootWhenFinished");
  invalid("ModifyPrepayInstanceSpec",
          {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-run"}, {"InstanceType", "ecs.g7.2xlarge"},
           {"OperatorType", "sideways"}},
          "OperatorType");
  invalid("ModifyPrepayInstanceSpec",
          {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-run"}, {"InstanceType", "ecs.g7.2xlarge"},
           {"SystemDisk.Category", "floppy"}},
          "SystemDisk.Category");
  invalid("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"InstanceIds", "i-run"}}, "InstanceIds");
  std::string many = "[";
  for (int i = 0; i < 101; ++i) many += (i ? ",\"i-" : "\"i-") + std::to_string(i) + "\"";
  invalid("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"InstanceIds", many + "]"}}, "InstanceIds");
  invalid("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"PageSize", "101"}}, "PageSize");
  invalid("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"MaxResults", "0"}}, "MaxResults");
  invalid("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"PageNumber", "x"}}, "PageNumber");
}

TEST_CASE("protocol: JSON by default, XML on Format=XML, for answers and errors") {
  HttpFixture f;
  Reply j = f.Rpc("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"InstanceIds", "[\"i-eip\"]"}});
  REQUIRE(j.status == 200);
  CHECK(j.content_type == "application/json;charset=utf-8");
  SignOptions o;
  o.format = "XML";
  Reply x = f.Rpc("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"InstanceIds", "[\"i-eip\"]"}}, o);
  REQUIRE(x.status == 200);
  CHECK(x.content_type == "text/xml;charset=utf-8");
  CHECK(x.body.find("<DescribeInstancesResponse><RequestId>") != std::string::npos);
  CHECK(x.body.find("<Instances><Instance><InstanceId>i-eip</InstanceId>") != std::string::npos);
  CHECK(x.body.find("<Tags><Tag><TagKey>env</TagKey><TagValue>prod</TagValue></Tag><Tag><TagKey>role</TagKey>") !=
        std::string::npos);
  CHECK(x.body.find("<EipAddress><IpAddress>47.1.2.3</IpAddress>") != std::string::npos);
  CHECK(x.body.find("<TotalCount>1</TotalCount>") != std::string::npos);
  Reply xv3 = f.V3("DescribeRegions", {}, o);
  CHECK(xv3.body.find("<DescribeRegionsResponse>") != std::string::npos);
  Reply e = f.Rpc("NoSuchAction", {}, o);
  CHECK(e.status == 404);
  CHECK(e.content_type == "text/xml;charset=utf-8");
  CHECK(e.body.find("<Error><RequestId>") != std::string::npos);
  CHECK(e.body.find("<Code>InvalidAction.NotFound</Code>") != std::string::npos);
}

TEST_CASE("protocol: DescribeInstances has the real field names and types") {
  HttpFixture f;
  Reply r = f.Rpc("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"InstanceIds", "[\"i-eip\"]"}});
  auto j = r.Json();
  REQUIRE(j["Instances"]["Instance"].size() == 1);
  auto i = j["Instances"]["Instance"][0];
  CHECK(j["RequestId"].is_string());
  CHECK(j["TotalCount"] == 1);
  CHECK(j["PageNumber"].is_number());
  CHECK(j["PageSize"].is_number());
  CHECK(j["NextToken"].is_string());
  CHECK(i["InstanceId"] == "i-eip");
  CHECK(i["InstanceName"] == "web \"1\"\\\t\u00e9");
  CHECK(i["OperationLocks"]["LockReason"][0]["LockReason"] == "financial");
  // The JSON text path and the tree path (inspection, XML) agree field for field.
  auto inspected = f.Instance("i-eip");
  inspected.erase("DowngradesUsed");
  inspected.erase("Released");
  CHECK(inspected == i);
  CHECK(i["RegionId"] == "cn-hangzhou");
  CHECK(i["ZoneId"] == "cn-hangzhou-h");
  CHECK(i["InstanceType"] == "ecs.c7.large");
  CHECK(i["InstanceTypeFamily"] == "ecs.c7");
  CHECK(i["Cpu"] == 2);
  CHECK(i["Memory"] == 4096);
  CHECK(i["Status"] == "Running");
  CHECK(i["InstanceChargeType"] == "PrePaid");
  CHECK(i["ExpiredTime"] == "2027-06-01T00:00Z");
  CHECK(i["InstanceNetworkType"] == "vpc");
  CHECK(i["ImageId"].is_string());
  CHECK(i["EipAddress"]["IpAddress"] == "47.1.2.3");
  CHECK(i["EipAddress"]["AllocationId"].get<std::string>().rfind("eip-", 0) == 0);
  CHECK(i["Tags"]["Tag"][0] == nlohmann::json({{"TagKey", "env"}, {"TagValue", "prod"}}));
  CHECK(i["OperationLocks"]["LockReason"].is_array());
}

TEST_CASE("protocol: oversized bodies get 413, oversized headers 431") {
  HttpFixture f;
  Reply r = f.Raw("POST", "/", {"Content-Type: application/x-www-form-urlencoded"},
                  std::string((1 << 20) + 1, 'a'));
  CHECK(r.status == 413);
  Reply h = f.Raw("GET", "/?Action=DescribeRegions", {"X-Big: " + std::string(70 << 10, 'b')}, "");
  CHECK(h.status == 431);
  // The server is still there.
  CHECK(f.Rpc("DescribeRegions", {}).status == 200);
}

}  // namespace respec::emulator::http::testing
