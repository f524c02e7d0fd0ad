#include "ecs/ecs_cloud.h"

#include <map>

#include <fmt/format.h>

#include <chrono>

#include "cloud/error_table.h"
#include "core/timefmt.h"
#include "ecs/ecs_params.h"
#include "ecs/endpoint.h"
#include "ecs/wire.h"

namespace respec::ecs {
namespace {

constexpr const char* kApiVersion = "2014-05-26";

bool IsSecretName(const std::string& name) {
  static const char* kNames[] = {"Signature", "SecurityToken", "AccessKeySecret", "Authorization",
                                 "x-acs-security-token"};
  for (const char* n : kNames)
    if (name == n) return true;
  return false;
}

void ReplaceAll(std::string* s, const std::string& what) {
  if (what.size() < 4) return;  // too short to be a secret; would mangle text
  for (size_t p = s->find(what); p != std::string::npos; p = s->find(what, p + 4))
    s->replace(p, what.size(), "****");
}

}  // namespace

EcsCloud::EcsCloud(std::shared_ptr<CredentialsProvider> provider, EcsOptions options, Clock* clock)
    : provider_(std::move(provider)), options_(std::move(options)), clock_(clock),
      transport_(options_.transport) {}

std::unique_ptr<EcsCloud> EcsCloud::Create(const Credentials& creds, EcsOptions options,
                                           Clock* clock, std::string* error, std::string* warning) {
  if (creds.empty()) {
    *error = "no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
             "(or configure the aliyun CLI)";
    return nullptr;
  }
  return Create(std::make_shared<StaticProvider>(creds), std::move(options), clock, error, warning);
}

std::unique_ptr<EcsCloud> EcsCloud::Create(std::shared_ptr<CredentialsProvider> provider,
                                           EcsOptions options, Clock* clock, std::string* error,
                                           std::string* warning) {
  if (!options.endpoint.empty()) {
    // A {region} template is checked with a sample region; each call
    // substitutes its own.
    EndpointCheck check = ResolveEndpoint(
        options.endpoint, IsEndpointTemplate(options.endpoint) ? "cn-hangzhou" : "", provider->Temporary());
    if (!check.endpoint) {
      *error = check.error;
      return nullptr;
    }
    if (warning) *warning = check.warning;
  }
  if (options.transport.user_agent.empty())
    options.transport.user_agent = std::string("respec/") + RESPEC_VERSION;
  return std::unique_ptr<EcsCloud>(new EcsCloud(std::move(provider), std::move(options), clock));
}

bool EcsCloud::BuildRequest(const std::string& action, const std::string& region,
                            const sign::Params& params, HttpRequest* out, std::string* signature,
                            std::string* error) const {
  StatusOr<Credentials> creds = provider_->Get();
  if (!creds.ok()) {
    *error = creds.status().message();
    return false;
  }
  return BuildRequestWith(creds.value(), action, region, params, out, signature, error);
}

bool EcsCloud::BuildRequestWith(const Credentials& creds, const std::string& action,
                                const std::string& region, const sign::Params& params,
                                HttpRequest* out, std::string* signature,
                                std::string* error) const {
  EndpointCheck check =
      ResolveEndpoint(options_.endpoint, region, !creds.security_token.empty());
  if (!check.endpoint) {
    *error = check.error;
    return false;
  }
  const Endpoint& ep = *check.endpoint;
  const std::string nonce = NewNonce();
  const std::string timestamp = FormatUtcSeconds(clock_->Now());
  out->method = "POST";
  out->body.clear();
  out->headers.clear();

  if (options_.signature == SignatureVersion::kV3) {
    sign::V3Request v3;
    v3.method = out->method;
    v3.path = "/";
    v3.query = params;
    v3.hashed_payload = Sha256Hex("");
    // Every header sent that the gateway asks to be signed is signed: host,
    // content-type (sent explicitly, or libcurl would add an unsigned
    // application/x-www-form-urlencoded to the POST) and all x-acs-*, as the
    // V3 documentation and the official SDK's openapi-util do.
    v3.headers = {{"host", ep.host_header},
                  {"content-type", "application/x-www-form-urlencoded"},
                  {"x-acs-action", action},
                  {"x-acs-version", kApiVersion},
                  {"x-acs-date", timestamp},
                  {"x-acs-signature-nonce", nonce},
                  {"x-acs-content-sha256", v3.hashed_payload}};
    if (!creds.security_token.empty())
      v3.headers.emplace_back("x-acs-security-token", creds.security_token);
    std::vector<std::string> signed_headers;
    for (const auto& h : v3.headers) signed_headers.push_back(h.first);
    *signature = sign::V3Signature(
        creds.access_key_secret,
        sign::V3StringToSign(sign::V3CanonicalRequest(v3, signed_headers)));
    out->headers = v3.headers;
    out->headers.emplace_back(
        "Authorization", sign::V3Authorization(creds.access_key_id, signed_headers, *signature));
    out->headers.emplace_back("Accept", "application/json");
    out->url = ep.base_url + "/" + (params.empty() ? "" : "?" + FormEncode(params));
  } else {
    sign::Params all = params;
    all.emplace_back("Action", action);
    all.emplace_back("Version", kApiVersion);
    all.emplace_back("Format", "JSON");
    all.emplace_back("AccessKeyId", creds.access_key_id);
    all.emplace_back("SignatureMethod", "HMAC-SHA1");
    all.emplace_back("SignatureVersion", "1.0");
    all.emplace_back("SignatureNonce", nonce);
    all.emplace_back("Timestamp", timestamp);
    if (!creds.security_token.empty()) all.emplace_back("SecurityToken", creds.security_token);
    *signature = sign::RpcSignature(creds.access_key_secret, sign::RpcStringToSign(out->method, all));
    all.emplace_back("Signature", *signature);
    out->url = ep.base_url + "/?" + FormEncode(all);
  }
  return true;
}

std::string EcsCloud::Scrub(std::string text, const Credentials& creds,
                            const std::string& signature) {
  const std::string& token = creds.security_token;
  for (const std::string& s :
       {creds.access_key_secret, token, sign::PercentEncode(token),
        sign::PercentEncode(sign::PercentEncode(token)), signature, sign::PercentEncode(signature),
        sign::PercentEncode(sign::PercentEncode(signature))}) {
    if (!s.empty()) ReplaceAll(&text, s);
  }
  return text;
}

void EcsCloud::Log(int level, const std::string& line) const {
  if (options_.log && options_.verbosity >= level) options_.log(line);
}

template <class T>
Result<T> EcsCloud::Call(const std::string& action, const std::string& region,
                         const std::string& instance_id, const sign::Params& params,
                         Result<T> (*decode)(const RawResponse&, const CallInfo&)) {
  Result<T> result = CallOnce<T>(action, region, instance_id, params, decode);
  if (result.ok() || result.error().code != "InvalidSecurityToken.Expired") return result;
  // The token expired between signing and checking (or the clocks differ):
  // fetch fresh credentials and send the call once more.
  provider_->Invalidate();
  Log(1, fmt::format("ecs: {} met InvalidSecurityToken.Expired; refreshing the credentials and "
                     "retrying once", action));
  return CallOnce<T>(action, region, instance_id, params, decode);
}

template <class T>
Result<T> EcsCloud::CallOnce(const std::string& action, const std::string& region,
                             const std::string& instance_id, const sign::Params& params,
                             Result<T> (*decode)(const RawResponse&, const CallInfo&)) {
  const CallInfo info{action, instance_id, region};
  HttpRequest req;
  std::string signature, error;
  const std::string subject = instance_id.empty() ? region : instance_id + " " + region;
  if (options_.verbosity >= 2) {
    std::string shown;
    for (const auto& [k, v] : params)
      shown += fmt::format(" {}={}", k, IsSecretName(k) ? "****" : v);
    Log(2, fmt::format("ecs: > {} {} params:{}", action, subject, shown.empty() ? " (none)" : shown));
  }
  StatusOr<Credentials> creds = provider_->Get();
  if (!creds.ok()) {
    CloudError e = MakeCloudError("Credentials.Unavailable", action + ": " + creds.status().message(), 0);
    e.http_status = 0;
    e.category = ErrorCategory::kAuth;
    e.action = action;
    e.instance_id = instance_id;
    Log(1, fmt::format("ecs: {} {} -> not sent: {}", action, subject, creds.status().message()));
    return e;
  }
  if (!BuildRequestWith(creds.value(), action, region, params, &req, &signature, &error)) {
    CloudError e = MakeCloudError("InvalidParameter", action + ": " + error, 0);
    e.http_status = 0;
    e.category = ErrorCategory::kBadRequest;
    e.action = action;
    e.instance_id = instance_id;
    Log(1, fmt::format("ecs: {} {} -> not sent: {}", action, subject, error));
    return e;
  }
  const auto t0 = std::chrono::steady_clock::now();
  Result<RawResponse> raw = transport_.Send(req, info);
  Result<T> result = raw.ok() ? decode(raw.value(), info) : Result<T>(raw.error());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0).count();
  if (result.ok()) {
    Log(1, fmt::format("ecs: {} {} -> HTTP {} RequestId={} {} ms", action, subject,
                       raw.value().http_status, result.value().request_id, ms));
    return result;
  }
  CloudError& e = result.error();
  e.message = Scrub(std::move(e.message), creds.value(), signature);
  if (raw.ok()) e.retry_after_ms = raw.value().retry_after_ms;
  if (e.code == "SignatureNonceUsed") {
    // Every call signs with a fresh nonce, so the server saw this very
    // request before: libcurl resends a request whose kept-alive connection
    // died without an answer. The first copy may have been applied.
    e.ambiguous = true;
    e.message += " (the request was delivered twice; the first copy may have taken effect)";
  }
  Log(1, fmt::format("ecs: {} {} -> {} (HTTP {}) RequestId={} {} ms: {}", action, subject, e.code,
                     e.http_status, e.request_id.empty() ? "-" : e.request_id, ms, e.message));
  return result;
}

}  // namespace respec::ecs

// --- The calls ---

namespace respec::ecs {

Result<DescribeInstancesPage> EcsCloud::DescribeInstances(const DescribeInstancesRequest& req) {
  if (req.instance_ids.size() > 100) {
    // The API refuses more; callers batch (see cloud.h).
    CloudError e = MakeCloudError(
        "InvalidParameter",
        "DescribeInstances: at most 100 InstanceIds per call, got " +
            std::to_string(req.instance_ids.size()) + "; split the IDs into batches",
        0);
    e.http_status = 0;
    e.action = "DescribeInstances";
    return e;
  }
  return Call<DescribeInstancesPage>("DescribeInstances", req.region, "",
                                     DescribeInstancesParams(req), &DecodeDescribeInstances);
}

Result<DescribeInstanceTypesPage> EcsCloud::DescribeInstanceTypes(
    const DescribeInstanceTypesRequest& req) {
  return Call<DescribeInstanceTypesPage>("DescribeInstanceTypes", req.region, "",
                                         DescribeInstanceTypesParams(req),
                                         &DecodeDescribeInstanceTypes);
}

Result<ResourcesModificationResult> EcsCloud::DescribeResourcesModification(
    const ResourcesModificationRequest& req) {
  return Call<ResourcesModificationResult>("DescribeResourcesModification", req.region,
                                           req.instance_id, ResourcesModificationParams(req),
                                           &DecodeResourcesModification);
}

Result<Price> EcsCloud::DescribeInstanceModificationPrice(const ModificationPriceRequest& req) {
  return Call<Price>("DescribeInstanceModificationPrice", req.region, req.instance_id,
                     ModificationPriceParams(req), &DecodeModificationPrice);
}

Result<Ack> EcsCloud::StopInstance(const std::string& region, const std::string& id, bool force_stop) {
  return Call<Ack>("StopInstance", region, id, StopParams(id, force_stop), &DecodeAck);
}

Result<Ack> EcsCloud::StartInstance(const std::string& region, const std::string& id) {
  return Call<Ack>("StartInstance", region, id, PowerParams(id), &DecodeAck);
}

Result<Ack> EcsCloud::RebootInstance(const std::string& region, const std::string& id) {
  return Call<Ack>("RebootInstance", region, id, PowerParams(id), &DecodeAck);
}

Result<PowerBatchResult> EcsCloud::PowerBatch(const PowerBatchRequest& req) {
  const char* action = PowerBatchActionName(req.action);
  auto got = Call<PowerBatchResult>(action, req.region, "", PowerBatchParams(req), &DecodePowerBatch);
  if (!got.ok()) return got;
  // One entry per requested instance, in request order; an instance the
  // answer left out may have been acted on.
  std::map<std::string, InstancePowerResult> by_id;
  for (auto& one : got->instances) by_id.emplace(one.instance_id, std::move(one));
  PowerBatchResult out;
  out.request_id = got->request_id;
  for (const auto& id : req.instance_ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) {
      out.instances.push_back(std::move(it->second));
      continue;
    }
    out.instances.push_back(LeftOutOfAnswer(req.action, id, out.request_id));
  }
  return out;
}

Result<ModifyPrepaySpecResult> EcsCloud::ModifyPrepayInstanceSpec(
    const ModifyPrepaySpecRequest& req) {
  return Call<ModifyPrepaySpecResult>("ModifyPrepayInstanceSpec", req.region, req.instance_id,
                                      ModifyPrepayParams(req), &DecodeModifyPrepay);
}

}  // namespace respec::ecs
