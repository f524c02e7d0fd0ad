// Per-action request rate limits, as the API's flow control applies them:
// one token bucket per action, refilled at the action's QPS, holding at most
// one second of requests. A request that finds the bucket empty gets
// Throttling.
// Threads: Admit is safe from any thread (one mutex). Borrows the clock.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace respec::emulator::http {

class Throttle {
 public:
  // `limits`: QPS per action; actions not listed get `default_qps`.
  // A QPS <= 0 means unlimited.
  Throttle(std::map<std::string, double> limits, double default_qps, Clock* clock);

  // True if the request may proceed (and takes a token). On false,
  // *retry_after (when given) is how long until a token is back, rounded up
  // to whole milliseconds: what the gateway sends as x-acs-retry-after.
  bool Admit(const std::string& action, long long* retry_after_ms = nullptr);

 private:
  struct Bucket {
    double tokens = 0;
    double qps = 0;
    TimePoint last;
  };
  std::map<std::string, double> limits_;
  double default_qps_;
  Clock* clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace respec::emulator::http
