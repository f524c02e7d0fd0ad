#include "config/credentials_loader.h"

#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace respec {
namespace {

constexpr size_t kMaxConfigJsonBytes = 4 * 1024 * 1024;

// A string field of a profile; "" when absent. Wrong types are errors that
// name the field only.
std::string Field(const nlohmann::json& profile, const char* key, const std::string& where,
                  std::vector<std::string>* errors) {
  auto it = profile.find(key);
  if (it == profile.end() || it->is_null()) return "";
  if (!it->is_string()) {
    errors->push_back(fmt::format("{}: field {} must be a string", where, key));
    return "";
  }
  return it->get<std::string>();
}

void FromAliyunConfig(const std::string& path, const std::string& wanted, CredentialsResult* r) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    r->errors.push_back(fmt::format(
        "no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure "
        "the aliyun CLI ({} does not exist)", path));
    return;
  }
  if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > kMaxConfigJsonBytes) {
    r->errors.push_back(fmt::format("{}: not a regular file of at most {} bytes", path, kMaxConfigJsonBytes));
    return;
  }
  if ((st.st_mode & 077) != 0)
    r->warnings.push_back(fmt::format("{} holds secrets and is readable by group or others (mode {:04o}); chmod 600 it",
                                      path, st.st_mode & 07777));
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    // nlohmann's message would quote the text around the error: a secret.
    r->errors.push_back(fmt::format("{}: not valid JSON (an object with \"profiles\" expected)", path));
    return;
  }
  std::string name = wanted;
  if (name.empty()) {
    auto current = doc.find("current");
    if (current != doc.end() && current->is_string()) name = current->get<std::string>();
    if (name.empty()) name = "default";
  }
  auto profiles = doc.find("profiles");
  if (profiles == doc.end() || !profiles->is_array()) {
    r->errors.push_back(fmt::format("{}: field profiles is missing or not a list", path));
    return;
  }
  std::vector<std::string> names;
  for (const nlohmann::json& p : *profiles) {
    if (!p.is_object()) continue;
    auto n = p.find("name");
    if (n == p.end() || !n->is_string()) continue;
    names.push_back(n->get<std::string>());
    if (n->get<std::string>() != name) continue;
    std::string where = fmt::format("{}: profile \"{}\"", path, name);
    std::string mode = Field(p, "mode", where, &r->errors);
    if (mode.empty()) mode = "AK";
    if (mode != "AK" && mode != "StsToken") {
      r->errors.push_back(fmt::format("{}: mode {} is not supported by respec (use AK or StsToken, or the "
                                      "ALIBABA_CLOUD_* environment variables)", where, mode));
      return;
    }
    Credentials& c = r->credentials;
    c.access_key_id = Field(p, "access_key_id", where, &r->errors);
    c.access_key_secret = Field(p, "access_key_secret", where, &r->errors);
    if (mode == "StsToken") c.security_token = Field(p, "sts_token", where, &r->errors);
    if (c.access_key_id.empty()) r->errors.push_back(where + ": field access_key_id is empty");
    if (c.access_key_secret.empty()) r->errors.push_back(where + ": field access_key_secret is empty");
    if (mode == "StsToken" && c.security_token.empty())
      r->errors.push_back(where + ": field sts_token is empty (mode StsToken)");
    c.source = fmt::format("~/.aliyun/config.json profile {}", name);
    if (!r->errors.empty()) r->credentials = Credentials{};
    return;
  }
  r->errors.push_back(fmt::format("{}: no profile named \"{}\" (profiles: {})", path, name,
                                  names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))));
}

}  // namespace

CredentialsResult LoadCredentials(const CredentialSources& sources) {
  CredentialsResult r;
  EnvLookup env = sources.env ? sources.env : ProcessEnvironment();
  auto get = [&](const char* name) { return env(name).value_or(""); };
  std::string id = get("ALIBABA_CLOUD_ACCESS_KEY_ID");
  std::string secret = get("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  if (!id.empty() || !secret.empty()) {
    if (id.empty()) r.errors.push_back("ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not");
    if (secret.empty()) r.errors.push_back("ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not");
    if (!r.errors.empty()) return r;
    r.credentials.access_key_id = id;
    r.credentials.access_key_secret = secret;
    r.credentials.security_token = get("ALIBABA_CLOUD_SECURITY_TOKEN");
    r.credentials.source = "environment";
    return r;
  }
  std::string home = sources.home_dir.empty() ? get("HOME") : sources.home_dir;
  std::string profile = sources.aliyun_profile.empty() ? get("ALIBABA_CLOUD_PROFILE") : sources.aliyun_profile;
  if (home.empty()) {
    r.errors.push_back("no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
                       "(HOME is not set, so ~/.aliyun/config.json cannot be found)");
    return r;
  }
  FromAliyunConfig(home + "/.aliyun/config.json", profile, &r);
  return r;
}

}  // namespace respec
