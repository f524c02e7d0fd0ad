// How hard the cloud layer retries and how fast it calls: the settings
// RetryingCloud (cloud/retrying_cloud.h), its retry policy (cloud/retry.h)
// and rate limiter (cloud/rate_limiter.h) take. They live in cloud/, which
// config/ builds on: a respec.toml profile (config/profile.h) fills them.
// Threads: values.
#pragma once

#include <map>
#include <string>

namespace respec {

struct RetrySettings {
  int max_attempts = 8;               // per call, including the first
  int base_delay_ms = 200;            // exponential backoff base, full jitter
  int max_delay_ms = 20000;           // cap of one backoff
  int deadline_ms = 600000;           // overall deadline for one call with its retries
  int last_order_delay_ms = 5000;     // LastOrderProcessing: the order takes 5-10 s to settle
  int last_order_max_attempts = 12;
};

struct RateSettings {
  double default_qps = 20;                    // per action, client side token bucket
  std::map<std::string, double> action_qps;   // overrides, e.g. {"DescribeInstances": 50}
  bool adaptive = true;                       // slow down on Throttling, recover when it stops
};

}  // namespace respec
