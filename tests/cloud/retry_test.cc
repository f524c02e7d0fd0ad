// RetryPolicy delays, RateLimiter pacing and AIMD adaptation. Virtual time
// only: nothing here sleeps.
#include <catch2/catch.hpp>

#include <set>

#include "cloud/rate_limiter.h"
#include "cloud/retry.h"

using namespace respec;
using namespace std::chrono_literals;

TEST_CASE("RetryPolicy comes from the profile's RetrySettings") {
  RetrySettings s;
  s.max_attempts = 5;
  s.base_delay_ms = 100;
  s.max_delay_ms = 3000;
  s.deadline_ms = 60000;
  s.last_order_delay_ms = 4000;
  s.last_order_max_attempts = 9;
  RetryPolicy p = RetryPolicy::From(s);
  CHECK(p.max_attempts == 5);
  CHECK(p.base_delay == 100ms);
  CHECK(p.max_delay == 3000ms);
  CHECK(p.deadline == 60000ms);
  CHECK(p.last_order_delay == 4000ms);
  CHECK(MaxAttemptsFor(p, ErrorCategory::kOrderInProgress) == 9);
  CHECK(MaxAttemptsFor(p, ErrorCategory::kThrottled) == 5);
  s.max_attempts = 0;  // nonsense is clamped, not obeyed
  CHECK(RetryPolicy::From(s).max_attempts == 1);
}

TEST_CASE("Backoff is exponential with full jitter, capped") {
  RetryPolicy p;
  p.base_delay = 200ms;
  p.max_delay = 5000ms;
  p.max_attempts = 10;
  // The top of the jitter range doubles per attempt until the cap.
  CHECK(RetryDelay(p, ErrorCategory::kThrottled, 1, 0.999999)->count() == 199);
  CHECK(RetryDelay(p, ErrorCategory::kThrottled, 2, 0.999999)->count() == 399);
  CHECK(RetryDelay(p, ErrorCategory::kThrottled, 3, 0.999999)->count() == 799);
  CHECK(RetryDelay(p, ErrorCategory::kTransient, 6, 0.999999)->count() == 4999);
  CHECK(RetryDelay(p, ErrorCategory::kTransient, 9, 0.999999)->count() == 4999);
  // Full jitter: the bottom of the range is zero, the middle is half.
  CHECK(RetryDelay(p, ErrorCategory::kThrottled, 3, 0.0)->count() == 0);
  CHECK(RetryDelay(p, ErrorCategory::kThrottled, 3, 0.5)->count() == 400);
  // No retry past the attempt limit or for non-retryable categories.
  CHECK_FALSE(RetryDelay(p, ErrorCategory::kThrottled, 10, 0.5));
  CHECK_FALSE(RetryDelay(p, ErrorCategory::kWrongState, 1, 0.5));
  CHECK_FALSE(RetryDelay(p, ErrorCategory::kAuth, 1, 0.5));
  CHECK_FALSE(RetryDelay(p, ErrorCategory::kUnknown, 1, 0.5));
  // A huge attempt number does not overflow.
  p.max_attempts = 1000000;
  CHECK(RetryDelay(p, ErrorCategory::kTransient, 999, 0.5)->count() == 2500);
}

TEST_CASE("LastOrderProcessing waits the longer order pacing") {
  RetryPolicy p;
  p.last_order_delay = 5000ms;
  p.last_order_max_attempts = 3;
  p.base_delay = 10ms;
  CHECK(RetryDelay(p, ErrorCategory::kOrderInProgress, 1, 0.0)->count() == 5000);
  CHECK(RetryDelay(p, ErrorCategory::kOrderInProgress, 2, 0.999)->count() == 9995);
  CHECK_FALSE(RetryDelay(p, ErrorCategory::kOrderInProgress, 3, 0.5));
}

TEST_CASE("RateLimiter paces each action at its configured rate") {
  VirtualClock clock;
  RateSettings s;
  s.default_qps = 10;
  s.action_qps["DescribeInstances"] = 50;
  RateLimiter lim(s, &clock);
  CHECK(lim.ConfiguredRate("StopInstance") == 10);
  CHECK(lim.ConfiguredRate("DescribeInstances") == 50);

  auto t0 = clock.Now();
  for (int i = 0; i < 100; ++i) lim.Acquire("StopInstance");
  auto took = std::chrono::duration_cast<Millis>(clock.Now() - t0);
  // 100 calls at 10/s: about 10 s (the burst of 2 saves ~0.1 s).
  CHECK(took >= 9800ms);
  CHECK(took <= 10100ms);

  // Buckets are per action: DescribeInstances has its own, faster one
  // (50/s, a burst of 10 after the idle spell).
  t0 = clock.Now();
  for (int i = 0; i < 100; ++i) lim.Acquire("DescribeInstances");
  took = std::chrono::duration_cast<Millis>(clock.Now() - t0);
  CHECK(took >= 1750ms);
  CHECK(took <= 1850ms);
}

TEST_CASE("RateLimiter is AIMD: cuts on Throttling, recovers on success") {
  VirtualClock clock;
  RateSettings s;
  s.default_qps = 20;
  RateLimiter lim(s, &clock);
  const std::string a = "ModifyPrepayInstanceSpec";
  CHECK(lim.CurrentRate(a) == 20);

  lim.OnThrottled(a);
  CHECK(lim.CurrentRate(a) == Approx(14));
  // A burst of throttles from calls already in flight cuts only once a second.
  lim.OnThrottled(a);
  lim.OnThrottled(a);
  CHECK(lim.CurrentRate(a) == Approx(14));
  clock.Advance(1001ms);
  lim.OnThrottled(a);
  CHECK(lim.CurrentRate(a) == Approx(9.8));

  // Recovery: paced successes raise the rate gradually, back to the cap.
  double prev = lim.CurrentRate(a);
  int successes = 0;
  auto t0 = clock.Now();
  while (lim.CurrentRate(a) < 20 && successes < 10000) {
    lim.Acquire(a);
    lim.OnSuccess(a);
    ++successes;
    CHECK(lim.CurrentRate(a) >= prev);
    prev = lim.CurrentRate(a);
  }
  CHECK(lim.CurrentRate(a) == 20);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(clock.Now() - t0).count();
  // From 49% to 100% at +5% of the cap per second: about 10 s, not instantly.
  CHECK(secs >= 8);
  CHECK(secs <= 14);
  lim.OnSuccess(a);
  CHECK(lim.CurrentRate(a) == 20);  // never above the configured rate
}

TEST_CASE("RateLimiter never drops below its floor and can be non-adaptive") {
  VirtualClock clock;
  RateSettings s;
  s.default_qps = 10;
  RateLimiter lim(s, &clock);
  for (int i = 0; i < 100; ++i) {
    lim.OnThrottled("X");
    clock.Advance(2s);
  }
  CHECK(lim.CurrentRate("X") == Approx(10 * RateLimiter::kMinFraction));

  s.adaptive = false;
  RateLimiter fixed(s, &clock);
  fixed.OnThrottled("X");
  CHECK(fixed.CurrentRate("X") == 10);
}
