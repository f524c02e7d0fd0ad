#include "config/credentials_loader.h"

#include <fmt/format.h>

#include "config/credential_chain.h"

namespace respec {
namespace {

// Wraps `found` in AssumeRole when ALIBABA_CLOUD_ROLE_ARN asks for it.
std::shared_ptr<CredentialsProvider> ExplicitRole(const ChainContext& ctx,
                                                  std::shared_ptr<CredentialsProvider> found,
                                                  std::string* label, std::string* error) {
  ecs::AssumeRoleParams p;
  p.role_arn = ctx.Get("ALIBABA_CLOUD_ROLE_ARN");
  p.session_name = ctx.Get("ALIBABA_CLOUD_ROLE_SESSION_NAME");
  p.external_id = ctx.Get("ALIBABA_CLOUD_ROLE_EXTERNAL_ID");
  p.policy = ctx.Get("ALIBABA_CLOUD_ROLE_POLICY");
  std::string d = ctx.Get("ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION");
  if (!d.empty() && !ParseSeconds(d, &p.duration_seconds)) {
    *error = "ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION must be a number of seconds";
    return nullptr;
  }
  *label = fmt::format("role {} (ALIBABA_CLOUD_ROLE_ARN) assumed with the {}", p.role_arn, *label);
  return MakeAssumeRoleProvider(ctx, std::move(found), p, *label);
}

}  // namespace

CredentialsResult LoadCredentials(const CredentialSources& sources) {
  static SystemClock system_clock;
  CredentialsResult r;
  ChainContext ctx;
  ctx.env = sources.env ? sources.env : ProcessEnvironment();
  ctx.home = sources.home_dir.empty() ? ctx.Get("HOME") : sources.home_dir;
  ctx.aliyun_profile = sources.aliyun_profile;
  ctx.clock = sources.clock ? sources.clock : &system_clock;
  ctx.transport = sources.transport;
  ctx.verbosity = sources.verbosity;
  ctx.log = sources.log;

  const bool oidc_env = !ctx.Get("ALIBABA_CLOUD_OIDC_PROVIDER_ARN").empty() ||
                        !ctx.Get("ALIBABA_CLOUD_OIDC_TOKEN_FILE").empty();
  const bool explicit_role = !oidc_env && !ctx.Get("ALIBABA_CLOUD_ROLE_ARN").empty();
  std::vector<std::string> failures;
  using Link = std::function<SourceAttempt()>;
  const Link links[] = {
      [&] { return EnvironmentSource(ctx); },
      [&] { return OidcEnvironmentSource(ctx); },
      [&] { return AliyunCliSource(ctx, &r.warnings); },
      [&] { return CredentialsFileSource(ctx); },
      [&] { return EcsMetadataSource(ctx); },
      [&] { return CredentialsUriSource(ctx); },
  };
  for (const Link& link : links) {
    SourceAttempt a = link();
    if (a.kind != SourceAttempt::kOk) {
      r.tried.push_back(a.name + ": " + a.detail);
      if (a.kind == SourceAttempt::kFailed) failures.push_back(a.name + ": " + a.detail);
      continue;
    }
    std::string label = a.name;
    std::shared_ptr<CredentialsProvider> provider = a.provider;
    if (explicit_role) {
      std::string error;
      provider = ExplicitRole(ctx, provider, &label, &error);
      if (!provider) {
        r.errors.push_back(error);
        return r;
      }
    }
    StatusOr<Credentials> got = provider->Get();
    if (!got.ok()) {
      r.tried.push_back(label + ": " + got.status().message());
      failures.push_back(r.tried.back());
      continue;
    }
    r.provider = std::move(provider);
    r.credentials = std::move(got.value());
    r.provider_name = label;
    for (const auto& f : failures) r.warnings.push_back("skipped " + f);
    return r;
  }
  std::string msg = "no credentials: nothing in Alibaba Cloud's default chain supplied them; tried, in order:";
  for (size_t i = 0; i < r.tried.size(); ++i) msg += fmt::format("\n  {}. {}", i + 1, r.tried[i]);
  msg += "\n  (set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or see README \"Credentials\")";
  r.errors.push_back(msg);
  return r;
}

}  // namespace respec
