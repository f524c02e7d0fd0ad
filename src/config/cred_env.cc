// The first link: an AccessKey (and optionally an STS token) in the
// environment.
#include "config/credential_chain.h"

namespace respec {

SourceAttempt EnvironmentSource(const ChainContext& ctx) {
  const std::string name = "environment AccessKey";
  std::string id = ctx.Get("ALIBABA_CLOUD_ACCESS_KEY_ID");
  std::string secret = ctx.Get("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  if (id.empty() && secret.empty())
    return SourceAttempt::NotConfigured(name, "ALIBABA_CLOUD_ACCESS_KEY_ID is not set");
  if (id.empty())
    return SourceAttempt::Failed(name, "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not");
  if (secret.empty())
    return SourceAttempt::Failed(name, "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not");
  Credentials c;
  c.access_key_id = id;
  c.access_key_secret = secret;
  c.security_token = ctx.Get("ALIBABA_CLOUD_SECURITY_TOKEN");
  c.source = "environment";
  return SourceAttempt::Ok(name, std::make_shared<StaticProvider>(std::move(c)));
}

}  // namespace respec
