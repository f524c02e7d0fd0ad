#include "config/config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/did_you_mean.h"

namespace respec {
namespace {

constexpr size_t kMaxConfigBytes = 1024 * 1024;

bool LooksSecret(std::string_view key) {
  std::string k;
  for (char c : key)
    if (c != '_' && c != '-') k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k.find("secret") != std::string::npos || k.find("token") != std::string::npos ||
         k.find("password") != std::string::npos || k == "accesskeyid";
}

class ProfileReader {
 public:
  ProfileReader(std::string file, std::vector<Diagnostic>* diags) : file_(std::move(file)), diags_(diags) {}

  bool found_secret() const { return !secret_key_.empty(); }
  const std::string& secret_key() const { return secret_key_; }

  void Error(const toml::source_region& where, std::string message) {
    diags_->push_back({file_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column), "",
                       std::move(message), false});
  }

  // Reports keys of `table` not in `known`; `where` prefixes the key path.
  void UnknownKeys(const toml::table& table, const std::vector<std::string>& known, const std::string& where) {
    for (auto&& [key, value] : table) {
      std::string k(key.str());
      if (std::find(known.begin(), known.end(), k) != known.end()) continue;
      std::string path = where.empty() ? k : where + "." + k;
      if (LooksSecret(k)) {
        secret_key_ = path;
        Error(key.source(), fmt::format("{}: respec never reads secrets from its config file; use the "
                                        "ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET environment "
                                        "variables or ~/.aliyun/config.json",
                                        path));
        continue;
      }
      std::string hint = ClosestMatch(k, known);
      Error(key.source(), hint.empty() ? fmt::format("{}: unknown key \"{}\" (known keys: {})", path, k, fmt::join(known, ", "))
                                       : fmt::format("{}: unknown key \"{}\"; did you mean \"{}\"?", path, k, hint));
    }
  }

  void Int(const toml::table& t, const char* key, const std::string& where, int64_t min, int64_t max, int* dst) {
    const toml::node* n = t.get(key);
    if (!n) return;
    std::string path = where + "." + key;
    auto v = n->value_exact<int64_t>();
    if (!v) {
      Error(n->source(), fmt::format("{}: expected an integer, got {}", path, Kind(*n)));
    } else if (*v < min || *v > max) {
      Error(n->source(), fmt::format("{}: {} is out of range ({} to {})", path, *v, min, max));
    } else {
      *dst = static_cast<int>(*v);
    }
  }

  void Number(const toml::node& n, const std::string& path, double min, double max, double* dst) {
    auto v = n.value<double>();  // integers and floats
    if (!v || !(n.is_integer() || n.is_floating_point())) {
      Error(n.source(), fmt::format("{}: expected a number, got {}", path, Kind(n)));
    } else if (!(*v >= min && *v <= max)) {
      Error(n.source(), fmt::format("{}: {} is out of range ({} to {})", path, *v, min, max));
    } else {
      *dst = *v;
    }
  }

  void Bool(const toml::table& t, const char* key, const std::string& where, bool* dst) {
    const toml::node* n = t.get(key);
    if (!n) return;
    if (auto v = n->value_exact<bool>()) *dst = *v;
    else Error(n->source(), fmt::format("{}.{}: expected true or false, got {}", where, key, Kind(*n)));
  }

  // A string; `allowed` (if not empty) lists the values accepted.
  void String(const toml::table& t, const char* key, const std::string& where, std::string* dst,
              std::vector<std::string> allowed = {}) {
    const toml::node* n = t.get(key);
    if (!n) return;
    std::string path = where + "." + key;
    auto v = n->value_exact<std::string>();
    if (!v) {
      Error(n->source(), fmt::format("{}: expected a string, got {}", path, Kind(*n)));
    } else if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
      Error(n->source(), fmt::format("{}: must be {}, got \"{}\"", path, fmt::join(allowed, " or "), *v));
    } else {
      *dst = *v;
    }
  }

  const toml::table* Table(const toml::table& t, const char* key, const std::string& where) {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) {
      Error(n->source(), fmt::format("{}.{}: expected a table ([{}.{}]), got {}", where, key, where, key, Kind(*n)));
      return nullptr;
    }
    return n->as_table();
  }

  static std::string Kind(const toml::node& n) {
    if (n.is_string()) return "a string";
    if (n.is_integer()) return "an integer";
    if (n.is_floating_point()) return "a number";
    if (n.is_boolean()) return "a boolean";
    if (n.is_table()) return "a table";
    if (n.is_array()) return "an array";
    return "a date or time";
  }

  void ReadProfile(const toml::table& t, const std::string& where, Profile* p) {
    UnknownKeys(t, {"region", "endpoint", "signature", "credentialsProfile", "caBundle", "stateDir", "stateBackend", "connectTimeoutMs",
                    "requestTimeoutMs", "httpConcurrency", "retry", "rate"},
                where);
    String(t, "region", where, &p->region);
    String(t, "endpoint", where, &p->endpoint);
    if (const toml::node* n = t.get("endpoint"); n && !p->endpoint.empty() && p->endpoint.rfind("http://", 0) != 0 &&
                                                 p->endpoint.rfind("https://", 0) != 0)
      Error(n->source(), where + ".endpoint: must start with http:// or https://");
    String(t, "signature", where, &p->signature, {"v3", "v1"});
    String(t, "credentialsProfile", where, &p->credentials_profile);
    String(t, "caBundle", where, &p->ca_bundle);
    String(t, "stateDir", where, &p->state_dir);
    if (const toml::node* n = t.get("stateDir"); n && p->state_dir.empty())
      Error(n->source(), where + ".stateDir: must not be empty");
    String(t, "stateBackend", where, &p->state_backend);
    if (const toml::node* n = t.get("stateBackend"); n && p->state_backend.rfind("postgresql://", 0) != 0 &&
                                                     p->state_backend.rfind("postgres://", 0) != 0)
      Error(n->source(), where + ".stateBackend: must be a postgresql:// URL (without a password)");
    Int(t, "connectTimeoutMs", where, 1, 600000, &p->connect_timeout_ms);
    Int(t, "requestTimeoutMs", where, 1, 3600000, &p->request_timeout_ms);
    Int(t, "httpConcurrency", where, 1, 256, &p->http_concurrency);
    if (const toml::table* r = Table(t, "retry", where)) ReadRetry(*r, where + ".retry", &p->retry);
    if (const toml::table* r = Table(t, "rate", where)) ReadRate(*r, where + ".rate", &p->rate);
  }

  void ReadRetry(const toml::table& t, const std::string& where, RetrySettings* r) {
    UnknownKeys(t, {"maxAttempts", "baseDelayMs", "maxDelayMs", "deadlineMs", "lastOrderDelayMs", "lastOrderMaxAttempts"},
                where);
    Int(t, "maxAttempts", where, 1, 100, &r->max_attempts);
    Int(t, "baseDelayMs", where, 0, 600000, &r->base_delay_ms);
    Int(t, "maxDelayMs", where, 0, 3600000, &r->max_delay_ms);
    Int(t, "deadlineMs", where, 1, 86400000, &r->deadline_ms);
    Int(t, "lastOrderDelayMs", where, 0, 600000, &r->last_order_delay_ms);
    Int(t, "lastOrderMaxAttempts", where, 1, 1000, &r->last_order_max_attempts);
    if (r->max_delay_ms < r->base_delay_ms) {
      const toml::node* n = t.get("maxDelayMs") ? t.get("maxDelayMs") : t.get("baseDelayMs");
      if (n) Error(n->source(), fmt::format("{}.maxDelayMs ({}) must not be below baseDelayMs ({})", where,
                                            r->max_delay_ms, r->base_delay_ms));
    }
  }

  void ReadRate(const toml::table& t, const std::string& where, RateSettings* r) {
    UnknownKeys(t, {"defaultQps", "adaptive", "actions"}, where);
    if (const toml::node* n = t.get("defaultQps")) Number(*n, where + ".defaultQps", 0.01, 10000, &r->default_qps);
    Bool(t, "adaptive", where, &r->adaptive);
    const toml::table* actions = Table(t, "actions", where);
    if (!actions) return;
    for (auto&& [key, value] : *actions) {
      std::string action(key.str());
      std::string path = where + ".actions." + action;
      bool name_ok = !action.empty() && std::isupper(static_cast<unsigned char>(action[0])) &&
                     std::all_of(action.begin(), action.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
      if (!name_ok) {
        Error(key.source(), fmt::format("{}: \"{}\" is not an ECS action name (like DescribeInstances)", path, action));
        continue;
      }
      double qps = 0;
      size_t before = diags_->size();
      Number(value, path, 0.01, 10000, &qps);
      if (diags_->size() == before) r->action_qps[action] = qps;
    }
  }

 private:
  std::string file_;
  std::vector<Diagnostic>* diags_;
  std::string secret_key_;
};

// Parses and reads the profile; `explicit_profile` says whether the user
// named it. Sets *secret_key to a secret-looking key found, if any.
bool Load(std::string_view text, const std::string& file, const std::string& profile_name, bool explicit_profile,
          Profile* out, std::vector<Diagnostic>* diags, std::string* secret_key) {
  size_t first = diags->size();
  *out = Profile{};
  out->name = profile_name;
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    diags->push_back({file, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column), "",
                      "TOML syntax error: " + std::string(e.description()), false});
    return false;
  }
  ProfileReader reader(file, diags);
  reader.UnknownKeys(root, {"profiles"}, "");
  const toml::table* profiles = reader.Table(root, "profiles", "");
  std::vector<std::string> names;
  if (profiles) {
    for (auto&& [key, value] : *profiles) {
      std::string name(key.str());
      names.push_back(name);
      if (!value.is_table()) {
        reader.Error(value.source(), fmt::format("profiles.{}: expected a table ([profiles.{}]), got {}", name, name,
                                                 ProfileReader::Kind(value)));
        continue;
      }
      // Every profile is checked, not just the chosen one, so a typo in
      // [profiles.prod] shows up while working with the default one.
      Profile scratch;
      scratch.name = name;
      reader.ReadProfile(*value.as_table(), "profiles." + name, name == profile_name ? out : &scratch);
    }
  }
  if (explicit_profile && std::find(names.begin(), names.end(), profile_name) == names.end()) {
    diags->push_back({file, 0, 0, "",
                      names.empty() ? fmt::format("profile \"{}\" not found: this file defines no profiles", profile_name)
                                    : fmt::format("profile \"{}\" not found; profiles here: {}", profile_name,
                                                  fmt::join(names, ", ")),
                      false});
  }
  *secret_key = reader.secret_key();
  // toml++ tables iterate in key order; report in file order instead.
  std::stable_sort(diags->begin() + static_cast<std::ptrdiff_t>(first), diags->end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     auto rank = [](const Diagnostic& d) { return d.line == 0 ? INT32_MAX : d.line; };
                     return rank(a) != rank(b) ? rank(a) < rank(b) : a.column < b.column;
                   });
  return !HasErrors(*diags, first);
}

}  // namespace

std::vector<std::string> ConfigSearchPaths(const ConfigRequest& request) {
  if (!request.explicit_path.empty()) return {request.explicit_path};
  EnvLookup env = request.env ? request.env : ProcessEnvironment();
  std::vector<std::string> paths = {(std::filesystem::path(request.working_dir) / "respec.toml").string()};
  auto xdg = env("XDG_CONFIG_HOME");
  auto home = env("HOME");
  if (xdg && !xdg->empty()) paths.push_back(*xdg + "/respec/config.toml");
  else if (home && !home->empty()) paths.push_back(*home + "/.config/respec/config.toml");
  return paths;
}

bool LoadProfileFromString(std::string_view text, const std::string& file, const std::string& profile,
                           Profile* out, std::vector<Diagnostic>* diags) {
  std::string secret;
  return Load(text, file, profile.empty() ? "default" : profile, !profile.empty() && profile != "default", out,
              diags, &secret);
}

bool LoadProfile(const ConfigRequest& request, Profile* out, std::string* used_path,
                 std::vector<Diagnostic>* diags) {
  std::string name = request.profile.empty() ? "default" : request.profile;
  bool explicit_profile = !request.profile.empty() && request.profile != "default";
  used_path->clear();
  *out = Profile{};
  out->name = name;
  std::vector<std::string> paths = ConfigSearchPaths(request);
  for (const std::string& path : paths) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (!request.explicit_path.empty()) {
        diags->push_back({path, 0, 0, "", fmt::format("cannot open: {}", std::strerror(errno)), false});
        return false;
      }
      continue;
    }
    *used_path = path;
    if (!S_ISREG(st.st_mode)) {
      diags->push_back({path, 0, 0, "", "is not a regular file", false});
      return false;
    }
    if (static_cast<uint64_t>(st.st_size) > kMaxConfigBytes) {
      diags->push_back({path, 0, 0, "", fmt::format("file is too large: {} bytes (at most {})", st.st_size, kMaxConfigBytes), false});
      return false;
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in && !in.eof()) {
      diags->push_back({path, 0, 0, "", "cannot read the file", false});
      return false;
    }
    std::string text = buffer.str().substr(0, kMaxConfigBytes);
    std::string secret;
    bool ok = Load(text, path, name, explicit_profile, out, diags, &secret);
    if (!secret.empty() && (st.st_mode & 077) != 0) {
      diags->push_back({path, 0, 0, "",
                        fmt::format("this file holds a secret ({}) and is readable by group or others (mode {:04o}); "
                                    "remove the secret and chmod 600 the file",
                                    secret, st.st_mode & 07777),
                        true});
    }
    return ok;
  }
  if (explicit_profile) {
    diags->push_back({"respec", 0, 0, "",
                      fmt::format("profile \"{}\" not found: no config file (looked for {})", name, fmt::join(paths, ", ")),
                      false});
    return false;
  }
  return true;
}

}  // namespace respec
