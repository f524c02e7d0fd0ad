// A named profile from respec.toml: where to send API calls and how hard.
// Loaded by config/config.h; consumed by the CLI to build the Cloud
// (ecs/ecs_cloud.h wrapped in cloud/retrying_cloud.h) and the executor.
#pragma once

#include <map>
#include <string>

#include "cloud/retry_settings.h"

namespace respec {

struct Profile {
  std::string name = "default";
  std::string region;                 // default region when the spec names none
  std::string endpoint;               // "" = https://ecs.<region>.aliyuncs.com
  std::string signature = "v3";       // "v3" (ACS3-HMAC-SHA256) | "v1" (RPC HMAC-SHA1)
  std::string credentials_profile;    // aliyun CLI profile name, "" = its current
  std::string ca_bundle;              // caBundle: PEM CAs for TLS; "" = SSL_CERT_FILE, CURL_CA_BUNDLE, system
  std::string state_dir = ".respec";  // journal and lock
  std::string state_backend;          // "" = state_dir; postgresql://user@host:5432/db (no password)
  int connect_timeout_ms = 5000;
  int request_timeout_ms = 30000;
  int http_concurrency = 16;          // concurrent API calls during apply
  RetrySettings retry;
  RateSettings rate;
};

}  // namespace respec
