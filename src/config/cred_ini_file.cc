// ~/.alibabacloud/credentials (or $ALIBABA_CLOUD_CREDENTIALS_FILE): the
// credentials libraries' INI file. Section = $ALIBABA_CLOUD_PROFILE, else
// "default"; `type` access_key, ecs_ram_role or ram_role_arn.
#include <fmt/format.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "config/credential_chain.h"

namespace respec {
namespace {

constexpr size_t kMaxFileBytes = 1024 * 1024;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// section -> key -> value. Errors name the line, never its value.
bool ParseIni(const std::string& path, std::map<std::string, std::map<std::string, std::string>>* out,
              std::string* error) {
  std::ifstream in(path, std::ios::binary);
  std::string line, section;
  for (int n = 1; std::getline(in, line); ++n) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      if (line.back() != ']') {
        *error = fmt::format("{}:{}: a section header must end with ]", path, n);
        return false;
      }
      section = Trim(line.substr(1, line.size() - 2));
      (*out)[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos || section.empty()) {
      *error = fmt::format("{}:{}: expected key = value inside a [section]", path, n);
      return false;
    }
    (*out)[section][Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
  return true;
}

}  // namespace

SourceAttempt CredentialsFileSource(const ChainContext& ctx) {
  std::string path = ctx.Get("ALIBABA_CLOUD_CREDENTIALS_FILE");
  if (path.empty()) {
    if (ctx.home.empty()) return SourceAttempt::NotConfigured("~/.alibabacloud/credentials", "HOME is not set");
    path = ctx.home + "/.alibabacloud/credentials";
  }
  std::string name = path;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return SourceAttempt::NotConfigured(name, path + " does not exist");
  if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > kMaxFileBytes)
    return SourceAttempt::Failed(name, fmt::format("{}: not a regular file of at most {} bytes", path, kMaxFileBytes));
  std::map<std::string, std::map<std::string, std::string>> ini;
  std::string error;
  if (!ParseIni(path, &ini, &error)) return SourceAttempt::Failed(name, error);
  std::string profile = ctx.Get("ALIBABA_CLOUD_PROFILE");
  if (profile.empty()) profile = "default";
  auto sec = ini.find(profile);
  if (sec == ini.end()) return SourceAttempt::Failed(name, fmt::format("{}: no section [{}]", path, profile));
  auto& kv = sec->second;
  auto get = [&](const char* k) { auto it = kv.find(k); return it == kv.end() ? std::string() : it->second; };
  const std::string type = get("type");
  const std::string where = fmt::format("{} [{}]", path, profile);
  const std::string source = fmt::format("{} ({})", where, type.empty() ? "no type" : type);
  std::vector<std::string> missing;
  auto need = [&](const char* k) { std::string v = get(k); if (v.empty()) missing.push_back(k); return v; };
  std::shared_ptr<CredentialsProvider> provider;
  if (type == "access_key" || type == "ram_role_arn") {
    Credentials c;
    c.access_key_id = need("access_key_id");
    c.access_key_secret = need("access_key_secret");
    c.source = source;
    provider = std::make_shared<StaticProvider>(std::move(c));
    if (type == "ram_role_arn") {
      ecs::AssumeRoleParams rp;
      rp.role_arn = need("role_arn");
      rp.session_name = need("role_session_name");
      rp.policy = get("policy");
      provider = MakeAssumeRoleProvider(ctx, provider, rp, source);
    }
  } else if (type == "ecs_ram_role") {
    provider = MakeEcsMetadataProvider(ctx, get("role_name"), source);
  } else {
    return SourceAttempt::Failed(name, fmt::format("{}: type \"{}\" is not supported (access_key, ecs_ram_role, "
                                                   "ram_role_arn)", where, type.substr(0, 40)));
  }
  if (!missing.empty())
    return SourceAttempt::Failed(name, fmt::format("{}: {} empty or missing (type {})", where,
                                                   fmt::join(missing, ", "), type));
  return SourceAttempt::Ok(source, std::move(provider));
}

}  // namespace respec
