#include "emulator/http/auth.h"

#include <algorithm>
#include <openssl/crypto.h>

#include "cloud/error_table.h"
#include "core/timefmt.h"
#include "ecs/signer.h"

namespace respec::emulator::http {
namespace {

constexpr size_t kMaxRememberedNonces = 1'000'000;

bool SameSecretDerived(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

CloudError SignatureMismatch(const std::string& string_to_sign) {
  return MakeCloudError("SignatureDoesNotMatch",
                        "Specified signature is not matched with our calculation. server string to "
                        "sign is:" + string_to_sign);
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

struct V3Authorization {
  std::string algorithm, credential, signature;
  std::vector<std::string> signed_headers;
};

// "ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=hex"
std::optional<V3Authorization> ParseV3Authorization(const std::string& header) {
  V3Authorization out;
  size_t sp = header.find(' ');
  if (sp == std::string::npos) return std::nullopt;
  out.algorithm = header.substr(0, sp);
  std::string_view rest(header);
  rest.remove_prefix(sp + 1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string::npos) return std::nullopt;
    std::string k = item.substr(0, eq), v = item.substr(eq + 1);
    if (k == "Credential") {
      out.credential = v;
    } else if (k == "SignedHeaders") {
      size_t pos = 0;
      while (pos <= v.size()) {
        size_t semi = v.find(';', pos);
        if (semi == std::string::npos) semi = v.size();
        if (semi > pos) out.signed_headers.push_back(v.substr(pos, semi - pos));
        pos = semi + 1;
      }
    } else if (k == "Signature") {
      out.signature = v;
    }
  }
  if (out.credential.empty() || out.signature.empty() || out.signed_headers.empty())
    return std::nullopt;
  return out;
}

}  // namespace

std::vector<std::string> SignedHeaderNames(const RawRequest& req) {
  const std::string* h = req.Header("authorization");
  if (!h) return {};
  auto auth = ParseV3Authorization(*h);
  return auth ? auth->signed_headers : std::vector<std::string>{};
}

Authenticator::Authenticator(KeyLookup keys, Clock* wall_clock)
    : keys_(std::move(keys)), clock_(wall_clock) {}

std::optional<CloudError> Authenticator::Verify(const RawRequest& req, const ApiCall& call) {
  const AccessKey* key = nullptr;
  return Verify(req, call, &key);
}

std::optional<CloudError> Authenticator::Verify(const RawRequest& req, const ApiCall& call,
                                                const AccessKey** key) {
  return call.scheme == SignatureScheme::kV3 ? VerifyV3(req, call, key) : VerifyRpc(req, call, key);
}

std::optional<CloudError> Authenticator::CheckTimestamp(const std::string& name,
                                                        const std::string& value) const {
  // The API wants seconds: yyyy-MM-ddTHH:mm:ssZ.
  std::optional<TimePoint> t;
  if (value.size() == 20) t = ParseUtcTime(value);
  if (!t)
    return MakeCloudError("InvalidTimeStamp.Format",
                          "Specified time stamp or date value is not well formatted. " + name +
                              " must be yyyy-MM-ddTHH:mm:ssZ in UTC, got \"" + value.substr(0, 40) +
                              "\".");
  auto skew = clock_->Now() - *t;
  if (skew > kTimestampTolerance || -skew > kTimestampTolerance)
    return MakeCloudError("InvalidTimeStamp.Expired",
                          "Specified time stamp or date value is expired. " + name + " " + value +
                              " is more than 15 minutes from the server time " +
                              FormatUtcSeconds(clock_->Now()) + ".");
  return std::nullopt;
}

std::optional<CloudError> Authenticator::CheckKey(const std::string& id, const std::string* token,
                                                  const AccessKey** key) const {
  *key = keys_(id);
  if (!*key) return MakeCloudError("InvalidAccessKeyId.NotFound", "Specified access key is not found.");
  const std::string& want = (*key)->security_token;
  if ((*key)->expires && clock_->Now() >= *(*key)->expires)
    return MakeCloudError("InvalidSecurityToken.Expired", "Specified SecurityToken is expired.");
  if (!want.empty()) {
    if (!token || token->empty())
      return MakeCloudError("InvalidSecurityToken.Malformed",
                            "Specified SecurityToken is malformed: this AccessKeyId is an STS key "
                            "and the request carries no SecurityToken.");
    if (!SameSecretDerived(*token, want))
      return MakeCloudError("InvalidSecurityToken.MismatchWithAccessKey",
                            "Specified SecurityToken mismatch with the AccessKey.");
  }
  return std::nullopt;
}

bool Authenticator::UseNonce(const std::string& key_id, const std::string& nonce) {
  std::string k = key_id + '\n' + nonce;
  TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> l(mu_);
  while (!nonce_order_.empty() &&
         (now - nonce_order_.front().first > kTimestampTolerance ||
          nonce_order_.size() > kMaxRememberedNonces)) {
    nonces_.erase(nonce_order_.front().second);
    nonce_order_.pop_front();
  }
  if (!nonces_.insert(k).second) return false;
  nonce_order_.emplace_back(now, std::move(k));
  return true;
}

std::optional<CloudError> Authenticator::VerifyRpc(const RawRequest& req, const ApiCall& call,
                                                   const AccessKey** key_out) {
  const Params& p = call.params;
  for (const char* name : {"AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce",
                           "SignatureVersion", "Timestamp"}) {
    if (!p.Has(name)) return MissingParameter(name);
  }
  if (p.Get("SignatureMethod") != "HMAC-SHA1")
    return MakeCloudError("UnsupportedSignatureMethod",
                          "The signature method " + p.Get("SignatureMethod").substr(0, 40) +
                              " is not supported; use HMAC-SHA1 (or the V3 ACS3-HMAC-SHA256 header).");
  if (p.Get("SignatureVersion") != "1.0")
    return InvalidParameter("SignatureVersion", "only 1.0 is supported");
  if (auto e = CheckTimestamp("Timestamp", p.Get("Timestamp"))) return e;
  const AccessKey* key = nullptr;
  if (auto e = CheckKey(p.Get("AccessKeyId"), p.Find("SecurityToken"), &key)) return e;

  sign::Params signed_params;
  signed_params.reserve(p.list().size());
  for (const auto& kv : p.list())
    if (kv.first != "Signature") signed_params.push_back(kv);
  std::string sts = sign::RpcStringToSign(req.method, signed_params);
  if (!SameSecretDerived(sign::RpcSignature(key->secret, sts), p.Get("Signature")))
    return SignatureMismatch(sts);
  if (!UseNonce(key->id, p.Get("SignatureNonce")))
    return MakeCloudError("SignatureNonceUsed", "Specified signature nonce was used already.");
  *key_out = key;
  return std::nullopt;
}

std::optional<CloudError> Authenticator::VerifyV3(const RawRequest& req, const ApiCall& call,
                                                  const AccessKey** key_out) {
  auto auth = ParseV3Authorization(*req.Header("authorization"));
  if (!auth)
    return MakeCloudError("IncompleteSignature",
                          "The request signature does not conform to Aliyun standards: expected "
                          "\"ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...\".");
  if (auth->algorithm != "ACS3-HMAC-SHA256")
    return MakeCloudError("UnsupportedSignatureMethod",
                          "The signature method " + auth->algorithm.substr(0, 40) +
                              " is not supported; use ACS3-HMAC-SHA256.");
  for (const char* name : {"x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce",
                           "x-acs-content-sha256"}) {
    if (!req.Header(name)) return MissingParameter(name);
  }
  // host, content-type (when sent) and every x-acs-* header must be signed,
  // as the V3 documentation describes and the official SDKs do.
  std::vector<std::string> must_sign = {"host", "content-type"};
  for (const auto& h : req.headers)
    if (h.first.rfind("x-acs-", 0) == 0) must_sign.push_back(h.first);
  for (const auto& name : must_sign) {
    if (!req.Header(name)) continue;
    if (std::find(auth->signed_headers.begin(), auth->signed_headers.end(), name) ==
        auth->signed_headers.end())
      return MakeCloudError("IncompleteSignature",
                            "The request signature does not conform to Aliyun standards: header \"" +
                                name + "\" is not in SignedHeaders.");
  }
  if (auto e = CheckTimestamp("x-acs-date", *req.Header("x-acs-date"))) return e;
  const AccessKey* key = nullptr;
  if (auto e = CheckKey(auth->credential, req.Header("x-acs-security-token"), &key)) return e;

  sign::V3Request v3;
  v3.method = req.method;
  v3.path = req.Path();
  v3.query = call.query;
  v3.headers = req.headers;
  // The payload hash is recomputed from the body received, so a body altered
  // in transit fails the signature even if the header was left as signed.
  v3.hashed_payload = Sha256Hex(req.body);
  std::vector<std::string> signed_headers = auth->signed_headers;
  std::string canonical = sign::V3CanonicalRequest(v3, signed_headers);
  std::string sts = sign::V3StringToSign(canonical);
  if (!SameSecretDerived(sign::V3Signature(key->secret, sts), auth->signature))
    return SignatureMismatch(sts);
  if (!UseNonce(key->id, *req.Header("x-acs-signature-nonce")))
    return MakeCloudError("SignatureNonceUsed", "Specified signature nonce was used already.");
  *key_out = key;
  return std::nullopt;
}

}  // namespace respec::emulator::http
