#include "ecs/sts_client.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <random>

#include "cloud/error_table.h"
#include "core/timefmt.h"
#include "ecs/decode_reader.h"
#include "ecs/endpoint.h"
#include "ecs/wire.h"

namespace respec::ecs {
namespace {

constexpr const char* kStsVersion = "2015-04-01";

void ScrubAll(std::string* text, std::initializer_list<const std::string*> secrets) {
  for (const std::string* s : secrets) {
    if (!s || s->size() < 4) continue;
    for (const std::string& form : {*s, sign::PercentEncode(*s)})
      for (size_t p = text->find(form); p != std::string::npos; p = text->find(form, p + 4))
        text->replace(p, form.size(), "****");
  }
}

CloudError LocalError(const std::string& code, const std::string& action, std::string message) {
  CloudError e = MakeCloudError(code, action + ": " + message, 0);
  e.http_status = 0;
  e.action = action;
  return e;
}

// The Credentials member of a 2xx answer. Never quotes the body.
Result<Credentials> DecodeCredentials(const std::string& action, const RawResponse& raw,
                                      const std::string& role_arn) {
  auto doc = nlohmann::json::parse(raw.body, nullptr, false);
  auto str = [](const nlohmann::json& o, const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("Credentials") ||
      !doc["Credentials"].is_object())
    return LocalError("Response.Malformed", action,
                      fmt::format("HTTP {} without a Credentials object ({} bytes, not shown: they may "
                                  "hold a secret)", raw.http_status, raw.body.size()));
  const auto& c = doc["Credentials"];
  Credentials out;
  out.access_key_id = str(c, "AccessKeyId");
  out.access_key_secret = str(c, "AccessKeySecret");
  out.security_token = str(c, "SecurityToken");
  out.expiration = ParseUtcTime(str(c, "Expiration"));
  out.role = role_arn;
  if (doc.contains("AssumedRoleUser") && doc["AssumedRoleUser"].is_object()) {
    std::string arn = str(doc["AssumedRoleUser"], "Arn");
    if (!arn.empty()) out.role = arn;
  }
  for (const char* field : {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}) {
    if (str(c, field).empty() || (std::string(field) == "Expiration" && !out.expiration))
      return LocalError("Response.MissingField", action,
                        fmt::format("HTTP {}: Credentials.{} is missing or not a valid value",
                                    raw.http_status, field));
  }
  return out;
}

double UnitRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 1)(rng);
}

}  // namespace

std::string StsEndpointFor(const std::string& region, bool vpc) {
  if (region.empty()) return "https://sts.aliyuncs.com";
  return fmt::format("https://sts{}.{}.aliyuncs.com", vpc ? "-vpc" : "", region);
}

StsClient::StsClient(StsOptions options, Clock* clock)
    : options_(std::move(options)),
      endpoint_(options_.endpoint.empty() ? StsEndpointFor("", false) : options_.endpoint),
      clock_(clock),
      transport_(options_.transport) {}

Status StsClient::Check() const {
  // The answer carries a secret: like a request with a token, plain http
  // is only for loopback.
  EndpointCheck check = ResolveEndpoint(endpoint_, "", /*with_sts_token=*/true);
  if (!check.endpoint) return Status::Invalid("STS endpoint: " + check.error);
  return Status::OK();
}

Result<Credentials> StsClient::AssumeRole(const Credentials& caller, const AssumeRoleParams& p) {
  sign::Params params = {{"RoleArn", p.role_arn},
                         {"RoleSessionName", p.session_name},
                         {"DurationSeconds", std::to_string(p.duration_seconds)}};
  if (!p.external_id.empty()) params.emplace_back("ExternalId", p.external_id);
  if (!p.policy.empty()) params.emplace_back("Policy", p.policy);
  return Call("AssumeRole", std::move(params), &caller, p.role_arn, "");
}

Result<Credentials> StsClient::AssumeRoleWithOidc(const OidcRoleParams& p) {
  sign::Params params = {{"RoleArn", p.role_arn},
                         {"OIDCProviderArn", p.provider_arn},
                         {"OIDCToken", p.oidc_token},
                         {"RoleSessionName", p.session_name},
                         {"DurationSeconds", std::to_string(p.duration_seconds)}};
  if (!p.policy.empty()) params.emplace_back("Policy", p.policy);
  return Call("AssumeRoleWithOIDC", std::move(params), nullptr, p.role_arn, p.oidc_token);
}

Result<Credentials> StsClient::Call(const std::string& action, sign::Params params,
                                    const Credentials* signer, const std::string& role_arn,
                                    const std::string& extra_secret) {
  EndpointCheck check = ResolveEndpoint(endpoint_, "", true);
  if (!check.endpoint) return LocalError("InvalidParameter", action, "STS endpoint: " + check.error);
  const CallInfo info{action, "", ""};
  const auto started = clock_->Now();
  for (int attempt = 1;; ++attempt) {
    sign::Params all = params;
    all.emplace_back("Action", action);
    all.emplace_back("Version", kStsVersion);
    all.emplace_back("Format", "JSON");
    all.emplace_back("Timestamp", FormatUtcSeconds(clock_->Now()));
    all.emplace_back("SignatureNonce", NewNonce());
    std::string signature;
    if (signer) {
      all.emplace_back("AccessKeyId", signer->access_key_id);
      all.emplace_back("SignatureMethod", "HMAC-SHA1");
      all.emplace_back("SignatureVersion", "1.0");
      if (!signer->security_token.empty()) all.emplace_back("SecurityToken", signer->security_token);
      signature = sign::RpcSignature(signer->access_key_secret, sign::RpcStringToSign("POST", all));
      all.emplace_back("Signature", signature);
    }
    HttpRequest req;
    req.method = "POST";
    req.url = check.endpoint->base_url + "/";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    req.body = FormEncode(all);

    Result<RawResponse> raw = transport_.Send(req, info);
    Result<Credentials> result = LocalError("Response.Malformed", action, "no answer");
    if (raw.ok() && raw.value().http_status >= 200 && raw.value().http_status < 300) {
      result = DecodeCredentials(action, raw.value(), role_arn);
    } else if (raw.ok()) {
      detail::Reader r(raw.value(), info);
      r.Parse();
      result = r.failed() ? r.error() : LocalError("Response.Malformed", action, "unexpected answer");
    } else {
      result = raw.error();
    }
    if (result.ok()) {
      if (options_.log && options_.verbosity >= 1)
        options_.log(fmt::format("sts: {} {} -> ok, expires {}", action, role_arn,
                                 FormatUtcSeconds(*result.value().expiration)));
      return result;
    }
    CloudError& e = result.error();
    ScrubAll(&e.message, {signer ? &signer->access_key_secret : nullptr,
                          signer ? &signer->security_token : nullptr, &signature, &extra_secret});
    if (options_.log && options_.verbosity >= 1)
      options_.log(fmt::format("sts: {} {} -> {} (HTTP {}) RequestId={}: {}", action, role_arn, e.code,
                               e.http_status, e.request_id.empty() ? "-" : e.request_id, e.message));
    auto delay = attempt < options_.max_attempts
                     ? RetryDelay(options_.retry, e.category, attempt, UnitRandom())
                     : std::nullopt;
    if (!delay || clock_->Now() - started + *delay > options_.retry.deadline) return result;
    clock_->SleepFor(*delay);
  }
}

}  // namespace respec::ecs
