// An emulator with the STS and metadata doors for the identity tests: a
// generated fleet, one AccessKey, a deployer role (trusting that key and a
// GitHub-like OIDC provider), a chained role (trusting the deployer role), an
// instance role, and a tiny credentials-URI server issuing through the STS
// door. All on 127.0.0.1; stopped by the destructor. Also: a scratch HOME
// (removed by the destructor) and a JWT maker (the emulator checks claims,
// not signatures).
#pragma once

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "config/environment.h"
#include "core/timefmt.h"
#include "emulator/http/api.h"
#include "emulator/http/metadata_door.h"
#include "emulator/http/server.h"
#include "emulator/model.h"
#include "emulator/world.h"

namespace respec::identity_test {

namespace eh = respec::emulator::http;

inline const char* kKeyId = "LTAI5tIdentityKey0001";
inline const char* kSecret = "identity-e2e-secret-0001";
inline const char* kDeployer = "acs:ram::1000000000000001:role/respec-deployer";
inline const char* kChained = "acs:ram::1000000000000001:role/respec-chained";
inline const char* kOidcProvider = "acs:ram::1000000000000001:oidc-provider/github";
inline const char* kIssuer = "https://token.actions.githubusercontent.com";

inline std::string B64Url(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

// A JWT whose claims the STS door checks; `exp_offset` seconds from now.
inline std::string Jwt(long exp_offset, const std::string& aud = "sts.aliyuncs.com",
                       const std::string& iss = kIssuer) {
  long now = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch()).count());
  std::string payload = "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud +
                        "\",\"sub\":\"repo:example/fleet:ref:refs/heads/main\",\"exp\":" +
                        std::to_string(now + exp_offset) + "}";
  return B64Url("{\"alg\":\"RS256\",\"kid\":\"k1\"}") + "." + B64Url(payload) + ".c2lnbmF0dXJlLXNlY3JldA";
}

struct IdentityEmulator {
  explicit IdentityEmulator(int instances = 20, int lifetime_seconds = 0, double time_scale = 1) {
    emulator::World w = emulator::GenerateWorld(instances, 7);
    w.keys.push_back(emulator::AccessKey{kKeyId, kSecret, ""});
    w.sts.credential_lifetime_seconds = lifetime_seconds;
    w.sts.instance_role = "respec-runner";
    w.sts.oidc_providers.push_back({kOidcProvider, kIssuer, {"sts.aliyuncs.com"}});
    w.sts.roles.push_back({kDeployer, {kKeyId}, {kOidcProvider}, 3600});
    w.sts.roles.push_back({kChained, {kDeployer}, {}, 3600});
    eh::ApiOptions o;
    o.default_qps = 0;
    o.sts = w.sts;
    model_clock = std::make_unique<ScaledClock>(time_scale);
    model = std::make_unique<emulator::Model>(w, model_clock.get());
    api = std::make_unique<eh::Api>(model.get(), &wall, o);
    std::string error;
    eh::ServerOptions so;
    server = std::make_unique<eh::Server>(api.get(), so);
    REQUIRE(server->Start(&error));
    metadata = std::make_unique<eh::MetadataDoor>(api->sts(), &wall);
    eh::MetadataDoor* door = metadata.get();
    metadata_server = std::make_unique<eh::Server>([door](const eh::RawRequest& r) { return door->Handle(r); }, so);
    REQUIRE(metadata_server->Start(&error));
    eh::StsDoor* sts = api->sts();
    uri_server = std::make_unique<eh::Server>(
        [sts, this](const eh::RawRequest&) {
          ++uri_requests;
          auto k = sts->Issue(kDeployer, 3600);
          eh::ApiResponse r;
          r.content_type = "application/json";
          r.body = eh::Json{{"Code", "Success"}, {"AccessKeyId", k->id}, {"AccessKeySecret", k->secret},
                            {"SecurityToken", k->security_token},
                            {"Expiration", FormatUtcSeconds(*k->expires)}}.dump();
          return r;
        },
        so);
    REQUIRE(uri_server->Start(&error));
    home = std::filesystem::temp_directory_path() /
           ("respec-identity-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(home / ".aliyun");
    std::filesystem::create_directories(home / ".alibabacloud");
  }
  ~IdentityEmulator() {
    uri_server->Stop();
    metadata_server->Stop();
    server->Stop();
    std::error_code ec;
    std::filesystem::remove_all(home, ec);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  std::string metadata_url() const { return "http://127.0.0.1:" + std::to_string(metadata_server->port()); }
  std::string uri_url() const { return "http://127.0.0.1:" + std::to_string(uri_server->port()) + "/creds"; }

  // The environment every chain test starts from: no credentials, the doors
  // of this emulator, the metadata service off unless asked for.
  std::map<std::string, std::string> BaseEnv(bool metadata_on = false) const {
    std::map<std::string, std::string> env = {{"HOME", home.string()},
                                              {"RESPEC_STS_ENDPOINT", url()},
                                              {"RESPEC_ECS_METADATA_ENDPOINT", metadata_url()}};
    if (!metadata_on) env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true";
    return env;
  }

  std::string WriteFile(const std::string& rel, const std::string& text) const {
    std::filesystem::path p = home / rel;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return p.string();
  }

  SystemClock wall;
  std::unique_ptr<Clock> model_clock;
  std::unique_ptr<emulator::Model> model;
  std::unique_ptr<eh::Api> api;
  std::unique_ptr<eh::Server> server;
  std::unique_ptr<eh::MetadataDoor> metadata;
  std::unique_ptr<eh::Server> metadata_server;
  std::unique_ptr<eh::Server> uri_server;
  std::atomic<int> uri_requests{0};
  std::filesystem::path home;
};

}  // namespace respec::identity_test
