// The client's wire harness, shared by tests/ecs/*_test.cc: an EcsCloud
// (test credentials, no secret in any log) against a MiniServer on
// 127.0.0.1, and helpers that read back the query string each request
// carried. Owns the server and the client; single-threaded tests only.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ecs/ecs_cloud.h"
#include "mini_server.h"

namespace respec::ecs::testing {

using respec::testing::MiniServer;
using respec::testing::Reply;
using respec::testing::SeenRequest;

inline const char* kSecret = "S3cr3t-AccessKeySecret-value";
inline const char* kToken = "CAIS+sts/token==with/odd&chars";

inline Credentials Creds(bool sts = false) {
  Credentials c;
  c.access_key_id = "LTAI5tTestKeyId01";
  c.access_key_secret = kSecret;
  if (sts) c.security_token = kToken;
  c.source = "test";
  return c;
}

inline std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

inline sign::Params Query(const std::string& target) {
  sign::Params out;
  size_t q = target.find('?');
  if (q == std::string::npos) return out;
  std::string rest = target.substr(q + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    size_t amp = rest.find('&', pos);
    if (amp == std::string::npos) amp = rest.size();
    std::string kv = rest.substr(pos, amp - pos);
    size_t eq = kv.find('=');
    if (!kv.empty()) out.emplace_back(Decode(kv.substr(0, eq)), eq == std::string::npos ? "" : Decode(kv.substr(eq + 1)));
    pos = amp + 1;
  }
  return out;
}

inline std::string Get(const sign::Params& p, const std::string& k) {
  for (const auto& kv : p)
    if (kv.first == k) return kv.second;
  return "<absent>";
}

struct Harness {
  explicit Harness(MiniServer::Handler h, SignatureVersion v = SignatureVersion::kV3, bool sts = false,
                   int verbosity = 0)
      : server(std::move(h)) {
    EcsOptions o;
    o.endpoint = server.url();
    o.signature = v;
    o.transport.connect_timeout = Millis(2000);
    o.transport.total_timeout = Millis(3000);
    o.verbosity = verbosity;
    o.log = [this](std::string_view line) {
      std::lock_guard<std::mutex> l(mu);
      log.emplace_back(line);
    };
    std::string err, warn;
    cloud = EcsCloud::Create(Creds(sts), o, &clock, &err, &warn);
    REQUIRE(cloud);
    CHECK(warn.empty());  // loopback http: no warning
  }
  MiniServer server;  // declared first: outlives the client's connections
  SystemClock clock;
  std::mutex mu;
  std::vector<std::string> log;
  std::unique_ptr<EcsCloud> cloud;
};

inline Reply Ok(const std::string& body) {
  Reply r;
  r.body = body;
  return r;
}


}  // namespace respec::ecs::testing
