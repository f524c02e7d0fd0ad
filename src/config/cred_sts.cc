// The STS-backed links: OIDC role assumption (from the environment or a
// config.json OIDC profile) and AssumeRole on top of any other provider.
#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "config/credential_chain.h"

namespace respec {
namespace {

constexpr size_t kMaxOidcTokenBytes = 64 * 1024;

StatusOr<Credentials> FromCloud(const std::string& source, Result<Credentials> r) {
  if (!r.ok()) {
    const CloudError& e = r.error();
    return Status::IOError(fmt::format("{}: STS refused: {} {}{}", source, e.code, e.message,
                                       e.request_id.empty() ? "" : " (RequestId " + e.request_id + ")"));
  }
  Credentials c = std::move(r.value());
  c.source = source;
  return c;
}

}  // namespace

bool ChainContext::IsTrue(const char* name) const {
  std::string v = Get(name);
  for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return v == "true" || v == "1";
}

std::string ChainContext::StsEndpoint() const {
  std::string e = Get("RESPEC_STS_ENDPOINT");
  if (!e.empty()) return e;
  return ecs::StsEndpointFor(Get("ALIBABA_CLOUD_STS_REGION"), IsTrue("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED"));
}

std::unique_ptr<ecs::StsClient> ChainContext::NewSts() const {
  ecs::StsOptions o;
  o.endpoint = StsEndpoint();
  o.transport = transport;
  o.verbosity = verbosity;
  o.log = log;
  return std::make_unique<ecs::StsClient>(std::move(o), clock);
}

bool ParseSeconds(const std::string& text, int* out) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return false;
  *out = v;
  return true;
}

std::string SessionNameOr(const ChainContext& ctx, const std::string& name) {
  if (!name.empty()) return name;
  return fmt::format("respec-{}", std::chrono::duration_cast<std::chrono::seconds>(
                                      ctx.clock->Now().time_since_epoch()).count());
}

std::shared_ptr<CredentialsProvider> MakeOidcProvider(const ChainContext& ctx, ecs::OidcRoleParams p,
                                                      std::string token_file, std::string source) {
  std::shared_ptr<ecs::StsClient> sts = ctx.NewSts();
  p.session_name = SessionNameOr(ctx, p.session_name);
  auto fetch = [sts, p, token_file, source]() mutable -> StatusOr<Credentials> {
    // The CI system rewrites the token file; read it on every refresh.
    std::ifstream in(token_file, std::ios::binary);
    if (!in) return Status::NotFound(source + ": cannot read the OIDC token file " + token_file);
    std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (token.size() > kMaxOidcTokenBytes)
      return Status::Invalid(fmt::format("{}: the OIDC token file {} is larger than {} bytes", source,
                                         token_file, kMaxOidcTokenBytes));
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    if (token.empty()) return Status::Invalid(source + ": the OIDC token file " + token_file + " is empty");
    p.oidc_token = std::move(token);
    return FromCloud(source, sts->AssumeRoleWithOidc(p));
  };
  return std::make_shared<RefreshingProvider>(source, std::move(fetch), ctx.clock);
}

std::shared_ptr<CredentialsProvider> MakeAssumeRoleProvider(const ChainContext& ctx,
                                                            std::shared_ptr<CredentialsProvider> base,
                                                            ecs::AssumeRoleParams p, std::string source) {
  std::shared_ptr<ecs::StsClient> sts = ctx.NewSts();
  p.session_name = SessionNameOr(ctx, p.session_name);
  auto fetch = [sts, base, p, source]() -> StatusOr<Credentials> {
    StatusOr<Credentials> caller = base->Get();
    if (!caller.ok()) return caller.status();
    return FromCloud(source, sts->AssumeRole(caller.value(), p));
  };
  return std::make_shared<RefreshingProvider>(source, std::move(fetch), ctx.clock);
}

SourceAttempt OidcEnvironmentSource(const ChainContext& ctx) {
  const std::string name = "OIDC role (environment)";
  std::string role = ctx.Get("ALIBABA_CLOUD_ROLE_ARN");
  std::string provider = ctx.Get("ALIBABA_CLOUD_OIDC_PROVIDER_ARN");
  std::string file = ctx.Get("ALIBABA_CLOUD_OIDC_TOKEN_FILE");
  if (provider.empty() && file.empty())
    return SourceAttempt::NotConfigured(name, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set");
  std::vector<std::string> missing;
  if (role.empty()) missing.push_back("ALIBABA_CLOUD_ROLE_ARN");
  if (provider.empty()) missing.push_back("ALIBABA_CLOUD_OIDC_PROVIDER_ARN");
  if (file.empty()) missing.push_back("ALIBABA_CLOUD_OIDC_TOKEN_FILE");
  if (!missing.empty())
    return SourceAttempt::Failed(name, fmt::format("{} not set (OIDC needs ALIBABA_CLOUD_ROLE_ARN, "
                                                   "ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE)",
                                                   fmt::join(missing, ", ")));
  ecs::OidcRoleParams p;
  p.role_arn = role;
  p.provider_arn = provider;
  p.session_name = ctx.Get("ALIBABA_CLOUD_ROLE_SESSION_NAME");
  p.policy = ctx.Get("ALIBABA_CLOUD_ROLE_POLICY");
  std::string d = ctx.Get("ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION");
  if (!d.empty()) {
    if (!ParseSeconds(d, &p.duration_seconds))
      return SourceAttempt::Failed(name, "ALIBABA_CLOUD_ROLE_SESSION_EXPIRATION must be a number of seconds");
  }
  return SourceAttempt::Ok(name, MakeOidcProvider(ctx, p, file, name));
}

}  // namespace respec
