// The pieces of the default credential chain (config/credentials_loader.h
// strings them together in Alibaba Cloud's order). Each *Source function
// looks at its own configuration only and answers: not configured (with
// what it looked for), failed (with why, never a value), or a provider.
// The Make* functions build the refreshing providers that talk to STS, the
// ECS metadata service or a credentials URI.
//
// Environment variables (as the official credentials libraries read them):
//   ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / ALIBABA_CLOUD_SECURITY_TOKEN
//   ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN,
//     ALIBABA_CLOUD_OIDC_TOKEN_FILE, ALIBABA_CLOUD_ROLE_SESSION_NAME
//   ALIBABA_CLOUD_PROFILE, ALIBABA_CLOUD_CLI_PROFILE_DISABLED,
//     ALIBABA_CLOUD_CREDENTIALS_FILE
//   ALIBABA_CLOUD_ECS_METADATA (role name), ALIBABA_CLOUD_ECS_METADATA_DISABLED,
//     ALIBABA_CLOUD_IMDSV1_DISABLED
//   ALIBABA_CLOUD_CREDENTIALS_URI
//   ALIBABA_CLOUD_STS_REGION, ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED
// and respec's own: ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION (seconds),
// ALIBABA_CLOUD_ROLE_EXTERNAL_ID, ALIBABA_CLOUD_ROLE_POLICY (explicit role
// assumption), RESPEC_STS_ENDPOINT and RESPEC_ECS_METADATA_ENDPOINT
// (rehearsals against `respec emulator`).
//
// Errors: strings naming the file, profile, field or variable; never a
// value of a secret. Threads: the functions share no state; the providers
// they return are thread-safe (cloud/credentials.h).
// Ownership: providers borrow the context's clock.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cloud/credentials.h"
#include "config/environment.h"
#include "core/clock.h"
#include "ecs/http_transport.h"
#include "ecs/sts_client.h"

namespace respec {

struct ChainContext {
  EnvLookup env;
  std::string home;                  // "" = unknown
  std::string aliyun_profile;        // respec.toml credentialsProfile
  Clock* clock = nullptr;
  ecs::TransportOptions transport;   // timeouts, CA bundle, user agent
  int verbosity = 0;
  std::function<void(std::string_view)> log;

  std::string Get(const char* name) const { return env ? env(name).value_or("") : ""; }
  bool IsTrue(const char* name) const;
  // RESPEC_STS_ENDPOINT, else from ALIBABA_CLOUD_STS_REGION / _VPC_ENDPOINT_ENABLED.
  std::string StsEndpoint() const;
  std::unique_ptr<ecs::StsClient> NewSts() const;
};

struct SourceAttempt {
  enum Kind { kNotConfigured, kFailed, kOk };
  Kind kind = kNotConfigured;
  std::string name;    // "environment AccessKey", "~/.aliyun/config.json profile ci (RamRoleArn)"
  std::string detail;  // why not configured / why it failed
  std::shared_ptr<CredentialsProvider> provider;

  static SourceAttempt NotConfigured(std::string name, std::string why) {
    return {kNotConfigured, std::move(name), std::move(why), nullptr};
  }
  static SourceAttempt Failed(std::string name, std::string why) {
    return {kFailed, std::move(name), std::move(why), nullptr};
  }
  static SourceAttempt Ok(std::string name, std::shared_ptr<CredentialsProvider> p) {
    return {kOk, std::move(name), "", std::move(p)};
  }
};

// The chain's links, in order.
SourceAttempt EnvironmentSource(const ChainContext& ctx);
SourceAttempt OidcEnvironmentSource(const ChainContext& ctx);
SourceAttempt AliyunCliSource(const ChainContext& ctx, std::vector<std::string>* warnings);
SourceAttempt CredentialsFileSource(const ChainContext& ctx);
SourceAttempt EcsMetadataSource(const ChainContext& ctx);
SourceAttempt CredentialsUriSource(const ChainContext& ctx);

// Building blocks.
std::shared_ptr<CredentialsProvider> MakeOidcProvider(const ChainContext& ctx, ecs::OidcRoleParams p,
                                                      std::string token_file, std::string source);
std::shared_ptr<CredentialsProvider> MakeAssumeRoleProvider(const ChainContext& ctx,
                                                            std::shared_ptr<CredentialsProvider> base,
                                                            ecs::AssumeRoleParams p, std::string source);
std::shared_ptr<CredentialsProvider> MakeEcsMetadataProvider(const ChainContext& ctx, std::string role,
                                                             std::string source);
std::shared_ptr<CredentialsProvider> MakeUriProvider(const ChainContext& ctx, std::string uri,
                                                     std::string source);

// A positive integer (DurationSeconds); false otherwise.
bool ParseSeconds(const std::string& text, int* out);

// "respec-<unix seconds>" when `name` is empty.
std::string SessionNameOr(const ChainContext& ctx, const std::string& name);

}  // namespace respec
