// Test fixture for the emulator's HTTP door: a Model on a VirtualClock behind
// a real Server on a free loopback port, and a libcurl client that signs
// requests with ecs/signer.h (RPC 1.0 or V3), with knobs to break each part
// of a signature on purpose. Nothing sleeps: time moves by Advance().
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/timefmt.h"
#include "ecs/signer.h"
#include "emulator/http/api.h"
#include "emulator/http/server.h"
#include "emulator/model.h"
#include "emulator/world.h"

namespace respec::emulator::http::testing {

inline constexpr const char* kKeyId = "LTAItestkey0001";
inline constexpr const char* kSecret = "test-secret-do-not-print";
inline constexpr const char* kStsKeyId = "STS.testkey0002";
inline constexpr const char* kStsSecret = "sts-secret";
inline constexpr const char* kStsToken = "sts-token-abc";

// Three PrePaid instances in cn-hangzhou-h: i-run (Running, g7.xlarge),
// i-stopped (Stopped, g7.2xlarge), i-eip (Running, with an EIP and tags).
World TestWorld();
// A PrePaid vpc instance in cn-hangzhou-h, expiring 2027-06-01, with a plain image.
WorldInstance MakeInstance(const std::string& id, const std::string& type, const std::string& status,
                           int cpu, int mem_gib);

struct Reply {
  CURLcode curl = CURLE_OK;
  long status = 0;
  std::string content_type;
  std::string retry_after;  // the x-acs-retry-after header, "" when absent
  std::string body;
  long new_connections = 0;  // connections curl opened for this request
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string Code() const;  // JSON error Code, or ""
};

struct SignOptions {
  std::string method = "GET";        // GET | POST (RPC: POST sends a form body)
  std::string secret = kSecret;
  std::string key_id = kKeyId;
  std::string nonce;                 // empty: a fresh one
  std::string timestamp;             // empty: the fixture clock's now
  std::string security_token;        // sent when non-empty
  std::string format;                // RPC Format parameter, empty = omitted
  std::string version = "2014-05-26";
  bool omit_signature = false;
  std::vector<std::string> omit_params;  // RPC common params / V3 headers to leave out
  std::string tamper_body;           // V3: body actually sent instead of the signed one
  std::string v3_algorithm = "ACS3-HMAC-SHA256";
  bool v3_form_body = false;         // V3: parameters in a form body instead of the query
  std::vector<std::pair<std::string, std::string>> extra_headers;  // sent, not signed
  // A new connection: libcurl silently resends a request whose reused
  // connection closed unanswered, which would hide a dropped answer.
  bool fresh_connection = false;
};

class HttpFixture {
 public:
  explicit HttpFixture(World world = TestWorld(), ApiOptions options = DefaultOptions());
  ~HttpFixture();

  static ApiOptions DefaultOptions();  // unlimited QPS, no faults

  Reply Rpc(const std::string& action, sign::Params params, SignOptions o = {});
  Reply V3(const std::string& action, sign::Params params, SignOptions o = {});
  Reply Get(const std::string& path);
  Reply Raw(const std::string& method, const std::string& target,
            const std::vector<std::string>& headers, const std::string& body);

  nlohmann::json Instance(const std::string& id);  // from /_emulator/instances

  VirtualClock clock;
  std::unique_ptr<Model> model;
  std::unique_ptr<Api> api;
  std::unique_ptr<Server> server;
  uint16_t port = 0;

 private:
  bool fresh_ = false;
  Reply Perform(const std::string& method, const std::string& url,
                const std::vector<std::string>& headers, const std::string& body);
  std::string NextNonce();
  CURL* curl_ = nullptr;
  std::atomic<int> nonce_{0};
};

}  // namespace respec::emulator::http::testing
