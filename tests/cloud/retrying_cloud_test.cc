// RetryingCloud over a faulty in-memory cloud, in virtual time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "cloud/retrying_cloud.h"
#include "fake_cloud.h"

using namespace respec;
using namespace std::chrono_literals;
using respec::testing::FakeCloud;

namespace {
RetryPolicy Policy() {
  RetryPolicy p;
  p.max_attempts = 8;
  p.base_delay = 200ms;
  p.max_delay = 20000ms;
  p.deadline = 600000ms;
  p.last_order_delay = 5000ms;
  p.last_order_max_attempts = 12;
  return p;
}
RateSettings Rate(double qps = 1000) {
  RateSettings r;
  r.default_qps = qps;
  return r;
}
ModifyPrepaySpecRequest Order(const std::string& id, const std::string& token) {
  ModifyPrepaySpecRequest r;
  r.region = "cn-hangzhou";
  r.instance_id = id;
  r.instance_type = "ecs.g7.xlarge";
  r.operator_type = "upgrade";
  r.client_token = token;
  return r;
}
}  // namespace

TEST_CASE("Under 30% Throttling every call succeeds within the configured attempts") {
  VirtualClock clock;
  FakeCloud fake(42);
  fake.throttle_rate = 0.3;
  RetryingCloud rc(&fake, Policy(), Rate(), &clock, 1);
  const int n = 500;
  for (int i = 0; i < n; ++i) {
    DescribeInstancesRequest q;
    q.region = "cn-hangzhou";
    auto r = rc.DescribeInstances(q);
    REQUIRE(r.ok());
  }
  auto c = rc.Counters()["DescribeInstances"];
  CHECK(c.calls == n);
  CHECK(c.failed == 0);
  CHECK(c.attempts == fake.requests["DescribeInstances"]);
  CHECK(c.throttled == c.attempts - n);  // every extra attempt was caused by a throttle
  // About 30% of attempts throttled: n / 0.7 attempts expected.
  CHECK(c.attempts > n * 1.3);
  CHECK(c.attempts < n * 1.6);
  CHECK(c.slept > 0ms);
}

TEST_CASE("Retry delays grow and jitter") {
  VirtualClock clock;
  FakeCloud fake;
  fake.always_fail_code = "ServiceUnavailable";
  RetryingCloud rc(&fake, Policy(), Rate(), &clock, 99);
  std::vector<RetryEvent> events;
  rc.SetRetryObserver([&](const RetryEvent& e) { events.push_back(e); });
  const int calls = 40;
  for (int i = 0; i < calls; ++i) {
    auto r = rc.DescribeInstanceTypes({});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "ServiceUnavailable");
    CHECK(r.error().action == "DescribeInstanceTypes");
    CHECK(r.error().message.find("gave up after 8 attempts") != std::string::npos);
  }
  CHECK(fake.requests["DescribeInstanceTypes"] == calls * 8);
  REQUIRE(events.size() == calls * 7u);
  // Mean delay per failed attempt grows (roughly doubles); each stays in its
  // full-jitter range [0, 200ms * 2^(n-1)].
  std::vector<double> mean(8, 0);
  std::set<long long> distinct;
  for (const auto& e : events) {
    CHECK(e.delay <= Millis(200LL << (e.attempt - 1)));
    mean[e.attempt] += static_cast<double>(e.delay.count()) / calls;
    distinct.insert(e.delay.count());
  }
  for (int a = 2; a <= 7; ++a) CHECK(mean[a] > mean[a - 1] * 1.3);
  CHECK(distinct.size() > events.size() / 2);  // jittered, not a fixed schedule
}

TEST_CASE("The retry deadline is respected") {
  VirtualClock clock;
  FakeCloud fake;
  fake.always_fail_code = "Throttling";
  RetryPolicy p = Policy();
  p.max_attempts = 100;
  p.base_delay = 1000ms;
  p.deadline = 30000ms;
  RetryingCloud rc(&fake, p, Rate(), &clock, 5);
  auto t0 = clock.Now();
  auto r = rc.StopInstance("cn-hangzhou", "i-1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == ErrorCategory::kThrottled);
  CHECK(r.error().instance_id == "i-1");
  CHECK(r.error().message.find("deadline") != std::string::npos);
  CHECK(clock.Now() - t0 <= 30000ms);
  CHECK(fake.requests["StopInstance"] < 100);
}

TEST_CASE("Non-retryable errors come back after one attempt") {
  VirtualClock clock;
  FakeCloud fake;
  fake.status["i-1"] = kStopped;
  RetryingCloud rc(&fake, Policy(), Rate(), &clock, 5);
  auto r = rc.StopInstance("cn-hangzhou", "i-1");  // already stopped
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "IncorrectInstanceStatus");
  CHECK(fake.requests["StopInstance"] == 1);
  CHECK(rc.Total().slept == 0ms);
}

TEST_CASE("A dropped connection after an accepted order yields exactly one order") {
  VirtualClock clock;
  FakeCloud fake;
  fake.drop_after_accept = 2;  // the first two answers are lost
  RetryingCloud rc(&fake, Policy(), Rate(), &clock, 3);
  auto r = rc.ModifyPrepayInstanceSpec(Order("i-1", "plan1-i-1-resize"));
  REQUIRE(r.ok());
  CHECK(fake.requests["ModifyPrepayInstanceSpec"] == 3);
  REQUIRE(fake.orders.size() == 1);
  CHECK(fake.orders[0].client_token == "plan1-i-1-resize");
  CHECK(r->order_id == "1001");  // the first (and only) order's ID
}

TEST_CASE("ModifyPrepayInstanceSpec without a usable ClientToken is never sent") {
  VirtualClock clock;
  FakeCloud fake;
  RetryingCloud rc(&fake, Policy(), Rate(), &clock, 3);
  auto r = rc.ModifyPrepayInstanceSpec(Order("i-1", ""));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == ErrorCategory::kBadRequest);
  CHECK(r.error().message.find("ClientToken") != std::string::npos);
  CHECK(rc.ModifyPrepayInstanceSpec(Order("i-1", std::string(65, 'a'))).error().category ==
        ErrorCategory::kBadRequest);
  CHECK(rc.ModifyPrepayInstanceSpec(Order("i-1", "caf\xc3\xa9")).error().category ==
        ErrorCategory::kBadRequest);
  CHECK(fake.requests["ModifyPrepayInstanceSpec"] == 0);
  CHECK(fake.orders.empty());
}

TEST_CASE("LastOrderProcessing is retried with the longer pacing") {
  VirtualClock clock;
  FakeCloud fake;
  fake.always_fail_code = "LastOrderProcessing";
  RetryPolicy p = Policy();
  p.last_order_max_attempts = 4;
  RetryingCloud rc(&fake, p, Rate(), &clock, 3);
  std::vector<RetryEvent> events;
  rc.SetRetryObserver([&](const RetryEvent& e) { events.push_back(e); });
  auto r = rc.ModifyPrepayInstanceSpec(Order("i-1", "t"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == ErrorCategory::kOrderInProgress);
  CHECK(fake.requests["ModifyPrepayInstanceSpec"] == 4);
  REQUIRE(events.size() == 3);
  for (const auto& e : events) {
    CHECK(e.delay >= 5000ms);
    CHECK(e.delay < 10000ms);
  }
}

TEST_CASE("OrderCreationFailed is retried with backoff, with the same ClientToken") {
  // The seed: "Order creation failed, please check your params and try it
  // again later" - transient, not final.
  VirtualClock clock;
  FakeCloud fake;
  fake.always_fail_code = "OrderCreationFailed";
  fake.fail_first = 2;
  RetryingCloud rc(&fake, Policy(), Rate(), &clock, 5);
  std::vector<RetryEvent> events;
  rc.SetRetryObserver([&](const RetryEvent& e) { events.push_back(e); });
  auto r = rc.ModifyPrepayInstanceSpec(Order("i-1", "tok-1"));
  REQUIRE(r.ok());
  CHECK(fake.requests["ModifyPrepayInstanceSpec"] == 3);
  REQUIRE(events.size() == 2);
  CHECK(events[0].code == "OrderCreationFailed");
  REQUIRE(fake.orders.size() == 1);
  CHECK(fake.orders[0].client_token == "tok-1");
}

TEST_CASE("x-acs-retry-after: the retry waits at least what the gateway asked, capped") {
  VirtualClock clock;
  FakeCloud fake;
  fake.always_fail_code = "Throttling";
  fake.fail_first = 1;
  fake.retry_after_ms = 7000;  // far above the 200 ms backoff of a first retry
  fake.status["i-1"] = kRunning;
  RetryingCloud rc(&fake, Policy(), Rate(), &clock, 5);
  std::vector<RetryEvent> events;
  rc.SetRetryObserver([&](const RetryEvent& e) { events.push_back(e); });
  REQUIRE(rc.StopInstance("cn-hangzhou", "i-1").ok());
  REQUIRE(events.size() == 1);
  CHECK(events[0].delay == 7000ms);

  RetryPolicy p = Policy();
  CloudError e = MakeCloudError("Throttling", "");
  CHECK(HonourRetryAfter(p, e, 300ms) == 300ms);  // no header: backoff unchanged
  e.retry_after_ms = 100;
  CHECK(HonourRetryAfter(p, e, 300ms) == 300ms);  // never sooner than the backoff
  e.retry_after_ms = 10'000'000;
  CHECK(HonourRetryAfter(p, e, 300ms) == p.max_retry_after);  // capped
}

TEST_CASE("An ambiguous StopInstance is checked with DescribeInstances, not repeated") {
  VirtualClock clock;
  FakeCloud fake;
  fake.status["i-1"] = kRunning;
  fake.drop_after_accept = 1;
  RetryingCloud rc(&fake, Policy(), Rate(), &clock, 3);
  auto r = rc.StopInstance("cn-hangzhou", "i-1");
  REQUIRE(r.ok());
  CHECK(r->request_id == "req-describe");
  CHECK(fake.requests["StopInstance"] == 1);
  CHECK(fake.requests["DescribeInstances"] == 1);
  CHECK(rc.Counters()["StopInstance"].state_checks == 1);
  CHECK(fake.status["i-1"] == kStopping);
}

TEST_CASE("An ambiguous StartInstance that did not happen is repeated") {
  VirtualClock clock;
  FakeCloud fake;
  fake.status["i-1"] = kStopped;
  // A wrapper that loses the first request before the server sees it.
  struct LoseFirst : CloudWrapper {
    using CloudWrapper::CloudWrapper;
    int lost = 0;
    Result<Ack> StartInstance(const std::string& region, const std::string& id) override {
      if (lost++ == 0) return MakeCloudError("Transport.Timeout", "");
      return CloudWrapper::StartInstance(region, id);
    }
  } lose(&fake);
  RetryingCloud rc2(&lose, Policy(), Rate(), &clock, 3);
  auto r = rc2.StartInstance("cn-hangzhou", "i-1");
  REQUIRE(r.ok());
  CHECK(r->request_id == "req-StartInstance");
  CHECK(fake.requests["DescribeInstances"] == 1);  // checked: still Stopped
  CHECK(fake.requests["StartInstance"] == 1);      // then repeated once
  CHECK(fake.status["i-1"] == kStarting);
}

TEST_CASE("Concurrent calls under throttling: counters add up, one order per token") {
  VirtualClock clock;
  FakeCloud fake(11);
  fake.throttle_rate = 0.3;
  RetryingCloud rc(&fake, Policy(), Rate(50), &clock, 17);
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        std::string id = "i-" + std::to_string(t) + "-" + std::to_string(i);
        if (!rc.ModifyPrepayInstanceSpec(Order(id, "tok-" + id)).ok()) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  CHECK(failures == 0);
  CHECK(fake.orders.size() == 160);
  auto c = rc.Counters()["ModifyPrepayInstanceSpec"];
  CHECK(c.calls == 160);
  CHECK(c.attempts == fake.requests["ModifyPrepayInstanceSpec"]);
  CHECK(c.throttled == c.attempts - 160);
  CHECK(rc.limiter().CurrentRate("ModifyPrepayInstanceSpec") <= 50);
}
