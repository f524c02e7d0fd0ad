// CloudFactory: builds the Cloud every cloud-touching command uses — the ECS
// client (ecs/ecs_cloud.h) behind the retrying, rate-limited wrapper
// (cloud/retrying_cloud.h) — from the global flags, the profile and the
// credentials.
//
// Endpoint: --endpoint, else the profile's endpoint, else the regional
// default. Signature: the profile's ("v3" default, "v1" = RPC 1.0).
// Logging (stderr, one line at a time from any thread): -v prints one line
// per API call and each retry; -vv adds the call's parameters. Secrets are
// never printed (see ecs_cloud.h).
//
// Errors: false plus a one-line message; warnings (e.g. plain http to a
// non-loopback host) are returned for the caller to print. Nothing throws.
// Ownership: the stack owns the client and the wrapper; borrows the clock.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cloud/credentials.h"
#include "cloud/retrying_cloud.h"
#include "config/credentials_loader.h"
#include "config/profile.h"
#include "core/clock.h"
#include "ecs/ecs_cloud.h"

namespace respec::cli {

struct CloudStack {
  std::unique_ptr<ecs::EcsCloud> base;
  std::unique_ptr<RetryingCloud> retrying;
  Cloud* cloud() { return retrying.get(); }
};

// `log` receives the -v/-vv lines; null = std::cerr.
bool BuildCloudStack(const GlobalOptions& g, const Profile& profile, const Credentials& creds,
                     Clock* clock, CloudStack* out, std::string* error, std::string* warning,
                     std::ostream* log = nullptr);
bool BuildCloudStack(const GlobalOptions& g, const Profile& profile,
                     std::shared_ptr<CredentialsProvider> creds, Clock* clock, CloudStack* out,
                     std::string* error, std::string* warning, std::ostream* log = nullptr);

// Runs the default credential chain (config/credentials_loader.h) for the
// profile: transport settings (timeouts, caBundle / SSL_CERT_FILE /
// CURL_CA_BUNDLE) from the profile, STS and refresh lines to `err` at -v.
// Warnings and errors go to `err` prefixed with "respec <command>: ".
CredentialsResult LoadProfileCredentials(const GlobalOptions& g, const Profile& profile,
                                         const std::string& command, Clock* clock, std::ostream& err);

// The credential chain, then the stack, for a loaded profile.
bool BuildProfileCloud(const GlobalOptions& g, const Profile& profile, const std::string& command,
                       Clock* clock, CloudStack* out, std::ostream& err);

// Loads the profile named by --config/--profile; diagnostics to `err`.
bool LoadGlobalProfile(const GlobalOptions& g, Profile* profile, std::ostream& err);

// Loads the profile (--config/--profile), then BuildProfileCloud.
// `profile` receives the profile.
bool LoadCloudStack(const GlobalOptions& g, const std::string& command, Clock* clock,
                    CloudStack* out, Profile* profile, std::ostream& err);

// The CA bundle to trust: the profile's caBundle, else $SSL_CERT_FILE, else
// $CURL_CA_BUNDLE, else "" (the system's).
std::string ChooseCaBundle(const Profile& profile);

}  // namespace respec::cli
