#include "emulator/http/throttle.h"

#include <algorithm>
#include <cmath>

namespace respec::emulator::http {

Throttle::Throttle(std::map<std::string, double> limits, double default_qps, Clock* clock)
    : limits_(std::move(limits)), default_qps_(default_qps), clock_(clock) {}

bool Throttle::Admit(const std::string& action, long long* retry_after_ms) {
  TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> l(mu_);
  auto [it, fresh] = buckets_.try_emplace(action);
  Bucket& b = it->second;
  if (fresh) {
    auto lim = limits_.find(action);
    b.qps = lim != limits_.end() ? lim->second : default_qps_;
    b.tokens = std::max(1.0, b.qps);  // a full second's burst to start with
    b.last = now;
  }
  if (b.qps <= 0) return true;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min(std::max(1.0, b.qps), b.tokens + elapsed * b.qps);
    b.last = now;
  }
  if (b.tokens < 1.0) {
    if (retry_after_ms) *retry_after_ms = static_cast<long long>(std::ceil((1.0 - b.tokens) / b.qps * 1000.0));
    return false;
  }
  b.tokens -= 1.0;
  return true;
}

}  // namespace respec::emulator::http
