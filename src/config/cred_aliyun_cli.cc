// The aliyun CLI's ~/.aliyun/config.json: the profile named by respec.toml's
// credentialsProfile, else $ALIBABA_CLOUD_PROFILE, else the file's current
// one. Modes that work unattended: AK, StsToken, RamRoleArn, EcsRamRole,
// OIDC, ChainableRamRoleArn (source_profile, followed up to 8 deep),
// CredentialsURI. Others (RsaKeyPair, CloudSSO, OAuth, External) are refused
// by name.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "config/credential_chain.h"

namespace respec {
namespace {

constexpr size_t kMaxConfigJsonBytes = 4 * 1024 * 1024;
constexpr int kMaxChainDepth = 8;

struct Profiles {
  const ChainContext& ctx;
  const nlohmann::json& list;
  std::string path;
  std::string error;  // first problem, names file, profile and field only

  const nlohmann::json* Find(const std::string& name) const {
    for (const auto& p : list)
      if (p.is_object() && p.contains("name") && p["name"].is_string() && p["name"].get<std::string>() == name)
        return &p;
    return nullptr;
  }

  std::string Names() const {
    std::vector<std::string> names;
    for (const auto& p : list)
      if (p.is_object() && p.contains("name") && p["name"].is_string()) names.push_back(p["name"].get<std::string>());
    return names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "));
  }

  std::string Str(const nlohmann::json& p, const char* key, const std::string& where) {
    auto it = p.find(key);
    if (it == p.end() || it->is_null()) return "";
    if (!it->is_string()) {
      if (error.empty()) error = fmt::format("{}: field {} must be a string", where, key);
      return "";
    }
    return it->get<std::string>();
  }

  std::string Need(const nlohmann::json& p, const char* key, const std::string& where, const std::string& mode) {
    std::string v = Str(p, key, where);
    if (v.empty() && error.empty()) error = fmt::format("{}: field {} is empty (mode {})", where, key, mode);
    return v;
  }

  int Duration(const nlohmann::json& p, const std::string& where) {
    auto it = p.find("expired_seconds");
    if (it == p.end() || it->is_null() || (it->is_number_integer() && it->get<long>() == 0)) return 3600;
    if (!it->is_number_integer() || it->get<long>() < 900 || it->get<long>() > 43200) {
      if (error.empty()) error = where + ": field expired_seconds must be a whole number from 900 to 43200";
      return 3600;
    }
    return static_cast<int>(it->get<long>());
  }

  // The provider for profile `name`; nullptr with `error` set.
  std::shared_ptr<CredentialsProvider> Build(const std::string& name, int depth, std::string* label) {
    const nlohmann::json* found = Find(name);
    if (!found) {
      error = fmt::format("{}: no profile named \"{}\" (profiles: {})", path, name, Names());
      return nullptr;
    }
    const nlohmann::json& p = *found;
    const std::string where = fmt::format("{}: profile \"{}\"", path, name);
    std::string mode = Str(p, "mode", where);
    if (mode.empty()) mode = "AK";
    *label = fmt::format("~/.aliyun/config.json profile {} ({})", name, mode);
    const std::string source = *label;
    auto role_params = [&]() {
      ecs::AssumeRoleParams rp;
      rp.role_arn = Need(p, "ram_role_arn", where, mode);
      rp.session_name = Str(p, "ram_session_name", where);
      rp.duration_seconds = Duration(p, where);
      rp.external_id = Str(p, "external_id", where);
      rp.policy = Str(p, "policy", where);
      return rp;
    };
    auto key = [&](bool with_token) -> std::shared_ptr<CredentialsProvider> {
      Credentials c;
      c.access_key_id = Need(p, "access_key_id", where, mode);
      c.access_key_secret = Need(p, "access_key_secret", where, mode);
      if (with_token) c.security_token = Need(p, "sts_token", where, mode);
      c.source = source;
      if (!error.empty()) return nullptr;
      return std::make_shared<StaticProvider>(std::move(c));
    };
    std::shared_ptr<CredentialsProvider> out;
    if (mode == "AK" || mode == "StsToken") {
      out = key(mode == "StsToken");
    } else if (mode == "RamRoleArn") {
      auto base = key(false);
      auto rp = role_params();
      if (error.empty()) out = MakeAssumeRoleProvider(ctx, base, rp, source);
    } else if (mode == "ChainableRamRoleArn") {
      std::string src = Need(p, "source_profile", where, mode);
      if (!error.empty()) return nullptr;
      if (depth >= kMaxChainDepth) {
        error = where + ": source_profile chain is deeper than 8 (a loop?)";
        return nullptr;
      }
      std::string inner;
      auto base = Build(src, depth + 1, &inner);
      auto rp = role_params();
      *label = source + " from " + inner;
      if (base && error.empty()) out = MakeAssumeRoleProvider(ctx, base, rp, *label);
    } else if (mode == "EcsRamRole") {
      out = MakeEcsMetadataProvider(ctx, Str(p, "ram_role_name", where), source);
    } else if (mode == "OIDC") {
      ecs::OidcRoleParams op;
      op.provider_arn = Need(p, "oidc_provider_arn", where, mode);
      std::string file = Need(p, "oidc_token_file", where, mode);
      op.role_arn = Need(p, "ram_role_arn", where, mode);
      op.session_name = Str(p, "ram_session_name", where);
      op.duration_seconds = Duration(p, where);
      op.policy = Str(p, "policy", where);
      if (error.empty()) out = MakeOidcProvider(ctx, op, file, source);
    } else if (mode == "CredentialsURI") {
      std::string uri = Need(p, "credentials_uri", where, mode);
      if (error.empty()) out = MakeUriProvider(ctx, uri, source);
    } else {
      error = fmt::format("{}: mode {} is not supported by respec (it needs a person or a program at "
                          "hand; supported: AK, StsToken, RamRoleArn, EcsRamRole, OIDC, "
                          "ChainableRamRoleArn, CredentialsURI)", where, mode);
    }
    if (!error.empty()) return nullptr;
    return out;
  }
};

}  // namespace

SourceAttempt AliyunCliSource(const ChainContext& ctx, std::vector<std::string>* warnings) {
  std::string name = "aliyun CLI profile (~/.aliyun/config.json)";
  if (ctx.IsTrue("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"))
    return SourceAttempt::NotConfigured(name, "ALIBABA_CLOUD_CLI_PROFILE_DISABLED is true");
  if (ctx.home.empty()) return SourceAttempt::NotConfigured(name, "HOME is not set");
  const std::string path = ctx.home + "/.aliyun/config.json";
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return SourceAttempt::NotConfigured(name, path + " does not exist");
  if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > kMaxConfigJsonBytes)
    return SourceAttempt::Failed(name, fmt::format("{}: not a regular file of at most {} bytes", path, kMaxConfigJsonBytes));
  if ((st.st_mode & 077) != 0)
    warnings->push_back(fmt::format("{} holds secrets and is readable by group or others (mode {:04o}); chmod 600 it",
                                    path, st.st_mode & 07777));
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    // nlohmann's message would quote the text around the error: a secret.
    return SourceAttempt::Failed(name, path + ": not valid JSON (an object with \"profiles\" expected)");
  auto profiles = doc.find("profiles");
  if (profiles == doc.end() || !profiles->is_array())
    return SourceAttempt::Failed(name, path + ": field profiles is missing or not a list");
  std::string wanted = !ctx.aliyun_profile.empty() ? ctx.aliyun_profile : ctx.Get("ALIBABA_CLOUD_PROFILE");
  if (wanted.empty()) {
    auto current = doc.find("current");
    if (current != doc.end() && current->is_string()) wanted = current->get<std::string>();
    if (wanted.empty()) wanted = "default";
  }
  Profiles ps{ctx, *profiles, path, ""};
  std::string label;
  auto provider = ps.Build(wanted, 0, &label);
  if (!provider) return SourceAttempt::Failed(label.empty() ? name : label, ps.error);
  return SourceAttempt::Ok(label, std::move(provider));
}

}  // namespace respec
