#include "cloud/rate_limiter.h"

#include <algorithm>

namespace respec {
namespace {

using Nanos = std::chrono::nanoseconds;

Nanos Interval(double rate) {
  return Nanos(static_cast<long long>(1e9 / std::max(rate, 1e-3)));
}

// Calls allowed back to back after an idle spell: a fifth of a second's worth,
// at least one, so paging and bursts of independent steps start promptly
// without a thundering herd.
double Burst(double rate) { return std::max(1.0, rate * 0.2); }

}  // namespace

RateLimiter::RateLimiter(const RateSettings& settings, Clock* clock)
    : settings_(settings), clock_(clock) {}

RateLimiter::Bucket& RateLimiter::BucketFor(const std::string& action) const {
  auto it = buckets_.find(action);
  if (it != buckets_.end()) return it->second;
  Bucket b;
  auto q = settings_.action_qps.find(action);
  double qps = q != settings_.action_qps.end() ? q->second : settings_.default_qps;
  b.max_rate = b.rate = qps > 0 ? qps : 1.0;
  return buckets_.emplace(action, b).first->second;
}

Millis RateLimiter::Acquire(const std::string& action) {
  Nanos wait{0};
  {
    std::lock_guard<std::mutex> l(mu_);
    Bucket& b = BucketFor(action);
    TimePoint now = clock_->Now();
    Nanos interval = Interval(b.rate);
    // GCRA: a call may start once now >= next_free - (burst - 1) * interval.
    auto tolerance = std::chrono::duration_cast<Nanos>(interval * (Burst(b.rate) - 1.0));
    TimePoint earliest = b.next_free - tolerance;
    TimePoint start = std::max(now, earliest);
    b.next_free = std::max(b.next_free, start) + interval;
    wait = std::chrono::duration_cast<Nanos>(start - now);
  }
  if (wait <= Nanos(0)) return Millis(0);
  // Round up: sleeping short would start the call before its slot.
  Millis ms = std::chrono::ceil<Millis>(wait);
  clock_->SleepFor(ms);
  return ms;
}

void RateLimiter::OnThrottled(const std::string& action) {
  if (!settings_.adaptive) return;
  std::lock_guard<std::mutex> l(mu_);
  Bucket& b = BucketFor(action);
  TimePoint now = clock_->Now();
  if (b.cut_before && now - b.last_cut < std::chrono::seconds(1)) return;
  b.rate = std::max(b.max_rate * kMinFraction, b.rate * kDecrease);
  b.last_cut = now;
  b.cut_before = true;
  // Push the schedule back so the calls queued at the old rate spread out.
  b.next_free = std::max(b.next_free, now + Interval(b.rate));
}

void RateLimiter::OnSuccess(const std::string& action) {
  if (!settings_.adaptive) return;
  std::lock_guard<std::mutex> l(mu_);
  Bucket& b = BucketFor(action);
  if (b.rate >= b.max_rate) return;
  // r successes happen per second at rate r, so each adds step / r.
  b.rate = std::min(b.max_rate, b.rate + b.max_rate * kRecoveryPerSecond / b.rate);
}

double RateLimiter::CurrentRate(const std::string& action) const {
  std::lock_guard<std::mutex> l(mu_);
  return BucketFor(action).rate;
}

double RateLimiter::ConfiguredRate(const std::string& action) const {
  std::lock_guard<std::mutex> l(mu_);
  return BucketFor(action).max_rate;
}

}  // namespace respec
