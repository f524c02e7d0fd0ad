#include "cloud/retry.h"

#include <algorithm>
#include <cmath>

#include "cloud/error_table.h"

namespace respec {

RetryPolicy RetryPolicy::From(const RetrySettings& s) {
  RetryPolicy p;
  p.max_attempts = std::max(1, s.max_attempts);
  p.base_delay = Millis(std::max(0, s.base_delay_ms));
  p.max_delay = Millis(std::max(s.base_delay_ms, s.max_delay_ms));
  p.deadline = Millis(std::max(0, s.deadline_ms));
  p.last_order_delay = Millis(std::max(0, s.last_order_delay_ms));
  p.last_order_max_attempts = std::max(1, s.last_order_max_attempts);
  return p;
}

int MaxAttemptsFor(const RetryPolicy& p, ErrorCategory c) {
  return c == ErrorCategory::kOrderInProgress ? p.last_order_max_attempts : p.max_attempts;
}

std::optional<Millis> RetryDelay(const RetryPolicy& p, ErrorCategory c, int failed_attempt,
                                 double unit_random) {
  if (!IsRetryable(c) || failed_attempt >= MaxAttemptsFor(p, c)) return std::nullopt;
  double u = std::clamp(unit_random, 0.0, 1.0);
  if (c == ErrorCategory::kOrderInProgress) {
    // Not full jitter: an early retry is certain to fail again.
    double ms = static_cast<double>(p.last_order_delay.count()) * (1.0 + u);
    return Millis(static_cast<long long>(ms));
  }
  // Cap the exponent before shifting so large attempt numbers cannot overflow.
  int exp = std::clamp(failed_attempt - 1, 0, 30);
  double cap = std::min(static_cast<double>(p.max_delay.count()),
                        static_cast<double>(p.base_delay.count()) * std::ldexp(1.0, exp));
  return Millis(static_cast<long long>(cap * u));
}

Millis HonourRetryAfter(const RetryPolicy& p, const CloudError& e, Millis delay) {
  if (e.retry_after_ms < 0) return delay;
  Millis asked = std::min(Millis(e.retry_after_ms), p.max_retry_after);
  return std::max(delay, asked);
}

}  // namespace respec
