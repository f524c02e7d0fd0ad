// GET /_emulator/requests: the shape of each API request (method, scheme,
// action, parameter names, SignedHeaders, x-acs-* header names, status),
// never a value: no secret, signature, nonce or parameter value.
#include <catch2/catch.hpp>

#include <algorithm>

#include "emulator/http/http_fixture.h"
#include "emulator/http/request_log.h"

namespace respec::emulator::http::testing {
namespace {

bool Has(const nlohmann::json& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

TEST_CASE("/_emulator/requests records names, signed headers and status, never values") {
  HttpFixture f;
  SignOptions v3;
  v3.nonce = "shape-test-nonce-0001";
  Reply ok = f.V3("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"PageSize", "7"}}, v3);
  REQUIRE(ok.status == 200);
  SignOptions rpc;
  rpc.nonce = "shape-test-nonce-0002";
  Reply bad = f.Rpc("ModifyPrepayInstanceSpec",
                    {{"RegionId", "cn-hangzhou"}, {"InstanceId", "i-nobody"}, {"InstanceType", "ecs.g7.2xlarge"}},
                    rpc);
  REQUIRE(bad.status == 404);

  Reply log = f.Get("/_emulator/requests");
  REQUIRE(log.status == 200);
  auto j = log.Json();
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  const auto& a = j[0];
  CHECK(a["Scheme"] == "V3");
  CHECK(a["Action"] == "DescribeInstances");
  CHECK(a["Status"] == 200);
  CHECK(a["Params"] == nlohmann::json::array({"PageSize", "RegionId"}));
  CHECK(Has(a["SignedHeaders"], "host"));
  CHECK(Has(a["SignedHeaders"], "x-acs-action"));
  CHECK(Has(a["SignedHeaders"], "x-acs-signature-nonce"));
  CHECK(Has(a["Headers"], "x-acs-date"));
  const auto& b = j[1];
  CHECK(b["Scheme"] == "RPC");
  CHECK(b["Action"] == "ModifyPrepayInstanceSpec");
  CHECK(b["Status"] == 404);
  CHECK(b["Code"] == "InvalidInstanceId.NotFound");
  CHECK(Has(b["Params"], "InstanceType"));
  CHECK(Has(b["Params"], "Signature"));  // the name, not the value
  CHECK(b["SignedHeaders"].empty());
  // No value of any kind.
  for (const char* value : {kSecret, kKeyId, "shape-test-nonce-0001", "shape-test-nonce-0002", "i-nobody",
                            "ecs.g7.2xlarge", "cn-hangzhou", "ACS3-HMAC-SHA256"}) {
    INFO(value);
    CHECK(log.body.find(value) == std::string::npos);
  }
}

TEST_CASE("the request log keeps only the newest entries") {
  RequestLog log(2);
  for (const char* action : {"A", "B", "C"}) {
    RequestShape s;
    s.action = action;
    log.Record(s);
  }
  auto j = log.ToJson();
  REQUIRE(j.size() == 2);
  CHECK(j[0]["Action"] == "B");
  CHECK(j[1]["Action"] == "C");
}

}  // namespace respec::emulator::http::testing
