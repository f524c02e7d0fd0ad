// RetryPolicy: how long and how often one Cloud call is retried, and the
// delay before each retry. Exponential backoff with FULL jitter (a uniform
// draw in [0, min(max_delay, base * 2^(n-1))]) for throttling and transient
// failures, so many workers that failed together do not retry together; a
// separate, longer pacing for LastOrderProcessing, whose cause (the previous
// order) takes 5-10 s to settle no matter how fast we ask.
//
// Pure value type and pure functions: thread-safe, no clock, no RNG state of
// its own (the caller passes the uniform draw, so tests pin the jitter).
#pragma once

#include <optional>

#include "cloud/error.h"
#include "cloud/retry_settings.h"
#include "core/clock.h"

namespace respec {

struct RetryPolicy {
  int max_attempts = 8;              // per call, including the first
  Millis base_delay{200};
  Millis max_delay{20000};
  Millis deadline{600000};           // the whole call with its retries
  Millis last_order_delay{5000};     // LastOrderProcessing: wait this plus up to as much again
  int last_order_max_attempts = 12;
  Millis max_retry_after{120000};    // cap on the gateway's x-acs-retry-after (the SDKs' 120 s)

  static RetryPolicy From(const RetrySettings& s);
};

// Attempts allowed for a call whose latest failure had category `c`.
int MaxAttemptsFor(const RetryPolicy& p, ErrorCategory c);

// Delay before attempt `failed_attempt + 1`, after attempt `failed_attempt`
// (1-based) failed with category `c`. `unit_random` is a uniform draw in
// [0, 1). Returns nullopt when `c` is not retryable or the attempts for `c`
// are used up. The deadline is the caller's to check (it needs a clock).
std::optional<Millis> RetryDelay(const RetryPolicy& p, ErrorCategory c, int failed_attempt,
                                 double unit_random);

// The delay for a retryable error that carried the gateway's
// x-acs-retry-after (e.retry_after_ms >= 0): never sooner than the gateway
// asked, capped at p.max_retry_after. Otherwise `delay` unchanged.
Millis HonourRetryAfter(const RetryPolicy& p, const CloudError& e, Millis delay);

}  // namespace respec
