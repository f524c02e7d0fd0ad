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

// Loads the profile (--config/--profile) and the credentials (environment,
// then ~/.aliyun/config.json), then builds the stack. Diagnostics go to
// `err` prefixed with "respec <command>: ". `profile` receives the profile.
bool LoadCloudStack(const GlobalOptions& g, const std::string& command, Clock* clock,
                    CloudStack* out, Profile* profile, std::ostream& err);

}  // namespace respec::cli
