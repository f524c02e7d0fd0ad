// StopInstances / StartInstances / RebootInstances over the emulator's HTTP
// door: through the real client (EcsCloud::PowerBatch, both signature
// schemes) and as raw signed requests for what respec never sends (the
// AllTogether default, a bad BatchOptimization, InstanceId.101).
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "ecs/ecs_cloud.h"
#include "emulator/http/http_fixture.h"

namespace respec::emulator::http::testing {
namespace {

std::unique_ptr<ecs::EcsCloud> Client(HttpFixture& f, ecs::SignatureVersion v) {
  Credentials c;
  c.access_key_id = kKeyId;
  c.access_key_secret = kSecret;
  c.source = "test";
  ecs::EcsOptions o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(f.port);
  o.signature = v;
  o.transport.total_timeout = Millis(10000);
  std::string error, warning;
  auto cloud = ecs::EcsCloud::Create(c, o, &f.clock, &error, &warning);  // signs with the emulator's clock
  REQUIRE(cloud);
  return cloud;
}

PowerBatchRequest Batch(PowerAction a, std::vector<std::string> ids) {
  return PowerBatchRequest{a, "cn-hangzhou", std::move(ids), false};
}

std::string Status(HttpFixture& f, const std::string& id) { return f.Instance(id)["Status"].get<std::string>(); }

}  // namespace

TEST_CASE("http: StopInstances / StartInstances / RebootInstances through EcsCloud::PowerBatch") {
  for (auto v : {ecs::SignatureVersion::kV3, ecs::SignatureVersion::kRpc1}) {
    INFO("signature " << int(v));
    HttpFixture f;
    auto cloud = Client(f, v);
    auto stop = cloud->PowerBatch(Batch(PowerAction::kStop, {"i-run", "i-stopped", "i-nope", "i-eip"}));
    REQUIRE(stop.ok());
    CHECK_FALSE(stop->request_id.empty());
    REQUIRE(stop->instances.size() == 4);
    CHECK(stop->instances[0].instance_id == "i-run");
    CHECK_FALSE(stop->instances[0].error);
    CHECK(stop->instances[0].previous_status == kRunning);
    CHECK(stop->instances[0].current_status == kStopping);
    REQUIRE(stop->instances[1].error);
    CHECK(stop->instances[1].error->code == "IncorrectInstanceStatus");
    CHECK(stop->instances[1].error->category == ErrorCategory::kWrongState);
    CHECK(stop->instances[1].previous_status == kStopped);
    REQUIRE(stop->instances[2].error);
    CHECK(stop->instances[2].error->code == "InvalidInstanceId.NotFound");
    CHECK_FALSE(stop->instances[2].error->ambiguous);  // answered, not left out
    CHECK_FALSE(stop->instances[3].error);
    CHECK(Status(f, "i-run") == kStopping);
    CHECK(Status(f, "i-eip") == kStopping);
    CHECK(Status(f, "i-stopped") == kStopped);
    CHECK(f.model->Stops().size() == 2);

    f.clock.Advance(Millis(10000));
    auto start = cloud->PowerBatch(Batch(PowerAction::kStart, {"i-run", "i-stopped"}));
    REQUIRE(start.ok());
    REQUIRE(start->instances.size() == 2);
    CHECK_FALSE(start->instances[0].error);
    CHECK_FALSE(start->instances[1].error);
    CHECK(start->instances[1].current_status == kStarting);
    CHECK(Status(f, "i-stopped") == kStarting);

    f.clock.Advance(Millis(10000));
    auto reboot = cloud->PowerBatch(Batch(PowerAction::kReboot, {"i-eip", "i-run"}));
    REQUIRE(reboot.ok());
    REQUIRE(reboot->instances.size() == 2);
    CHECK(reboot->instances[0].instance_id == "i-eip");
    REQUIRE(reboot->instances[0].error);  // still Stopped: nothing started it
    CHECK(reboot->instances[0].error->code == "IncorrectInstanceStatus");
    CHECK_FALSE(reboot->instances[1].error);
    CHECK(Status(f, "i-run") == kStopping);
  }
}

TEST_CASE("http: 101 instances are refused with InvalidParameter naming InstanceId.N, nothing done") {
  HttpFixture f;
  auto cloud = Client(f, ecs::SignatureVersion::kV3);
  std::vector<std::string> ids = {"i-run"};
  for (int n = 2; n <= kPowerBatchMax + 1; ++n) ids.push_back("i-nope" + std::to_string(n));
  auto r = cloud->PowerBatch(Batch(PowerAction::kStop, ids));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "InvalidParameter");
  // The door's own check, in the API's wording, before the Model's.
  CHECK(r.error().message.find("The specified parameter \"InstanceId.N\"") != std::string::npos);
  CHECK(Status(f, "i-run") == kRunning);
  ids.pop_back();  // 100: accepted
  auto hundred = cloud->PowerBatch(Batch(PowerAction::kStop, ids));
  REQUIRE(hundred.ok());
  CHECK(hundred->instances.size() == size_t(kPowerBatchMax));
  CHECK(Status(f, "i-run") == kStopping);
}

TEST_CASE("http: raw batch requests: AllTogether by default, BatchOptimization checked, InstanceId.N required") {
  HttpFixture f;
  const sign::Params mixed = {{"RegionId", "cn-hangzhou"}, {"InstanceId.1", "i-run"}, {"InstanceId.2", "i-stopped"}};
  // No BatchOptimization: the API's default AllTogether refuses all.
  Reply all = f.Rpc("StopInstances", mixed);
  CHECK(all.status == 403);
  CHECK(all.Code() == "IncorrectInstanceStatus");
  CHECK(Status(f, "i-run") == kRunning);
  CHECK(f.model->Stops().empty());
  sign::Params explicit_all = mixed;
  explicit_all.emplace_back("BatchOptimization", "AllTogether");
  CHECK(f.V3("StopInstances", explicit_all).Code() == "IncorrectInstanceStatus");
  CHECK(Status(f, "i-run") == kRunning);

  sign::Params bogus = mixed;
  bogus.emplace_back("BatchOptimization", "Bogus");
  Reply b = f.Rpc("StopInstances", bogus);
  CHECK(b.status == 400);
  CHECK(b.Code() == "InvalidParameter");
  CHECK(b.Json()["Message"].get<std::string>().find("BatchOptimization") != std::string::npos);
  CHECK(Status(f, "i-run") == kRunning);

  Reply none = f.Rpc("StartInstances", {{"RegionId", "cn-hangzhou"}});
  CHECK(none.Code() == "MissingParameter");
  CHECK(none.Json()["Message"].get<std::string>().find("InstanceId.1") != std::string::npos);
  CHECK(f.Rpc("RebootInstances", {{"InstanceId.1", "i-run"}}).Code() == "MissingParameter");  // no RegionId

  // SuccessFirst over a raw request: the JSON shape the SDK model names.
  sign::Params first = mixed;
  first.emplace_back("BatchOptimization", "SuccessFirst");
  Reply ok = f.V3("StopInstances", first);
  REQUIRE(ok.status == 200);
  auto list = ok.Json()["InstanceResponses"]["InstanceResponse"];
  REQUIRE(list.is_array());
  REQUIRE(list.size() == 2);
  CHECK(list[0]["InstanceId"] == "i-run");
  CHECK(list[0]["Code"] == "200");
  CHECK(list[0]["PreviousStatus"] == "Running");
  CHECK(list[0]["CurrentStatus"] == "Stopping");
  CHECK(list[1]["Code"] == "IncorrectInstanceStatus");
  CHECK(ok.Json()["RequestId"].is_string());
}

TEST_CASE("http: the per-action throttle applies to the batch action's name") {
  ApiOptions o = HttpFixture::DefaultOptions();
  o.qps_limits["StopInstances"] = 1;
  HttpFixture f(TestWorld(), o);
  auto cloud = Client(f, ecs::SignatureVersion::kV3);
  REQUIRE(cloud->PowerBatch(Batch(PowerAction::kStop, {"i-run"})).ok());
  auto second = cloud->PowerBatch(Batch(PowerAction::kStop, {"i-eip"}));
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == "Throttling");
  CHECK(second.error().category == ErrorCategory::kThrottled);
  CHECK(Status(f, "i-eip") == kRunning);
  // Other actions, the single StopInstance included, have their own budget.
  REQUIRE(cloud->PowerBatch(Batch(PowerAction::kStart, {"i-stopped"})).ok());
  REQUIRE(cloud->StopInstance("cn-hangzhou", "i-eip").ok());
  auto stats = f.Get("/_emulator/stats").Json();
  CHECK(stats["errors"]["Throttling"] == 1);
  CHECK(stats["requests"]["StopInstances"] == 2);
}

}  // namespace respec::emulator::http::testing
