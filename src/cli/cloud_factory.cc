#include "cli/cloud_factory.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "config/config.h"
#include "config/credentials_loader.h"
#include "core/terminal_text.h"
#include "core/version.h"

namespace respec::cli {
namespace {

// Whole lines only, whatever thread they come from.
std::mutex g_log_mu;

std::function<void(std::string_view)> LineSink(std::ostream* sink) {
  return [sink](std::string_view line) {
    std::lock_guard<std::mutex> l(g_log_mu);
    *sink << line << "\n" << std::flush;
  };
}

ecs::TransportOptions ProfileTransport(const Profile& profile) {
  ecs::TransportOptions t;
  t.connect_timeout = Millis(profile.connect_timeout_ms);
  t.total_timeout = Millis(profile.request_timeout_ms);
  t.user_agent = std::string("respec/") + kVersion;
  t.ca_bundle = ChooseCaBundle(profile);
  return t;
}

}  // namespace

std::string ChooseCaBundle(const Profile& profile) {
  if (!profile.ca_bundle.empty()) return profile.ca_bundle;
  for (const char* name : {"SSL_CERT_FILE", "CURL_CA_BUNDLE"})
    if (const char* v = std::getenv(name); v && *v) return v;
  return "";
}

bool BuildCloudStack(const GlobalOptions& g, const Profile& profile, const Credentials& creds,
                     Clock* clock, CloudStack* out, std::string* error, std::string* warning,
                     std::ostream* log) {
  if (creds.empty()) {
    *error = "no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
             "(or configure the aliyun CLI)";
    return false;
  }
  return BuildCloudStack(g, profile, std::make_shared<StaticProvider>(creds), clock, out, error,
                         warning, log);
}

bool BuildCloudStack(const GlobalOptions& g, const Profile& profile,
                     std::shared_ptr<CredentialsProvider> provider, Clock* clock, CloudStack* out,
                     std::string* error, std::string* warning, std::ostream* log) {
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
  eo.transport = ProfileTransport(profile);
  eo.verbosity = g.verbose;
  if (g.verbose > 0) eo.log = LineSink(sink);
  StatusOr<Credentials> creds = provider->Get();
  if (!creds.ok()) {
    *error = creds.status().message();
    return false;
  }
  out->base = ecs::EcsCloud::Create(provider, eo, clock, error, warning);
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
    *sink << fmt::format("ecs: credentials {}, endpoint {}, signature {}\n", creds.value().Redacted(),
                         eo.endpoint.empty() ? "the SDK's endpoint for each region" : eo.endpoint,
                         eo.signature == ecs::SignatureVersion::kV3 ? "V3 ACS3-HMAC-SHA256"
                                                                   : "RPC 1.0 HMAC-SHA1");
  }
  return true;
}

bool LoadCloudStack(const GlobalOptions& g, const std::string& command, Clock* clock,
                    CloudStack* out, Profile* profile, std::ostream& err) {
  return LoadGlobalProfile(g, profile, err) && BuildProfileCloud(g, *profile, command, clock, out, err);
}

bool LoadGlobalProfile(const GlobalOptions& g, Profile* profile, std::ostream& err) {
  ConfigRequest cr;
  cr.explicit_path = g.config;
  cr.profile = g.profile;
  std::string used;
  std::vector<Diagnostic> diags;
  bool ok = LoadProfile(cr, profile, &used, &diags);
  for (const auto& d : diags) err << ForTerminal(d.ToString()) << "\n";
  return ok;
}

CredentialsResult LoadProfileCredentials(const GlobalOptions& g, const Profile& profile,
                                         const std::string& command, Clock* clock, std::ostream& err) {
  const std::string prefix = "respec " + command + ": ";
  CredentialSources src;
  src.aliyun_profile = profile.credentials_profile;
  src.clock = clock;
  src.transport = ProfileTransport(profile);
  src.verbosity = g.verbose;
  if (g.verbose > 0) src.log = LineSink(&err);
  CredentialsResult creds = LoadCredentials(src);
  for (const auto& w : creds.warnings) err << prefix << "warning: " << ForTerminal(w) << "\n";
  if (!creds.ok()) {
    for (const auto& e : creds.errors) err << prefix << ForTerminal(e) << "\n";
    if (creds.errors.empty()) err << prefix << "no credentials found\n";
  } else if (g.verbose > 0) {
    std::lock_guard<std::mutex> l(g_log_mu);
    err << "credentials: from " << creds.provider_name << "\n";
  }
  return creds;
}

bool BuildProfileCloud(const GlobalOptions& g, const Profile& profile, const std::string& command,
                       Clock* clock, CloudStack* out, std::ostream& err) {
  const std::string prefix = "respec " + command + ": ";
  CredentialsResult creds = LoadProfileCredentials(g, profile, command, clock, err);
  if (!creds.ok()) return false;
  std::string error, warning;
  bool built = BuildCloudStack(g, profile, creds.provider, clock, out, &error, &warning, &err);
  if (!warning.empty()) err << prefix << warning << "\n";
  if (!built) err << prefix << error << "\n";
  return built;
}

}  // namespace respec::cli
