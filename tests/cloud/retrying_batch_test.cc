// RetryingCloud::PowerBatch over the emulator's in-process Model, in
// virtual time: a throttled batch is retried whole; after an ambiguous
// failure (the server acted on some instances, the answer was lost) one
// DescribeInstances settles those and only the others are sent again.
#include <catch2/catch.hpp>

#include <deque>
#include <map>

#include "cloud/cloud_wrapper.h"
#include "cloud/retrying_cloud.h"
#include "emulator/model.h"
#include "emulator/world.h"

using namespace respec;

namespace {

// Plays a script over the Model: each PowerBatch takes the next step (or,
// past the script, passes the request through), and every request is kept.
struct Scripted : CloudWrapper {
  enum class Step { kThrottle, kActOnFirstThenDrop, kActThenDrop, kRefuse };
  explicit Scripted(Cloud* model) : CloudWrapper(model) {}
  std::deque<Step> steps;
  size_t act_on = 0;  // kActOnFirstThenDrop: how many of the request's instances the server reached
  std::vector<std::vector<std::string>> sent;

  Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& r) override {
    sent.push_back(r.instance_ids);
    if (steps.empty()) return CloudWrapper::PowerBatch(r);
    Step s = steps.front();
    steps.pop_front();
    switch (s) {
      case Step::kThrottle: return MakeCloudError("Throttling", "");
      case Step::kActOnFirstThenDrop: {
        PowerBatchRequest part = r;
        part.instance_ids.resize(act_on);
        (void)CloudWrapper::PowerBatch(part);
        return MakeCloudError("Transport.ConnectionFailed", "connection reset by peer");
      }
      case Step::kActThenDrop:
        (void)CloudWrapper::PowerBatch(r);
        return MakeCloudError("Transport.ConnectionFailed", "connection reset by peer");
      case Step::kRefuse: return MakeCloudError("InvalidParameter", "refused whole");
    }
    return CloudWrapper::PowerBatch(r);
  }
};

emulator::World Running(int n) {
  emulator::World w = emulator::DefaultWorld();
  for (int i = 0; i < n; ++i) {
    emulator::WorldInstance wi;
    wi.instance.id = "i-bp1b" + std::to_string(i);
    wi.instance.region = "cn-hangzhou";
    wi.instance.zone = "cn-hangzhou-h";
    wi.instance.type = "ecs.g7.large";
    wi.instance.type_family = "ecs.g7";
    wi.instance.status = kRunning;
    wi.instance.charge_type = "PrePaid";
    wi.instance.network_type = "vpc";
    w.instances.push_back(wi);
  }
  return w;
}

PowerBatchRequest StopAll(int n) {
  PowerBatchRequest r;
  r.action = PowerAction::kStop;
  r.region = "cn-hangzhou";
  for (int i = n - 1; i >= 0; --i) r.instance_ids.push_back("i-bp1b" + std::to_string(i));  // not sorted
  return r;
}

std::map<std::string, int> StopsPerInstance(const emulator::Model& m) {
  std::map<std::string, int> n;
  for (const auto& s : m.Stops()) ++n[s.instance_id];
  return n;
}

void CheckOneEntryEach(const PowerBatchResult& got, const PowerBatchRequest& req) {
  REQUIRE(got.instances.size() == req.instance_ids.size());
  for (size_t i = 0; i < req.instance_ids.size(); ++i) {
    INFO(i);
    CHECK(got.instances[i].instance_id == req.instance_ids[i]);
  }
}

}  // namespace

TEST_CASE("RetryingCloud::PowerBatch: Throttling on the whole request is retried") {
  VirtualClock clock;
  emulator::Model model(Running(4), &clock);
  Scripted cloud_under(&model);
  cloud_under.steps = {Scripted::Step::kThrottle, Scripted::Step::kThrottle};
  RetryingCloud cloud(&cloud_under, RetryPolicy{}, RateSettings{}, &clock, 3);
  const PowerBatchRequest req = StopAll(4);
  auto r = cloud.PowerBatch(req);
  REQUIRE(r.ok());
  CheckOneEntryEach(r.value(), req);
  for (const auto& one : r->instances) CHECK_FALSE(one.error);
  CHECK(cloud_under.sent.size() == 3);
  CHECK(cloud_under.sent.back() == req.instance_ids);
  auto c = cloud.Counters()["StopInstances"];
  CHECK(c.throttled == 2);
  CHECK(c.attempts == 3);
  CHECK(c.state_checks == 0);  // throttled requests were never acted on
  const std::map<std::string, int> once = {{"i-bp1b0", 1}, {"i-bp1b1", 1}, {"i-bp1b2", 1}, {"i-bp1b3", 1}};
  CHECK(StopsPerInstance(model) == once);
}

TEST_CASE("RetryingCloud::PowerBatch: after a lost answer only the instances not yet stopped are sent again") {
  VirtualClock clock;
  emulator::Model model(Running(5), &clock);
  Scripted cloud_under(&model);
  cloud_under.steps = {Scripted::Step::kActOnFirstThenDrop};
  cloud_under.act_on = 2;
  RetryingCloud cloud(&cloud_under, RetryPolicy{}, RateSettings{}, &clock, 3);
  const PowerBatchRequest req = StopAll(5);  // i-bp1b4 .. i-bp1b0
  auto r = cloud.PowerBatch(req);
  REQUIRE(r.ok());
  REQUIRE(cloud_under.sent.size() == 2);
  const std::vector<std::string> rest = {"i-bp1b2", "i-bp1b1", "i-bp1b0"};
  CHECK(cloud_under.sent[1] == rest);
  CheckOneEntryEach(r.value(), req);
  for (const auto& one : r->instances) {
    INFO(one.instance_id);
    CHECK_FALSE(one.error);
  }
  const std::map<std::string, int> once = {
      {"i-bp1b0", 1}, {"i-bp1b1", 1}, {"i-bp1b2", 1}, {"i-bp1b3", 1}, {"i-bp1b4", 1}};
  CHECK(StopsPerInstance(model) == once);
  CHECK(cloud.Counters()["StopInstances"].state_checks == 1);
  CHECK(cloud.Counters()["StopInstances"].attempts == 2);
}

TEST_CASE("RetryingCloud::PowerBatch: a lost answer after every instance was acted on is not sent again") {
  VirtualClock clock;
  emulator::Model model(Running(3), &clock);
  Scripted cloud_under(&model);
  cloud_under.steps = {Scripted::Step::kActThenDrop};
  RetryingCloud cloud(&cloud_under, RetryPolicy{}, RateSettings{}, &clock, 3);
  const PowerBatchRequest req = StopAll(3);
  auto r = cloud.PowerBatch(req);
  REQUIRE(r.ok());
  CHECK(cloud_under.sent.size() == 1);
  CheckOneEntryEach(r.value(), req);
  for (const auto& one : r->instances) CHECK_FALSE(one.error);
  CHECK(model.Stops().size() == 3);
}

TEST_CASE("RetryingCloud::PowerBatch: a refusal of the re-sent rest is each remaining entry's error") {
  VirtualClock clock;
  emulator::Model model(Running(4), &clock);
  Scripted cloud_under(&model);
  cloud_under.steps = {Scripted::Step::kActOnFirstThenDrop, Scripted::Step::kRefuse};
  cloud_under.act_on = 1;
  RetryingCloud cloud(&cloud_under, RetryPolicy{}, RateSettings{}, &clock, 3);
  const PowerBatchRequest req = StopAll(4);
  auto r = cloud.PowerBatch(req);
  REQUIRE(r.ok());  // one instance was stopped: the result says so per instance
  CheckOneEntryEach(r.value(), req);
  CHECK_FALSE(r->instances[0].error);  // i-bp1b3, acted on by the lost attempt
  for (size_t i = 1; i < r->instances.size(); ++i) {
    INFO(i);
    REQUIRE(r->instances[i].error);
    CHECK(r->instances[i].error->code == "InvalidParameter");
    CHECK(r->instances[i].error->instance_id == req.instance_ids[i]);
  }
  CHECK(model.Stops().size() == 1);
}
