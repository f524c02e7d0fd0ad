// StsClient: the STS calls respec makes to get temporary credentials,
// AssumeRole (signed with the caller's credentials, RPC signature 1.0) and
// AssumeRoleWithOIDC (anonymous: the OIDC token is the proof), over the same
// HttpTransport, retry policy and redaction as the ECS client.
//
// Endpoint: https://sts.aliyuncs.com, or sts.<region>.aliyuncs.com when a
// region is given (ALIBABA_CLOUD_STS_REGION), sts-vpc.<region>.aliyuncs.com
// with ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED, or any URL (RESPEC_STS_ENDPOINT,
// e.g. the emulator). Plain http is accepted only for a loopback host: the
// answer carries a secret.
//
// Parameters travel in a form body (the OIDC token is long and must not sit
// in a URL a proxy logs). Retries: Throttling, 5xx and transport failures,
// with the ECS retry policy's backoff, at most `max_attempts` attempts.
//
// Errors: Result<Credentials> with the API's code (NoPermission,
// EntityNotExist.Role, AuthenticationFail.OIDCToken.Expired, ...) and a
// message scrubbed of the secret, the token, the OIDC token and the
// signature. A success body that is not the expected JSON is reported
// without quoting it (it holds a secret).
// Threads: safe from any thread. Ownership: owns its transport, borrows the
// clock.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "cloud/credentials.h"
#include "cloud/retry.h"
#include "core/clock.h"
#include "ecs/http_transport.h"

namespace respec::ecs {

struct StsOptions {
  std::string endpoint;  // URL; "" = StsEndpointFor("", false)
  TransportOptions transport;
  RetryPolicy retry;
  int max_attempts = 4;
  int verbosity = 0;
  std::function<void(std::string_view)> log;  // one line per call at verbosity >= 1
};

struct AssumeRoleParams {
  std::string role_arn;
  std::string session_name;  // "" = respec-<unix time>
  int duration_seconds = 3600;
  std::string external_id;   // optional
  std::string policy;        // optional JSON policy narrowing the role
};

struct OidcRoleParams {
  std::string role_arn;
  std::string provider_arn;
  std::string oidc_token;    // never logged
  std::string session_name;
  int duration_seconds = 3600;
  std::string policy;
};

// "https://sts.aliyuncs.com", "https://sts.cn-hangzhou.aliyuncs.com",
// "https://sts-vpc.cn-hangzhou.aliyuncs.com".
std::string StsEndpointFor(const std::string& region, bool vpc);

class StsClient {
 public:
  StsClient(StsOptions options, Clock* clock);

  // Fails early (Status) on an unusable endpoint.
  Status Check() const;

  Result<Credentials> AssumeRole(const Credentials& caller, const AssumeRoleParams& p);
  Result<Credentials> AssumeRoleWithOidc(const OidcRoleParams& p);

  const std::string& endpoint() const { return endpoint_; }

 private:
  Result<Credentials> Call(const std::string& action, std::vector<std::pair<std::string, std::string>> params,
                           const Credentials* signer, const std::string& role_arn,
                           const std::string& extra_secret);

  StsOptions options_;
  std::string endpoint_;
  Clock* clock_;
  HttpTransport transport_;
};

}  // namespace respec::ecs
