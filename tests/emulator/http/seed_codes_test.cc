// The seed error codes that need a trigger of their own, driven over HTTP
// from a world file (tests/data/worlds/seed_errors.yaml): each answer has the
// seed's HTTP status, code and message (for "%s" rows: the emulator's
// detail). The messages are spelled out here, copied from the seed's error
// table (tests/data/seeds/ModifyPrepayInstanceSpec.en.md), not read from
// src/cloud/error_table.cc, so a wrong row in the table fails too.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>

#include "emulator/http/http_fixture.h"
#include "emulator/world.h"

namespace respec::emulator::http::testing {
namespace {

std::string SourceDir() {
  const char* env = std::getenv("RESPEC_SOURCE_DIR");
  return env ? env : RESPEC_SOURCE_DIR;
}

World SeedErrorsWorld() {
  World w;
  std::vector<std::string> errors;
  bool ok = LoadWorld(SourceDir() + "/tests/data/worlds/seed_errors.yaml", &w, &errors);
  INFO((errors.empty() ? std::string() : errors[0]));
  REQUIRE(ok);
  w.keys = TestWorld().keys;  // the fixture signs with its own key
  return w;
}

sign::Params Modify(const std::string& id, const std::string& type, sign::Params extra = {}) {
  sign::Params p = {{"RegionId", "cn-hangzhou"}, {"InstanceId", id}, {"InstanceType", type}};
  for (auto& kv : extra) p.push_back(kv);
  return p;
}

// status, code, and a message that starts with `message` (the seed's fixed
// text) or, for the seed's "%s" rows, contains `message` (our detail).
void Expect(const Reply& r, long status, const std::string& code, const std::string& message,
            bool exact_prefix = true) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.Code() == code);
  auto j = r.Json();
  CHECK(j.contains("RequestId"));
  std::string got = j.value("Message", "");
  if (exact_prefix)
    CHECK(got.rfind(message, 0) == 0);
  else
    CHECK(got.find(message) != std::string::npos);
}

}  // namespace

TEST_CASE("seed error codes from world-file triggers, over HTTP: status, code and message") {
  HttpFixture f(SeedErrorsWorld());
  auto modify = [&](const std::string& id, const std::string& type, sign::Params extra = {}) {
    return f.Rpc("ModifyPrepayInstanceSpec", Modify(id, type, std::move(extra)));
  };
  Expect(modify("i-plain", "ecs.g7.12xlarge"), 400, "InvalidInstanceType.ValueUnauthorized",
         "The specified InstanceType is not authorized.");
  Expect(modify("i-plain", "ecs.g7.6xlarge"), 403, "OperationDenied.NoStock",
         "The specified instance is out of usage.");
  Expect(modify("i-plain", "ecs.g7.8xlarge"), 403, "OperationDenied.NoStock",
         "The resource is out of stock in the specified zone. Please try other types, or choose "
         "other regions and zones.");
  Expect(modify("i-badbilling", "ecs.g7.2xlarge"), 400, "InvalidBillingMethod.ValueNotSupported",
         "The operation is not permitted due to an invalid billing method of the instance.");
  Expect(modify("i-nopurchase", "ecs.g7.2xlarge"), 400, "InvalidInstance.PurchaseNotFound",
         "The specified instance has no purchase history.");
  Expect(modify("i-ramrole", "ecs.g7.2xlarge"), 403, "InvalidUser.PassRoleForbidden",
         "The RAM user does not have privilege to pass a role.");
  Expect(modify("i-image", "ecs.g6.2xlarge"), 403, "ImageNotSupportInstanceType",
         "The specified image does not support the specified InstanceType.");
  Expect(modify("i-market", "ecs.g6.2xlarge"), 403, "ImageNotSupportInstanceType",
         "The specified instanceType is not supported by instance with marketplace image.");
  Expect(modify("i-locked", "ecs.g7.2xlarge"), 403, "InvalidInstanceStatus",
         "The current status of the instance does not support this operation.");
  Expect(modify("i-ipv4", "ecs.g7ip.2xlarge"), 403, "InvalidOperation.Ipv4CountExceeded",
         "has 3 private IPv4 addresses", false);
  Expect(modify("i-ipv6", "ecs.g7ip.2xlarge"), 403, "InvalidOperation.Ipv6NotSupport",
         "does not support IPv6", false);
  Expect(modify("i-ipv6many", "ecs.g7ip.4xlarge"), 403, "InvalidOperation.Ipv6CountExceeded",
         "has 2 IPv6 addresses", false);
  // From the request itself.
  Expect(modify("i-plain", "g7-2xlarge"), 400, "InvalidInstanceType.NotSupported",
         "The specified InstanceType is not Supported.");
  Expect(modify("i-plain,i-ramrole", "ecs.g7.2xlarge"), 403, "InvalidParameter.InstanceId",
         "\"InstanceId\"", false);
  Expect(modify("i-stopped", "ecs.g7.xlarge",
                {{"OperatorType", "downgrade"}, {"EndTime", "2026-06-01T00:00:00Z"}}),
         400, "InvalidAction", "EndTime", false);
  CHECK(f.model->Orders().empty());  // no refusal placed an order
  // The address limits refuse only what exceeds them: ecs.g7ip.4xlarge holds 10 IPv4 and 1 IPv6.
  CHECK(modify("i-ipv4", "ecs.g7ip.4xlarge").status == 200);
  CHECK(modify("i-ipv6", "ecs.g7ip.4xlarge").status == 200);
}

TEST_CASE("OrderCreationFailed over HTTP: the world's next N orders fail, a retry later succeeds") {
  HttpFixture f(SeedErrorsWorld());
  sign::Params p = Modify("i-orderfails", "ecs.g7.2xlarge", {{"ClientToken", "seed-ocf-1"}});
  Expect(f.Rpc("ModifyPrepayInstanceSpec", p), 400, "OrderCreationFailed",
         "Order creation failed, please check your params and try it again later.");
  CHECK(f.model->Orders().empty());
  // The seed: try again later. The same ClientToken is not bound to the failure.
  f.clock.Advance(std::chrono::seconds(2));
  Reply again = f.Rpc("ModifyPrepayInstanceSpec", p);
  INFO(again.body);
  CHECK(again.status == 200);
  CHECK(f.model->Orders().size() == 1);
}

}  // namespace respec::emulator::http::testing
