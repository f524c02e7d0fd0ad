#include "emulator/http/sts_door.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include "cloud/error_table.h"
#include "core/timefmt.h"

namespace respec::emulator::http {
namespace {

std::string RandomToken(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  RAND_bytes(raw.data(), static_cast<int>(raw.size()));
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (unsigned char c : raw) s.push_back(kAlphabet[c % 62]);
  return s;
}

// base64url without padding -> bytes; nullopt when malformed.
std::optional<std::string> Base64UrlDecode(std::string s) {
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (s.size() % 4) s.push_back('=');
  std::string out(s.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  size_t pad = s.size() >= 2 && s[s.size() - 1] == '=' ? (s[s.size() - 2] == '=' ? 2 : 1) : 0;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

CloudError StsError(const std::string& code, const std::string& message = "") {
  return MakeCloudError(code, message);
}

bool ValidSessionName(const std::string& s) {
  if (s.size() < 2 || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '@' || c == '-' || c == '_';
  });
}

}  // namespace

StsDoor::StsDoor(StsWorld world, Clock* wall_clock) : world_(std::move(world)), clock_(wall_clock) {}

Result<Json> StsDoor::Handle(const std::string& action, const Params& params, const AccessKey* caller) {
  if (action == "AssumeRole" && caller) return AssumeRole(params, *caller);
  if (action == "AssumeRoleWithOIDC") return AssumeRoleWithOidc(params);
  return StsError("InvalidAction.NotFound",
                  fmt::format("Specified api is not found, please check your url and method: STS {} has no "
                              "action \"{}\" in the emulator (it serves AssumeRole, AssumeRoleWithOIDC).",
                              kStsApiVersion, action.substr(0, 80)));
}

const StsRole* StsDoor::FindRole(const std::string& arn) const {
  for (const auto& r : world_.roles)
    if (r.arn == arn) return &r;
  return nullptr;
}

Result<AccessKey> StsDoor::Issue(const std::string& role_arn, int seconds) {
  if (world_.credential_lifetime_seconds > 0) seconds = std::min(seconds, world_.credential_lifetime_seconds);
  auto key = std::make_unique<AccessKey>();
  key->secret = RandomToken(30);
  key->security_token = "CAIS" + RandomToken(120);
  key->expires = clock_->Now() + std::chrono::seconds(seconds);
  key->principal = role_arn;
  std::lock_guard<std::mutex> l(mu_);
  if (issued_.size() >= kMaxIssued)
    return StsError("Throttling", "The emulator has issued its maximum number of STS credentials.");
  key->id = fmt::format("STS.NT{}{:06}", RandomToken(16), ++serial_ % 1000000);
  AccessKey copy = *key;
  issued_.emplace(key->id, std::move(key));
  return copy;
}

const AccessKey* StsDoor::Find(const std::string& id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = issued_.find(id);
  return it == issued_.end() ? nullptr : it->second.get();
}

size_t StsDoor::issued() const {
  std::lock_guard<std::mutex> l(mu_);
  return issued_.size();
}

Json StsDoor::IssuedJson() const {
  std::lock_guard<std::mutex> l(mu_);
  Json list = Json::array();
  for (const auto& [id, k] : issued_)
    list.push_back(Json{{"AccessKeyId", id}, {"AccessKeySecret", k->secret}, {"SecurityToken", k->security_token},
                        {"Expiration", FormatUtcSeconds(*k->expires)}, {"Role", k->principal}});
  return list;
}

Result<Json> StsDoor::Answer(const StsRole& role, const Params& params, int max_duration) {
  std::string session = params.Get("RoleSessionName");
  if (session.empty()) return MissingParameter("RoleSessionName");
  if (!ValidSessionName(session))
    return InvalidParameter("RoleSessionName", "2 to 64 characters: letters, digits, . @ - _");
  CloudError err;
  int duration = params.Int("DurationSeconds", 3600, 0, 1 << 30, &err);
  if (!err.code.empty()) return err;
  if (duration < 900 || duration > max_duration)
    return StsError("InvalidParameter.DurationSeconds",
                    fmt::format("The parameter DurationSeconds is out of range: {} is not within [900, {}].",
                                duration, max_duration));
  Result<AccessKey> key = Issue(role.arn, duration);
  if (!key.ok()) return key.error();
  Json out;
  out["Credentials"] = Json{{"AccessKeyId", key->id},
                            {"AccessKeySecret", key->secret},
                            {"SecurityToken", key->security_token},
                            {"Expiration", FormatUtcSeconds(*key->expires)}};
  out["AssumedRoleUser"] = Json{{"Arn", role.arn + "/" + session},
                                {"AssumedRoleId", "3" + std::to_string(std::hash<std::string>{}(role.arn) % 100000000000000ull) + ":" + session}};
  return out;
}

Result<Json> StsDoor::AssumeRole(const Params& params, const AccessKey& caller) {
  std::string arn = params.Get("RoleArn");
  if (arn.empty()) return MissingParameter("RoleArn");
  const StsRole* role = FindRole(arn);
  if (!role) return StsError("EntityNotExist.Role", fmt::format("The role not exists: {}.", arn.substr(0, 200)));
  const std::string who = caller.principal.empty() ? caller.id : caller.principal;
  bool trusted = std::any_of(role->trusted.begin(), role->trusted.end(),
                             [&](const std::string& t) { return t == "*" || t == who; });
  if (!trusted) return StsError("NoPermission");
  return Answer(*role, params, role->max_session_duration);
}

Result<Json> StsDoor::AssumeRoleWithOidc(const Params& params) {
  for (const char* name : {"RoleArn", "OIDCProviderArn", "OIDCToken"})
    if (params.Get(name).empty()) return MissingParameter(name);
  const OidcProvider* provider = nullptr;
  for (const auto& p : world_.oidc_providers)
    if (p.arn == params.Get("OIDCProviderArn")) provider = &p;
  if (!provider) return StsError("AuthenticationFail.NoPermission", "No such OIDC Provider registered.");
  const StsRole* role = FindRole(params.Get("RoleArn"));
  if (!role)
    return StsError("EntityNotExist.Role", fmt::format("The role not exists: {}.", params.Get("RoleArn").substr(0, 200)));
  if (std::find(role->oidc_providers.begin(), role->oidc_providers.end(), provider->arn) == role->oidc_providers.end())
    return StsError("AuthenticationFail.NoPermission", "There is no permission");

  const std::string token = params.Get("OIDCToken");
  size_t d1 = token.find('.'), d2 = d1 == std::string::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string::npos || token.find('.', d2 + 1) != std::string::npos)
    return StsError("AuthenticationFail.OIDCToken.Invalid",
                    "The number of Jwt field should be divided into 3 parts with '.' .");
  auto payload = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
  Json claims = payload ? Json::parse(*payload, nullptr, false) : Json();
  if (!payload || claims.is_discarded() || !claims.is_object())
    return StsError("AuthenticationFail.OIDCToken.Invalid", "The Jwt content is invalid that cannot be recognized.");
  if (!claims.contains("iss") || claims["iss"] != provider->issuer)
    return StsError("AuthenticationFail.OIDCToken.IssuerNotMatch");
  std::vector<std::string> aud;
  if (claims.contains("aud") && claims["aud"].is_string()) aud.push_back(claims["aud"].get<std::string>());
  if (claims.contains("aud") && claims["aud"].is_array())
    for (const auto& a : claims["aud"])
      if (a.is_string()) aud.push_back(a.get<std::string>());
  bool aud_ok = std::any_of(aud.begin(), aud.end(), [&](const std::string& a) {
    return std::find(provider->client_ids.begin(), provider->client_ids.end(), a) != provider->client_ids.end();
  });
  if (!aud_ok) return StsError("AuthenticationFail.OIDCToken.AudienceNotMatch");
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_->Now().time_since_epoch()).count();
  if (!claims.contains("exp") || !claims["exp"].is_number() || claims["exp"].get<double>() <= static_cast<double>(now))
    return StsError("AuthenticationFail.OIDCToken.Expired");
  Result<Json> out = Answer(*role, params, role->max_session_duration);
  if (out.ok())
    out.value()["OIDCTokenInfo"] = Json{{"Issuer", provider->issuer},
                                        {"Subject", claims.value("sub", std::string())},
                                        {"ClientIds", fmt::format("{}", fmt::join(aud, ","))}};
  return out;
}

}  // namespace respec::emulator::http
