// respec.toml: named profiles of tool settings (config/profile.h).
//
//   [profiles.default]
//   region = "cn-hangzhou"
//   [profiles.prod]
//   region = "cn-shanghai"
//   signature = "v3"
//   credentialsProfile = "prod"      # a profile of ~/.aliyun/config.json
//   [profiles.prod.retry]
//   maxAttempts = 10
//   [profiles.prod.rate]
//   defaultQps = 10
//   [profiles.prod.rate.actions]
//   DescribeInstances = 40
//
// Where: --config FILE, else ./respec.toml, else
// $XDG_CONFIG_HOME/respec/config.toml (else ~/.config/respec/config.toml).
// No file at all is fine: built-in defaults. Which profile: --profile or
// RESPEC_PROFILE (the caller passes it), else "default"; a profile asked for
// by name must exist.
//
// Errors: all problems are returned as diagnostics (FILE:LINE:COL: message):
// TOML syntax, unknown keys (with did-you-mean), wrong types, numbers out of
// range. respec never reads secrets from this file: a secret-looking key is
// an error, plus a warning when the file is readable by group or others.
// Values of such keys are never echoed. Nothing throws.
//
// Threads: no shared state; call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/environment.h"
#include "core/diagnostic.h"
#include "config/profile.h"

namespace respec {

struct ConfigRequest {
  std::string explicit_path;      // --config; "" = search the usual places
  std::string profile;            // --profile / RESPEC_PROFILE; "" = "default"
  std::string working_dir = ".";  // where respec.toml is looked for
  EnvLookup env;                  // XDG_CONFIG_HOME, HOME; null = the process's
};

// Picks the file and the profile. *used_path is the file read ("" when none
// was found). Returns false when there are errors (warnings alone are fine).
bool LoadProfile(const ConfigRequest& request, Profile* out, std::string* used_path,
                 std::vector<Diagnostic>* diags);

// The same on text in memory; `file` names it in messages. An empty
// `profile` means "default", which may be absent.
bool LoadProfileFromString(std::string_view text, const std::string& file, const std::string& profile,
                           Profile* out, std::vector<Diagnostic>* diags);

// The paths LoadProfile would try, in order (for messages and docs).
std::vector<std::string> ConfigSearchPaths(const ConfigRequest& request);

}  // namespace respec
