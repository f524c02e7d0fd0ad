// Throttling and injected faults over HTTP. A drop performs the action and
// then closes the connection unanswered, which is why ClientToken matters.
#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <mutex>

#include "emulator/http/fault_source.h"
#include "emulator/http/http_fixture.h"

namespace respec::emulator::http::testing {
namespace {

// A fault source that plays a script, then no faults.
struct Script {
  std::mutex mu;
  std::deque<InjectedFault> next;
  FaultSource Source() {
    return [this](const std::string&) {
      std::lock_guard<std::mutex> l(mu);
      if (next.empty()) return InjectedFault::kNone;
      InjectedFault f = next.front();
      next.pop_front();
      return f;
    };
  }
};

const sign::Params kUpgrade = {{"RegionId", "cn-hangzhou"},
                               {"InstanceId", "i-run"},
                               {"InstanceType", "ecs.g7.2xlarge"},
                               {"ClientToken", "tok-1"}};

}  // namespace

TEST_CASE("throttling: a per-action token bucket, refilled by time") {
  ApiOptions o = HttpFixture::DefaultOptions();
  o.default_qps = 0;
  o.qps_limits["DescribeRegions"] = 2;
  HttpFixture f(TestWorld(), o);
  CHECK(f.Rpc("DescribeRegions", {}).status == 200);
  CHECK(f.Rpc("DescribeRegions", {}).status == 200);
  Reply r = f.Rpc("DescribeRegions", {});
  CHECK(r.status == 400);
  CHECK(r.Code() == "Throttling");
  // The gateway's hint: one token comes back in 1/2 s at 2 QPS.
  CHECK(r.retry_after == "500");
  // Other actions have their own (unlimited) budget.
  CHECK(f.Rpc("DescribeInstances", {{"RegionId", "cn-hangzhou"}}).status == 200);
  f.clock.Advance(std::chrono::milliseconds(500));  // one token back at 2 QPS
  CHECK(f.Rpc("DescribeRegions", {}).status == 200);
  CHECK(f.Rpc("DescribeRegions", {}).Code() == "Throttling");
  auto stats = f.Get("/_emulator/stats").Json();
  CHECK(stats["errors"]["Throttling"] == 2);
  CHECK(stats["requests"]["DescribeRegions"] == 5);
}

TEST_CASE("faults: Throttling, LastOrderProcessing (only ModifyPrepayInstanceSpec), InternalError") {
  Script script;
  ApiOptions o = HttpFixture::DefaultOptions();
  o.faults = script.Source();
  HttpFixture f(TestWorld(), o);
  script.next = {InjectedFault::kThrottling};
  CHECK(f.Rpc("DescribeRegions", {}).Code() == "Throttling");
  script.next = {InjectedFault::kLastOrder};
  CHECK(f.Rpc("DescribeRegions", {}).status == 200);
  script.next = {InjectedFault::kLastOrder};
  Reply lo = f.Rpc("ModifyPrepayInstanceSpec", kUpgrade);
  CHECK(lo.status == 400);
  CHECK(lo.Code() == "LastOrderProcessing");
  CHECK(f.Get("/_emulator/orders").Json().empty());  // nothing was ordered
  script.next = {InjectedFault::kInternal};
  Reply ie = f.Rpc("DescribeRegions", {});
  CHECK(ie.status == 500);
  CHECK(ie.Code() == "InternalError");
  // /_emulator/stats counts what was injected, by kind; a last-order fault
  // drawn for another action injects nothing and is not counted.
  auto faults = f.Get("/_emulator/stats").Json()["faults"];
  CHECK(faults["throttling"] == 1);
  CHECK(faults["last-order"] == 1);
  CHECK(faults["internal"] == 1);
  CHECK(faults.size() == 3);
}

TEST_CASE("faults: a drop performs the action, then closes the connection without an answer") {
  Script script;
  ApiOptions o = HttpFixture::DefaultOptions();
  o.faults = script.Source();
  HttpFixture f(TestWorld(), o);

  SignOptions fresh;
  fresh.fresh_connection = true;
  script.next = {InjectedFault::kDrop};
  Reply stop = f.Rpc("StopInstance", {{"InstanceId", "i-run"}}, fresh);
  CHECK(stop.curl != CURLE_OK);  // no HTTP answer
  CHECK(stop.status == 0);
  CHECK(f.Instance("i-run")["Status"] == "Stopping");  // but the stop happened

  f.clock.Advance(std::chrono::seconds(5));
  script.next = {InjectedFault::kDrop};
  sign::Params upgrade = kUpgrade;
  Reply lost = f.Rpc("ModifyPrepayInstanceSpec", upgrade, fresh);
  CHECK(lost.curl != CURLE_OK);
  auto orders = f.Get("/_emulator/orders").Json();
  REQUIRE(orders.size() == 1);  // the order was placed
  // The client's retry with the same ClientToken gets the same order, not a second one.
  Reply retry = f.Rpc("ModifyPrepayInstanceSpec", upgrade);
  REQUIRE(retry.status == 200);
  CHECK(retry.Json()["OrderId"] == orders[0]["OrderId"]);
  CHECK(f.Get("/_emulator/orders").Json().size() == 1);
  CHECK(f.Get("/_emulator/stats").Json()["faults"]["drop"] == 2);  // not an error, but counted
}

TEST_CASE("faults: a slow answer arrives after the delay, intact") {
  Script script;
  ApiOptions o = HttpFixture::DefaultOptions();
  o.faults = script.Source();
  o.slow_delay = std::chrono::milliseconds(60);
  HttpFixture f(TestWorld(), o);
  script.next = {InjectedFault::kSlow};
  auto t0 = std::chrono::steady_clock::now();
  Reply r = f.Rpc("DescribeRegions", {});
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.status == 200);
  CHECK(took >= std::chrono::milliseconds(60));
  CHECK(f.Get("/_emulator/stats").Json()["faults"]["slow"] == 1);
  auto t1 = std::chrono::steady_clock::now();
  CHECK(f.Rpc("DescribeRegions", {}).status == 200);
  CHECK(std::chrono::steady_clock::now() - t1 < std::chrono::milliseconds(60));
}

TEST_CASE("faults: the --faults spec drives the injector deterministically") {
  ApiOptions o = HttpFixture::DefaultOptions();
  std::shared_ptr<void> keep;
  std::string error;
  REQUIRE(MakeFaultSource("internal=1", 7, &o, &keep, &error));
  HttpFixture f(TestWorld(), o);
  for (int i = 0; i < 3; ++i) CHECK(f.Rpc("DescribeRegions", {}).Code() == "InternalError");
  CHECK(f.Get("/_emulator/stats").Json()["errors"]["InternalError"] == 3);

  auto sequence = [](uint64_t seed) {
    ApiOptions a;
    std::shared_ptr<void> k;
    std::string e;
    REQUIRE(MakeFaultSource("throttling=0.3,drop=0.2,slow=0.1,slow-ms=5", seed, &a, &k, &e));
    std::vector<InjectedFault> out;
    for (int i = 0; i < 50; ++i) out.push_back(a.faults("DescribeInstances"));
    return out;
  };
  CHECK(sequence(3) == sequence(3));
  CHECK(sequence(3) != sequence(4));
  ApiOptions bad;
  CHECK_FALSE(MakeFaultSource("throttling=2", 1, &bad, &keep, &error));
  CHECK(!error.empty());
}

}  // namespace respec::emulator::http::testing
