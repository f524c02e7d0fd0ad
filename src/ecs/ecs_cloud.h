// EcsCloud: the production Cloud. Each method is one signed ECS API call
// (version 2014-05-26) over HttpTransport, decoded by ecs/decode.h.
//
// Signing: V3 ACS3-HMAC-SHA256 (headers, what current SDKs send) by default,
// or RPC signature 1.0 (HMAC-SHA1 query parameters). With an STS token the
// SecurityToken travels as x-acs-security-token (V3) or SecurityToken (RPC).
// Requests are POST with the parameters in the query string and an empty
// body; RPC requests also carry Format=JSON, V3 requests Accept JSON.
//
// Logging: an optional sink receives one line per call at verbosity >= 1
// (action, instance, HTTP status, RequestId, duration, error code) and the
// business parameters at >= 2. SecurityToken, Signature, Authorization and
// AccessKeySecret never reach a log line or an error message: parameters
// with those names are redacted, and every error message is scrubbed of the
// secret, the token and the request's signature in case a server echoes
// them (the RPC "string to sign" of SignatureDoesNotMatch contains the token).
//
// Ambiguity: besides transport failures (http_transport.h), a
// SignatureNonceUsed answer is marked ambiguous: each call signs with a fresh
// nonce, so it means the request was delivered twice (libcurl resends a
// request whose kept-alive connection died unanswered) and the first copy
// may have been applied.
//
// Credentials: each call asks the CredentialsProvider (cloud/credentials.h)
// for the credentials to sign with, so temporary ones are refreshed during a
// long apply. A call answered InvalidSecurityToken.Expired invalidates them
// and is sent once more with fresh ones.
//
// Threads: every method is safe from many threads at once (the transport
// pools handles; the provider is thread-safe; the rest is immutable after
// construction). The log sink is
// called from the calling thread and must be thread-safe itself.
// Ownership: owns its transport; borrows the clock (timestamps).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cloud/cloud.h"
#include "cloud/credentials.h"
#include "core/clock.h"
#include "ecs/http_transport.h"
#include "ecs/signer.h"

namespace respec::ecs {

enum class SignatureVersion { kV3, kRpc1 };

struct EcsOptions {
  std::string endpoint;  // override for every region; "" = https://ecs.<region>.aliyuncs.com
  SignatureVersion signature = SignatureVersion::kV3;
  TransportOptions transport;
  int verbosity = 0;                              // 0 quiet, 1 one line per call, 2 + parameters
  std::function<void(std::string_view)> log;      // where log lines go; empty = nowhere
};

class EcsCloud : public Cloud {
 public:
  // Fails (nullptr + message) on an unusable endpoint override; a warning
  // (plain http to a non-loopback host) is returned in *warning.
  static std::unique_ptr<EcsCloud> Create(const Credentials& creds, EcsOptions options,
                                          Clock* clock, std::string* error,
                                          std::string* warning);
  static std::unique_ptr<EcsCloud> Create(std::shared_ptr<CredentialsProvider> provider,
                                          EcsOptions options, Clock* clock, std::string* error,
                                          std::string* warning);

  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& req) override;
  Result<DescribeInstanceTypesPage> DescribeInstanceTypes(const DescribeInstanceTypesRequest& req) override;
  Result<ResourcesModificationResult> DescribeResourcesModification(
      const ResourcesModificationRequest& req) override;
  Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest& req) override;
  Result<Ack> StopInstance(const std::string& region, const std::string& instance_id,
                           bool force_stop = false) override;
  Result<Ack> StartInstance(const std::string& region, const std::string& instance_id) override;
  Result<Ack> RebootInstance(const std::string& region, const std::string& instance_id) override;
  Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& req) override;
  Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& req) override;

  const HttpTransport& transport() const { return transport_; }

  // The request a call would send, signed (for tests of the wire format).
  // Returns false with *error when the region has no usable endpoint.
  bool BuildRequest(const std::string& action, const std::string& region, const sign::Params& params,
                    HttpRequest* out, std::string* signature, std::string* error) const;

 private:
  EcsCloud(std::shared_ptr<CredentialsProvider> provider, EcsOptions options, Clock* clock);
  bool BuildRequestWith(const Credentials& creds, const std::string& action,
                        const std::string& region, const sign::Params& params, HttpRequest* out,
                        std::string* signature, std::string* error) const;
  template <class T>
  Result<T> CallOnce(const std::string& action, const std::string& region,
                     const std::string& instance_id, const sign::Params& params,
                     Result<T> (*decode)(const RawResponse&, const CallInfo&));

  // One API call: build, sign, send, log, scrub; the decoder turns the raw
  // response into the typed result.
  template <class T>
  Result<T> Call(const std::string& action, const std::string& region,
                 const std::string& instance_id, const sign::Params& params,
                 Result<T> (*decode)(const RawResponse&, const CallInfo&));
  static std::string Scrub(std::string text, const Credentials& creds, const std::string& signature);
  void Log(int level, const std::string& line) const;

  std::shared_ptr<CredentialsProvider> provider_;
  EcsOptions options_;
  Clock* clock_;
  HttpTransport transport_;
};

}  // namespace respec::ecs
