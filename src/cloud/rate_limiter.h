// RateLimiter: client-side pacing of ECS calls, one token bucket per action
// (Alibaba Cloud throttles per API), sized from the profile's RateSettings.
//
// Adaptive (AIMD, like TCP congestion control): a Throttling answer cuts the
// action's rate to 70% (at most once per second, since the calls already in
// flight were sent at the old rate and will be throttled too); every success
// adds a little back, so a whole second of successes at rate r raises it by
// 5% of the configured rate. A fleet-wide apply thus settles just under the
// account's real limit instead of hammering it, and recovers when the
// pressure goes away.
//
// Threads: all methods are safe from any thread. Acquire reserves a slot
// under a short lock and sleeps (through the Clock) without holding it.
// Ownership: does not own the Clock.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "cloud/retry_settings.h"
#include "core/clock.h"

namespace respec {

class RateLimiter {
 public:
  RateLimiter(const RateSettings& settings, Clock* clock);

  // Waits until `action` may be called; returns how long it waited.
  Millis Acquire(const std::string& action);
  void OnThrottled(const std::string& action);
  void OnSuccess(const std::string& action);

  // Calls per second allowed for `action` right now.
  double CurrentRate(const std::string& action) const;
  // The configured (maximum) rate for `action`.
  double ConfiguredRate(const std::string& action) const;

  static constexpr double kDecrease = 0.7;           // multiplicative cut on Throttling
  static constexpr double kRecoveryPerSecond = 0.05;  // of the configured rate
  static constexpr double kMinFraction = 0.02;        // never below 2% of configured

 private:
  struct Bucket {
    double max_rate = 1;
    double rate = 1;
    TimePoint next_free{};      // when the next call may start (GCRA)
    TimePoint last_cut{};
    bool cut_before = false;
  };
  Bucket& BucketFor(const std::string& action) const;  // requires mu_

  RateSettings settings_;
  Clock* clock_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Bucket> buckets_;  // created on first use
};

}  // namespace respec
