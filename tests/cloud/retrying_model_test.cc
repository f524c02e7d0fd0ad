// RetryingCloud over the emulator's in-process Model behind its
// FaultInjectingCloud (emulator/faults.h), in virtual time: the properties of
// issue 4 against the same state machine the HTTP emulator serves. Also a
// simulated account limit, to show the adaptive limiter settles at it.
#include <catch2/catch.hpp>

#include <map>

#include "cloud/retrying_cloud.h"
#include "emulator/faults.h"
#include "emulator/model.h"
#include "emulator/world.h"

using namespace respec;
using namespace std::chrono_literals;

namespace {

RetryPolicy Policy() {
  RetryPolicy p;
  p.max_attempts = 8;
  p.base_delay = 200ms;
  p.max_delay = 20000ms;
  p.deadline = 600000ms;
  return p;
}

RateSettings Rate(double qps) {
  RateSettings r;
  r.default_qps = qps;
  return r;
}

std::string UpgradeTarget(Cloud& cloud, const Instance& inst) {
  ResourcesModificationRequest q;
  q.region = inst.region;
  q.instance_id = inst.id;
  q.operation = "Upgrade";
  auto r = cloud.DescribeResourcesModification(q);
  if (!r.ok()) return "";
  for (const auto& c : r->candidates)
    if (c.status == "Available" && c.type != inst.type) return c.type;
  return "";
}

}  // namespace

TEST_CASE("Model: under 30% Throttling every call succeeds within max attempts") {
  VirtualClock clock;
  emulator::Model model(emulator::GenerateWorld(40, 3), &clock);
  emulator::FaultSpec spec;
  spec.throttling = 0.3;
  spec.seed = 5;
  emulator::FaultInjectingCloud faulty(&model, spec, &clock);
  RetryingCloud cloud(&faulty, Policy(), Rate(20), &clock, 8);
  int calls = 0;
  for (const auto& w : model.Instances()) {
    DescribeInstancesRequest q;
    q.region = w.instance.region;
    q.instance_ids = {w.instance.id};
    auto r = cloud.DescribeInstances(q);
    REQUIRE(r.ok());
    REQUIRE(r->instances.size() == 1);
    ++calls;
    if (w.instance.status == kRunning) {
      REQUIRE(cloud.StopInstance(w.instance.region, w.instance.id).ok());
      ++calls;
    }
  }
  CallCounters t = cloud.Total();
  CHECK(t.calls == calls);
  CHECK(t.failed == 0);
  CHECK(t.throttled == static_cast<int64_t>(faulty.injector().Count(emulator::Fault::kThrottling)));
  CHECK(t.attempts == t.calls + t.throttled);
  CHECK(t.throttled > calls / 5);  // the faults really happened
  for (const auto& [action, c] : cloud.Counters()) CHECK(c.attempts <= c.calls * 8);
}

TEST_CASE("Model: dropped answers after accepted orders still give one order each") {
  VirtualClock clock;
  emulator::Model model(emulator::GenerateWorld(30, 4), &clock);
  emulator::FaultSpec spec;
  spec.drop = 0.4;
  spec.throttling = 0.1;
  spec.last_order = 0.1;
  spec.seed = 11;
  emulator::FaultInjectingCloud faulty(&model, spec, &clock);
  RetryPolicy p = Policy();
  p.max_attempts = 12;
  RetryingCloud cloud(&faulty, p, Rate(20), &clock, 2);
  std::map<std::string, std::string> order_of;  // ClientToken -> OrderId returned
  for (const auto& w : model.Instances()) {
    std::string target = UpgradeTarget(cloud, w.instance);
    if (target.empty()) continue;
    ModifyPrepaySpecRequest m;
    m.region = w.instance.region;
    m.instance_id = w.instance.id;
    m.instance_type = target;
    m.operator_type = "upgrade";
    m.client_token = "plan-42/" + w.instance.id + "/modify";
    auto r = cloud.ModifyPrepayInstanceSpec(m);
    INFO(m.instance_id << ": " << (r.ok() ? r->order_id : r.error().Describe()));
    REQUIRE(r.ok());
    order_of[m.client_token] = r->order_id;
  }
  REQUIRE(order_of.size() >= 10);
  CHECK(faulty.injector().Count(emulator::Fault::kDrop) >= 5);
  std::map<std::string, int> placed;
  for (const auto& o : model.Orders()) {
    ++placed[o.client_token];
    CHECK(order_of[o.client_token] == o.order_id);
  }
  CHECK(placed.size() == order_of.size());
  for (const auto& [token, n] : placed) CHECK(n == 1);
}

TEST_CASE("Model: a dropped StopInstance is confirmed by DescribeInstances, not repeated") {
  VirtualClock clock;
  emulator::Model model(emulator::GenerateWorld(20, 6), &clock);
  emulator::FaultSpec spec;
  spec.drop = 1.0;
  emulator::FaultInjectingCloud faulty(&model, spec, &clock);
  // The state check reads the Model directly (its answers are not dropped).
  struct StateFromModel : CloudWrapper {
    StateFromModel(Cloud* faulty, Cloud* model) : CloudWrapper(faulty), model_(model) {}
    Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& r) override {
      return model_->DescribeInstances(r);
    }
    Cloud* model_;
  } cloud_under(&faulty, &model);
  RetryingCloud cloud(&cloud_under, Policy(), Rate(20), &clock, 3);
  std::string id;
  for (const auto& w : model.Instances())
    if (w.instance.status == kRunning) id = w.instance.id;
  REQUIRE(!id.empty());
  auto r = cloud.StopInstance("cn-hangzhou", id);
  REQUIRE(r.ok());
  auto c = cloud.Counters()["StopInstance"];
  CHECK(c.attempts == 1);
  CHECK(c.state_checks == 1);
}

TEST_CASE("Adaptive rate settles near an account limit the client does not know") {
  // A server allowing 10 calls per (virtual) second per action; the client
  // is configured for 50/s. Without adaptation most calls would be
  // throttled; with it the client should converge close to 10/s.
  VirtualClock clock;
  struct LimitedCloud : CloudWrapper {
    LimitedCloud(Clock* c) : CloudWrapper(nullptr), clock(c) {}
    Result<Ack> StartInstance(const std::string&, const std::string&) override {
      auto sec = std::chrono::duration_cast<std::chrono::seconds>(clock->Now().time_since_epoch()).count();
      if (sec != window) {
        window = sec;
        used = 0;
      }
      ++requests;
      if (++used > 10) return MakeCloudError("Throttling", "");
      return Ack{"ok"};
    }
    Clock* clock;
    long long window = -1;
    int used = 0;
    int requests = 0;
  } server(&clock);
  RetryPolicy p = Policy();
  p.base_delay = 50ms;
  p.max_delay = 2000ms;
  p.max_attempts = 20;
  RetryingCloud cloud(&server, p, Rate(50), &clock, 1);
  const int n = 600;
  auto t0 = clock.Now();
  for (int i = 0; i < n; ++i) REQUIRE(cloud.StartInstance("cn-hangzhou", "i-1").ok());
  double secs = std::chrono::duration<double>(clock.Now() - t0).count();
  double achieved = n / secs;
  CallCounters c = cloud.Total();
  double throttled_share = static_cast<double>(c.throttled) / static_cast<double>(c.attempts);
  INFO("achieved " << achieved << "/s, throttled share " << throttled_share << ", final rate "
                   << cloud.limiter().CurrentRate("StartInstance"));
  CHECK(achieved > 6.0);   // close to the real limit of 10/s ...
  CHECK(achieved <= 10.5);
  CHECK(throttled_share < 0.25);  // ... without hammering it
  CHECK(cloud.limiter().CurrentRate("StartInstance") < 25);

  // Without adaptation the same run hammers the limit.
  VirtualClock clock2;
  LimitedCloud server2(&clock2);
  RateSettings fixed = Rate(50);
  fixed.adaptive = false;
  RetryingCloud blunt(&server2, p, fixed, &clock2, 1);
  for (int i = 0; i < n; ++i) REQUIRE(blunt.StartInstance("cn-hangzhou", "i-1").ok());
  CallCounters b = blunt.Total();
  double blunt_share = static_cast<double>(b.throttled) / static_cast<double>(b.attempts);
  INFO("non-adaptive throttled share " << blunt_share);
  CHECK(blunt_share > throttled_share * 1.5);
}
