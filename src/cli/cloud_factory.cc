#include "cli/cloud_factory.h"

#include <fmt/format.h>

#include <iostream>
#include <mutex>

#include "config/config.h"
#include "config/credentials_loader.h"
#include "core/version.h"

namespace respec::cli {
namespace {

// Whole lines only, whatever thread they come from.
std::mutex g_log_mu;

}  // namespace

bool BuildCloudStack(const GlobalOptions& g, const Profile& profile, const Credentials& creds,
                     Clock* clock, CloudStack* out, std::string* error, std::string* warning,
                     std::ostream* log) {
  std::ostream* sink = log ? log : &std::cerr;
  ecs::EcsOptions eo;
  eo.endpoint = !g.endpoint.empty() ? g.endpoint : profile.endpoint;
  if (profile.signature == "v1" || profile.signature == "rpc") {
    eo.signature = ecs::SignatureVersion::kRpc1;
  } else if (profile.signature.empty() || profile.signature == "v3") {
    eo.signature = ecs::SignatureVersion::kV3;
  } else {
    *error = "profile \"" + profile.name + "\": signature \"" + profile.signature +
             "\" is not one of v3, v1";
    return false;
  }
  eo.transport.connect_timeout = Millis(profile.connect_timeout_ms);
  eo.transport.total_timeout = Millis(profile.request_timeout_ms);
  eo.transport.user_agent = std::string("respec/") + kVersion;
  eo.verbosity = g.verbose;
  if (g.verbose > 0) {
    eo.log = [sink](std::string_view line) {
      std::lock_guard<std::mutex> l(g_log_mu);
      *sink << line << "\n" << std::flush;
    };
  }
  out->base = ecs::EcsCloud::Create(creds, eo, clock, error, warning);
  if (!out->base) return false;
  out->retrying = std::make_unique<RetryingCloud>(out->base.get(), RetryPolicy::From(profile.retry),
                                                  profile.rate, clock);
  if (g.verbose > 0) {
    out->retrying->SetRetryObserver([sink](const RetryEvent& e) {
      std::lock_guard<std::mutex> l(g_log_mu);
      *sink << fmt::format("retry: {}{}{} failed with {} (attempt {}), next try in {} ms\n", e.action,
                           e.instance_id.empty() ? "" : " ", e.instance_id, e.code, e.attempt,
                           e.delay.count())
            << std::flush;
    });
  }
  if (g.verbose > 0) {
    std::lock_guard<std::mutex> l(g_log_mu);
    *sink << fmt::format("ecs: credentials {}, endpoint {}, signature {}\n", creds.Redacted(),
                         eo.endpoint.empty() ? "the SDK's endpoint for each region" : eo.endpoint,
                         eo.signature == ecs::SignatureVersion::kV3 ? "V3 ACS3-HMAC-SHA256"
                                                                   : "RPC 1.0 HMAC-SHA1");
  }
  return true;
}

bool LoadCloudStack(const GlobalOptions& g, const std::string& command, Clock* clock,
                    CloudStack* out, Profile* profile, std::ostream& err) {
  const std::string prefix = "respec " + command + ": ";
  ConfigRequest cr;
  cr.explicit_path = g.config;
  cr.profile = g.profile;
  std::string used;
  std::vector<ConfigDiagnostic> diags;
  bool ok = LoadProfile(cr, profile, &used, &diags);
  for (const auto& d : diags) err << d.ToString() << "\n";
  if (!ok) return false;

  CredentialSources src;
  src.aliyun_profile = profile->credentials_profile;
  CredentialsResult creds = LoadCredentials(src);
  for (const auto& w : creds.warnings) err << prefix << "warning: " << w << "\n";
  if (!creds.ok()) {
    for (const auto& e : creds.errors) err << prefix << e << "\n";
    if (creds.errors.empty()) err << prefix << "no credentials found\n";
    return false;
  }
  std::string error, warning;
  bool built = BuildCloudStack(g, *profile, creds.credentials, clock, out, &error, &warning, &err);
  if (!warning.empty()) err << prefix << warning << "\n";
  if (!built) err << prefix << error << "\n";
  return built;
}

}  // namespace respec::cli
