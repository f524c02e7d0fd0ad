// Finds the AccessKey to sign ECS requests with, the way Alibaba Cloud's own
// tools do, in this order:
//   1. ALIBABA_CLOUD_ACCESS_KEY_ID + ALIBABA_CLOUD_ACCESS_KEY_SECRET
//      (+ ALIBABA_CLOUD_SECURITY_TOKEN for STS) in the environment;
//   2. a profile of the aliyun CLI's ~/.aliyun/config.json: the one named by
//      respec.toml's credentialsProfile, else $ALIBABA_CLOUD_PROFILE, else
//      the file's "current" profile. Modes AK and StsToken.
//
// Errors: returned as messages that name the file, the profile and the
// field, never a value. A config.json readable by group or others gets a
// warning. Nothing throws. The environment and home directory are inputs,
// so tests never touch the real ones.
//
// Threads: no shared state.
#pragma once

#include <string>
#include <vector>

#include "cloud/credentials.h"
#include "config/environment.h"

namespace respec {

struct CredentialSources {
  EnvLookup env;                   // null = the process environment
  std::string home_dir;            // "" = $HOME from `env`
  std::string aliyun_profile;      // Profile::credentials_profile; "" = see above
};

struct CredentialsResult {
  Credentials credentials;            // filled when ok
  std::vector<std::string> errors;    // why none could be found
  std::vector<std::string> warnings;  // e.g. config.json readable by others
  bool ok() const { return errors.empty() && !credentials.empty(); }
};

CredentialsResult LoadCredentials(const CredentialSources& sources);

}  // namespace respec
