// The default credential chain: finds the credentials to sign API requests
// with the way Alibaba Cloud's credentials libraries do, in this order:
//   1. environment AccessKey: ALIBABA_CLOUD_ACCESS_KEY_ID +
//      ALIBABA_CLOUD_ACCESS_KEY_SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN);
//   2. OIDC role: ALIBABA_CLOUD_ROLE_ARN + ALIBABA_CLOUD_OIDC_PROVIDER_ARN +
//      ALIBABA_CLOUD_OIDC_TOKEN_FILE (AssumeRoleWithOIDC; the token file is
//      read again at every refresh);
//   3. a profile of the aliyun CLI's ~/.aliyun/config.json (respec.toml's
//      credentialsProfile, else $ALIBABA_CLOUD_PROFILE, else its current
//      one), modes AK, StsToken, RamRoleArn, EcsRamRole, OIDC,
//      ChainableRamRoleArn, CredentialsURI;
//   4. ~/.alibabacloud/credentials (or $ALIBABA_CLOUD_CREDENTIALS_FILE);
//   5. the ECS instance RAM role from the metadata service (hardened mode
//      first; ALIBABA_CLOUD_ECS_METADATA names the role,
//      ALIBABA_CLOUD_ECS_METADATA_DISABLED=true skips it);
//   6. ALIBABA_CLOUD_CREDENTIALS_URI.
// The first link that is configured AND yields credentials wins; a link
// that is configured but fails is reported as a warning and the next one is
// tried (as the official libraries do). Then, when ALIBABA_CLOUD_ROLE_ARN
// is set without the OIDC variables, that role is assumed with the
// credentials found (explicit role assumption; session name, duration,
// external id and policy from ALIBABA_CLOUD_ROLE_SESSION_NAME,
// ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION, ALIBABA_CLOUD_ROLE_EXTERNAL_ID,
// ALIBABA_CLOUD_ROLE_POLICY). Details of each link: config/credential_chain.h.
//
// Errors: when nothing yields credentials, one error listing every link
// tried and why it did not apply; messages name files, profiles, fields and
// variables, never a value. A config.json readable by group or others gets
// a warning. Nothing throws. The environment, home directory and clock are
// inputs, so tests never touch the real ones.
//
// Threads: no shared state; the provider returned is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cloud/credentials.h"
#include "config/environment.h"
#include "core/clock.h"
#include "ecs/http_transport.h"

namespace respec {

struct CredentialSources {
  EnvLookup env;                   // null = the process environment
  std::string home_dir;            // "" = $HOME from `env`
  std::string aliyun_profile;      // Profile::credentials_profile; "" = see above
  Clock* clock = nullptr;          // null = the system clock
  ecs::TransportOptions transport; // for STS, the metadata service and URIs
  int verbosity = 0;               // >= 1: a line per STS call and refresh
  std::function<void(std::string_view)> log;
};

struct CredentialsResult {
  std::shared_ptr<CredentialsProvider> provider;  // set when ok
  Credentials credentials;            // what the provider gave first (source, role, expiry)
  std::string provider_name;          // the link that supplied them
  std::vector<std::string> tried;     // "link: why not", in order, for every link before it
  std::vector<std::string> errors;    // why none could be found
  std::vector<std::string> warnings;  // configured links that failed; config.json readable by others
  bool ok() const { return provider != nullptr && errors.empty(); }
};

CredentialsResult LoadCredentials(const CredentialSources& sources);

}  // namespace respec
