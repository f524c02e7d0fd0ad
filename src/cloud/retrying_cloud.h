// RetryingCloud: wraps any Cloud (the ECS client in production, the
// emulator's Model or a fault injector in tests) and applies, around every
// call, the client-side rate limiter and the retry policy.
//
//  - Only retryable categories (IsRetryable: throttled, order in progress,
//    transient) are retried; everything else comes back at once.
//  - Throttling feeds the adaptive limiter (slow down); successes recover it.
//  - StopInstance / StartInstance / RebootInstance: after an AMBIGUOUS
//    failure (timeout, dropped connection: the server may have acted) the
//    instance is re-read with DescribeInstances before repeating; a
//    Stopping/Stopped instance after a lost StopInstance means the stop was
//    accepted, and the call succeeds without a second request.
//  - ModifyPrepayInstanceSpec is retried with the SAME request, hence the
//    same ClientToken, so the server can never place a second order. A
//    request without a ClientToken is refused (kBadRequest) rather than sent.
//  - The retries of one call stop at the policy's deadline.
//
// Time: waits only through Clock::SleepFor, so with a VirtualClock tests run
// instantly. Jitter comes from a seeded RNG, so tests are reproducible.
// Threads: safe to call from many threads at once if the target is.
// Ownership: does not own the target or the clock; owns its limiter.
// Errors are returned unchanged except that action and instance are filled
// in when the target left them empty and the message records the attempts.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cloud/cloud_wrapper.h"
#include "cloud/rate_limiter.h"
#include "cloud/retry.h"
#include "core/clock.h"

namespace respec {

struct CallCounters {
  int64_t calls = 0;         // Cloud method invocations
  int64_t attempts = 0;      // requests sent to the target (>= calls)
  int64_t throttled = 0;     // Throttling answers received
  int64_t order_busy = 0;    // LastOrderProcessing answers received
  int64_t transient = 0;     // transient failures received (5xx, transport, malformed)
  int64_t failed = 0;        // calls that returned an error in the end
  int64_t state_checks = 0;  // DescribeInstances issued to resolve an ambiguous Stop/Start/Reboot
  Millis slept{0};           // total backoff sleep
  Millis paced{0};           // total rate-limiter wait

  CallCounters& operator+=(const CallCounters& o);
};

// One retry decision, for logs and tests.
struct RetryEvent {
  std::string action;
  std::string instance_id;
  std::string code;      // error code that caused the retry
  int attempt = 0;       // the attempt that failed (1-based)
  Millis delay{0};       // sleep before the next attempt
};

class RetryingCloud : public CloudWrapper {
 public:
  RetryingCloud(Cloud* target, const RetryPolicy& policy, const RateSettings& rate, Clock* clock,
                uint64_t seed = std::random_device{}());

  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& r) override;
  Result<DescribeInstanceTypesPage> DescribeInstanceTypes(
      const DescribeInstanceTypesRequest& r) override;
  Result<ResourcesModificationResult> DescribeResourcesModification(
      const ResourcesModificationRequest& r) override;
  Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest& r) override;
  Result<Ack> StopInstance(const std::string& region, const std::string& id, bool force_stop = false) override;
  Result<Ack> StartInstance(const std::string& region, const std::string& id) override;
  Result<Ack> RebootInstance(const std::string& region, const std::string& id) override;
  Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& r) override;
  // The whole request is retried as above; after an ambiguous failure the
  // instances a re-read shows in the action's state count as accepted and
  // only the rest are sent again.
  Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& r) override;

  // Called for each retry (from the calling thread); e.g. the -v log.
  void SetRetryObserver(std::function<void(const RetryEvent&)> observer);

  std::map<std::string, CallCounters> Counters() const;  // per action
  CallCounters Total() const;
  RateLimiter& limiter() { return limiter_; }
  const RetryPolicy& policy() const { return policy_; }

 private:
  Result<Ack> PowerCall(PowerAction op, const std::string& region, const std::string& id, bool force_stop = false);
  // After an ambiguous Stop/Start/Reboot: which of `ids` (at most 100) one
  // DescribeInstances shows in the action's state (it took effect).
  std::set<std::string> AlreadyApplied(PowerAction op, const char* action, const std::string& region,
                                       const std::vector<std::string>& ids, std::string* request_id);

  // `resolve`, when given, runs after an ambiguous failure and its backoff;
  // a value means the first attempt took effect and is the call's result.
  template <class T, class Call>
  Result<T> Run(const char* action, const std::string& instance_id, Call&& call,
                const std::function<std::optional<T>()>& resolve = nullptr);

  double NextUniform();
  void Count(const std::string& action, const std::function<void(CallCounters&)>& f);

  RetryPolicy policy_;
  Clock* clock_;
  RateLimiter limiter_;
  mutable std::mutex mu_;  // rng_, counters_, observer_
  std::mt19937_64 rng_;
  std::map<std::string, CallCounters> counters_;
  std::function<void(const RetryEvent&)> observer_;
};

}  // namespace respec
