#include <catch2/catch.hpp>

#include <map>

#include "emulator/faults.h"
#include "test_world.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

TEST_CASE("ParseFaultSpec reads every key") {
  FaultSpec s;
  std::string err;
  REQUIRE(ParseFaultSpec("throttling=0.2,last-order=0.1,internal=0.05,drop=0.02,slow=0.01,slow-ms=300,seed=9",
                         &s, &err));
  CHECK(s.throttling == 0.2);
  CHECK(s.last_order == 0.1);
  CHECK(s.internal_error == 0.05);
  CHECK(s.drop == 0.02);
  CHECK(s.slow == 0.01);
  CHECK(s.slow_ms == 300);
  CHECK(s.seed == 9);
  FaultSpec empty;
  CHECK(ParseFaultSpec("", &empty, &err));
  CHECK_FALSE(empty.Any());
}

TEST_CASE("ParseFaultSpec names the bad key or value") {
  FaultSpec s;
  std::string err;
  CHECK_FALSE(ParseFaultSpec("throttle=0.1", &s, &err));
  CHECK(err.find("throttle") != std::string::npos);
  CHECK_FALSE(ParseFaultSpec("drop=1.5", &s, &err));
  CHECK(err.find("drop=1.5") != std::string::npos);
  CHECK_FALSE(ParseFaultSpec("drop=abc", &s, &err));
  CHECK(err.find("drop=abc") != std::string::npos);
  CHECK_FALSE(ParseFaultSpec("slow-ms=-3", &s, &err));
  CHECK(err.find("slow-ms") != std::string::npos);
  CHECK_FALSE(ParseFaultSpec("drop", &s, &err));
  CHECK(err.find("drop") != std::string::npos);
  CHECK_FALSE(ParseFaultSpec("throttling=0.7,drop=0.5", &s, &err));
  CHECK(err.find("at most 1") != std::string::npos);
}

TEST_CASE("FaultInjector is deterministic for a seed and hits the configured rates") {
  FaultSpec spec;
  std::string err;
  REQUIRE(ParseFaultSpec("throttling=0.2,last-order=0.1,internal=0.05,drop=0.02,slow=0.01,seed=42", &spec, &err));
  FaultInjector a(spec), b(spec);
  std::map<Fault, int> counts;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    Fault fa = a.Next("ModifyPrepayInstanceSpec");
    REQUIRE(fa == b.Next("ModifyPrepayInstanceSpec"));
    ++counts[fa];
  }
  auto rate = [&](Fault f) { return double(counts[f]) / n; };
  CHECK(rate(Fault::kThrottling) == Approx(0.2).margin(0.01));
  CHECK(rate(Fault::kLastOrder) == Approx(0.1).margin(0.01));
  CHECK(rate(Fault::kInternal) == Approx(0.05).margin(0.005));
  CHECK(rate(Fault::kDrop) == Approx(0.02).margin(0.003));
  CHECK(rate(Fault::kSlow) == Approx(0.01).margin(0.003));
  CHECK(a.Count(Fault::kThrottling) == uint64_t(counts[Fault::kThrottling]));

  spec.seed = 43;
  FaultInjector c(spec);
  FaultInjector a2(FaultSpec{0.2, 0.1, 0.05, 0.02, 0.01, 200, 42});
  int differ = 0;
  for (int i = 0; i < 1000; ++i) differ += c.Next("X") != a2.Next("X");
  CHECK(differ > 0);
}

TEST_CASE("FaultInjector(spec, seed): both seeds matter, each deterministically") {
  FaultSpec spec{0.3, 0, 0.3, 0, 0, 200, 1};
  FaultInjector a(spec, 5), b(spec, 5), c(spec, 6);
  spec.seed = 2;
  FaultInjector d(spec, 5);
  int ac = 0, ad = 0;
  for (int i = 0; i < 1000; ++i) {
    Fault fa = a.Next("StopInstance");
    CHECK(fa == b.Next("StopInstance"));
    ac += fa != c.Next("StopInstance");
    ad += fa != d.Next("StopInstance");
  }
  CHECK(ac > 0);
  CHECK(ad > 0);
}

TEST_CASE("LastOrderProcessing is drawn only for ModifyPrepayInstanceSpec") {
  FaultInjector inj(FaultSpec{0, 1.0, 0, 0, 0, 200, 1});
  for (int i = 0; i < 100; ++i) {
    CHECK(inj.Next("DescribeInstances") == Fault::kNone);
    CHECK(inj.Next("ModifyPrepayInstanceSpec") == Fault::kLastOrder);
  }
}

TEST_CASE("FaultInjectingCloud: a dropped Modify takes effect but reports an ambiguous failure") {
  VirtualClock clock;
  World w = DefaultWorld();
  w.instances.push_back(MakeInstance("i-bp1run", "cn-hangzhou-h", "ecs.g7.large", kRunning));
  Model model(w, &clock);
  FaultInjectingCloud cloud(&model, FaultSpec{0, 0, 0, 1.0, 0, 200, 1}, &clock);
  auto req = Modify("i-bp1run", "ecs.g7.xlarge");
  req.client_token = "tok-1";
  auto r = cloud.ModifyPrepayInstanceSpec(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "Transport.ConnectionFailed");
  CHECK(r.error().ambiguous);
  CHECK(r.error().instance_id == "i-bp1run");
  REQUIRE(model.Orders().size() == 1);  // the order was placed
  // The client retries with the same token, straight to the model: same order.
  auto again = model.ModifyPrepayInstanceSpec(req);
  REQUIRE(again.ok());
  CHECK(again->order_id == model.Orders()[0].order_id);
  CHECK(model.Orders().size() == 1);
}

TEST_CASE("FaultInjectingCloud: throttling, internal errors and slow calls") {
  VirtualClock clock;
  World w = DefaultWorld();
  w.instances.push_back(MakeInstance("i-bp1run", "cn-hangzhou-h", "ecs.g7.large", kRunning));
  Model model(w, &clock);
  {
    FaultInjectingCloud cloud(&model, FaultSpec{1.0, 0, 0, 0, 0, 200, 1}, &clock);
    auto r = cloud.StopInstance("cn-hangzhou", "i-bp1run");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "Throttling");
    CHECK(r.error().category == ErrorCategory::kThrottled);
    CHECK(Describe(model, "i-bp1run").status == kRunning);  // no effect
  }
  {
    FaultInjectingCloud cloud(&model, FaultSpec{0, 0, 1.0, 0, 0, 200, 1}, &clock);
    auto r = cloud.DescribeInstances(ListRequest("cn-hangzhou"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "InternalError");
    CHECK(r.error().http_status == 500);
  }
  {
    FaultInjectingCloud cloud(&model, FaultSpec{0, 0, 0, 0, 1.0, 250, 1}, &clock);
    auto t0 = clock.Now();
    auto r = cloud.DescribeInstances(ListRequest("cn-hangzhou"));
    REQUIRE(r.ok());
    CHECK(clock.Now() - t0 == Millis(250));
  }
}
