// EcsCloud::PowerBatch on the wire against a MiniServer: the exact
// parameters of StopInstances / StartInstances / RebootInstances, and the
// decoding of their per-instance InstanceResponse answers.
#include <catch2/catch.hpp>

#include <set>

#include "cloud/error_table.h"
#include "ecs/ecs_cloud.h"
#include "wire_harness.h"

using namespace respec;
using namespace respec::ecs;
using namespace respec::ecs::testing;

namespace {

PowerBatchRequest Batch(PowerAction a, std::vector<std::string> ids, bool force = false) {
  return PowerBatchRequest{a, "cn-hangzhou", std::move(ids), force};
}

// The answer a SuccessFirst request gets: one InstanceResponse per ID.
std::string Accepted(const std::vector<std::string>& ids) {
  std::string list;
  for (const auto& id : ids) {
    if (!list.empty()) list += ",";
    list += R"({"InstanceId":")" + id +
            R"(","Code":"200","Message":"success","PreviousStatus":"Running","CurrentStatus":"Stopping"})";
  }
  return R"({"RequestId":"R-B","InstanceResponses":{"InstanceResponse":[)" + list + "]}}";
}

// Every parameter of a request, in the order sent (both schemes put them
// in the query; the body stays empty).
sign::Params Sent(const SeenRequest& s) {
  CHECK(s.body.empty());
  return Query(s.target);
}

sign::Params ActionParams(const sign::Params& all) {
  static const std::set<std::string> common = {"Action", "Version", "Format", "AccessKeyId", "SignatureMethod",
                                               "SignatureVersion", "SignatureNonce", "Timestamp", "Signature",
                                               "SecurityToken"};
  sign::Params out;
  for (const auto& kv : all)
    if (!common.count(kv.first)) out.push_back(kv);
  return out;
}

}  // namespace

TEST_CASE("PowerBatch sends RegionId, InstanceId.1..N in order and BatchOptimization=SuccessFirst") {
  for (auto version : {SignatureVersion::kV3, SignatureVersion::kRpc1}) {
    INFO("signature " << int(version));
    std::vector<std::string> ids = {"i-c", "i-a", "i-b"};
    Harness h([&](const SeenRequest&) { return Ok(Accepted(ids)); }, version);
    REQUIRE(h.cloud->PowerBatch(Batch(PowerAction::kStop, ids)).ok());
    REQUIRE(h.cloud->PowerBatch(Batch(PowerAction::kStop, ids, /*force=*/true)).ok());
    REQUIRE(h.cloud->PowerBatch(Batch(PowerAction::kStart, ids, /*force=*/true)).ok());
    REQUIRE(h.cloud->PowerBatch(Batch(PowerAction::kReboot, ids)).ok());
    REQUIRE(h.cloud->PowerBatch(Batch(PowerAction::kReboot, ids, /*force=*/true)).ok());
    auto seen = h.server.requests();
    REQUIRE(seen.size() == 5);
    const sign::Params base = {{"RegionId", "cn-hangzhou"},
                               {"InstanceId.1", "i-c"},
                               {"InstanceId.2", "i-a"},
                               {"InstanceId.3", "i-b"},
                               {"BatchOptimization", "SuccessFirst"}};
    sign::Params forced_stop = base, forced_reboot = base;
    forced_stop.emplace_back("ForceStop", "true");
    forced_reboot.emplace_back("ForceReboot", "true");
    const std::vector<std::pair<std::string, sign::Params>> want = {{"StopInstances", base},
                                                                    {"StopInstances", forced_stop},
                                                                    {"StartInstances", base},
                                                                    {"RebootInstances", base},
                                                                    {"RebootInstances", forced_reboot}};
    for (size_t i = 0; i < seen.size(); ++i) {
      INFO(i << ": " << seen[i].target << " " << seen[i].body);
      sign::Params all = Sent(seen[i]);
      if (version == SignatureVersion::kV3)
        CHECK(seen[i].headers["x-acs-action"] == want[i].first);
      else
        CHECK(Get(all, "Action") == want[i].first);
      CHECK(ActionParams(all) == want[i].second);
      const std::string wire = seen[i].target + "\n" + seen[i].body;
      CHECK(wire.find("StoppedMode") == std::string::npos);
    }
  }
}

TEST_CASE("PowerBatch decodes Code 200 as accepted and other codes by the error table") {
  Harness h([](const SeenRequest&) {
    return Ok(R"({"RequestId":"R-D","InstanceResponses":{"InstanceResponse":[
      {"InstanceId":"i-1","Code":"200","Message":"success","PreviousStatus":"Running","CurrentStatus":"Stopping"},
      {"InstanceId":"i-2","Code":"IncorrectInstanceStatus","Message":"The current status of the resource does not support this operation.","PreviousStatus":"Stopped","CurrentStatus":"Stopped"},
      {"InstanceId":"i-3","Code":"InvalidInstanceId.NotFound","Message":"The specified InstanceId does not exist."}]}})");
  });
  auto r = h.cloud->PowerBatch(Batch(PowerAction::kStop, {"i-1", "i-2", "i-3"}));
  REQUIRE(r.ok());
  CHECK(r->request_id == "R-D");
  REQUIRE(r->instances.size() == 3);
  CHECK(r->instances[0].instance_id == "i-1");
  CHECK_FALSE(r->instances[0].error);
  CHECK(r->instances[0].previous_status == "Running");
  CHECK(r->instances[0].current_status == "Stopping");

  REQUIRE(r->instances[1].error);
  const CloudError& e = *r->instances[1].error;
  CHECK(e.code == "IncorrectInstanceStatus");
  CHECK(e.category == ErrorCategory::kWrongState);
  CHECK(e.instance_id == "i-2");
  CHECK(e.action == "StopInstances");
  CHECK(e.request_id == "R-D");
  CHECK_FALSE(e.ambiguous);
  CHECK(e.message.find("does not support") != std::string::npos);
  CHECK(r->instances[1].previous_status == "Stopped");

  REQUIRE(r->instances[2].error);
  CHECK(r->instances[2].error->category == ErrorCategory::kNotFound);
  CHECK(r->instances[2].previous_status.empty());
}

TEST_CASE("PowerBatch: a one-element list given as an object, and entries matched by InstanceId") {
  Harness h([](const SeenRequest& s) {
    if (s.target.find("InstanceId.2") != std::string::npos)  // answered out of order
      return Ok(R"({"RequestId":"R-O","InstanceResponses":{"InstanceResponse":[
        {"InstanceId":"i-b","Code":"200"},{"InstanceId":"i-a","Code":"IncorrectInstanceStatus"}]}})");
    return Ok(R"({"RequestId":"R-1","InstanceResponses":{"InstanceResponse":
      {"InstanceId":"i-1","Code":"200","PreviousStatus":"Stopped","CurrentStatus":"Starting"}}})");
  });
  auto one = h.cloud->PowerBatch(Batch(PowerAction::kStart, {"i-1"}));
  REQUIRE(one.ok());
  REQUIRE(one->instances.size() == 1);
  CHECK(one->instances[0].instance_id == "i-1");
  CHECK_FALSE(one->instances[0].error);
  CHECK(one->instances[0].current_status == "Starting");

  auto two = h.cloud->PowerBatch(Batch(PowerAction::kStart, {"i-a", "i-b"}));
  REQUIRE(two.ok());
  REQUIRE(two->instances.size() == 2);
  CHECK(two->instances[0].instance_id == "i-a");  // request order
  REQUIRE(two->instances[0].error);
  CHECK(two->instances[0].error->code == "IncorrectInstanceStatus");
  CHECK(two->instances[1].instance_id == "i-b");
  CHECK_FALSE(two->instances[1].error);
}

TEST_CASE("PowerBatch: malformed bodies are Response.Malformed / MissingField") {
  struct Case {
    const char* body;
    const char* code;
  };
  const Case cases[] = {
      {"not json", "Response.Malformed"},
      {R"({"RequestId":"R-M"})", "Response.MissingField"},  // no InstanceResponses
      {R"({"RequestId":"R-M","InstanceResponses":{"InstanceResponse":[{"Code":"200"}]}})",
       "Response.MissingField"},  // no InstanceId
      {R"({"RequestId":"R-M","InstanceResponses":{"InstanceResponse":[{"InstanceId":"i-1"}]}})",
       "Response.MissingField"},  // no Code
      {R"({"InstanceResponses":{"InstanceResponse":[{"InstanceId":"i-1","Code":"200"}]}})",
       "Response.MissingField"},  // no RequestId
  };
  for (const auto& c : cases) {
    INFO(c.body);
    Harness h([&](const SeenRequest&) { return Ok(c.body); });
    auto r = h.cloud->PowerBatch(Batch(PowerAction::kReboot, {"i-1"}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.code);
    CHECK(r.error().action == "RebootInstances");
  }
}

TEST_CASE("PowerBatch: an instance the answer leaves out is an ambiguous Response.MissingInstance") {
  Harness h([](const SeenRequest&) {
    return Ok(R"({"RequestId":"R-L","InstanceResponses":{"InstanceResponse":[
      {"InstanceId":"i-2","Code":"200"},{"InstanceId":"i-other","Code":"200"}]}})");
  });
  auto r = h.cloud->PowerBatch(Batch(PowerAction::kStop, {"i-1", "i-2", "i-3"}));
  REQUIRE(r.ok());
  REQUIRE(r->instances.size() == 3);  // i-other, not asked for, is not an entry
  for (size_t i : {size_t(0), size_t(2)}) {
    INFO(i);
    REQUIRE(r->instances[i].error);
    const CloudError& e = *r->instances[i].error;
    CHECK(e.code == "Response.MissingInstance");
    CHECK(e.ambiguous);
    CHECK(e.category == ErrorCategory::kTransient);
    CHECK(e.action == "StopInstances");
    CHECK(e.request_id == "R-L");
  }
  CHECK(r->instances[0].instance_id == "i-1");
  CHECK(r->instances[2].instance_id == "i-3");
  CHECK(r->instances[1].instance_id == "i-2");
  CHECK_FALSE(r->instances[1].error);
}
