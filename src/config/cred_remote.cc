// The links that fetch credentials over HTTP without STS: the ECS instance
// RAM role from the metadata service (hardened mode: a session token from
// PUT /latest/api/token, sent as X-aliyun-ecs-metadata-token) and a
// credentials URI. Both answer {"Code":"Success","AccessKeyId",...}.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/credential_chain.h"
#include "core/timefmt.h"
#include "ecs/endpoint.h"

namespace respec {
namespace {

constexpr const char* kMetadataDefault = "http://100.100.100.200";

struct Fetched {
  int status = 0;
  std::string body;
};

StatusOr<Fetched> Fetch(ecs::HttpTransport& t, const std::string& method, const std::string& url,
                        std::vector<std::pair<std::string, std::string>> headers,
                        const std::string& what) {
  ecs::HttpRequest req;
  req.method = method;
  req.url = url;
  req.headers = std::move(headers);
  Result<ecs::RawResponse> r = t.Send(req, ecs::CallInfo{what, "", ""});
  if (!r.ok()) return Status::IOError(r.error().message);
  return Fetched{r.value().http_status, std::move(r.value().body)};
}

// The JSON both services answer. Never quotes the body: it holds a secret.
StatusOr<Credentials> ParseCredentialsJson(const std::string& body, const std::string& source) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  auto str = [&](const char* k) -> std::string {
    if (!doc.is_object()) return "";
    auto it = doc.find(k);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (doc.is_discarded() || !doc.is_object())
    return Status::Invalid(fmt::format("{}: the answer is not a JSON object ({} bytes, not shown)", source,
                                       body.size()));
  if (str("Code") != "Success")
    return Status::Invalid(fmt::format("{}: Code is \"{}\", not \"Success\"", source, str("Code").substr(0, 60)));
  Credentials c;
  c.access_key_id = str("AccessKeyId");
  c.access_key_secret = str("AccessKeySecret");
  c.security_token = str("SecurityToken");
  c.source = source;
  std::string exp = str("Expiration");
  if (!exp.empty()) {
    c.expiration = ParseUtcTime(exp);
    if (!c.expiration) return Status::Invalid(source + ": Expiration is not yyyy-MM-ddTHH:mm:ssZ");
  }
  if (c.empty()) return Status::Invalid(source + ": AccessKeyId or AccessKeySecret is missing");
  return c;
}

std::string MetadataBase(const ChainContext& ctx) {
  std::string e = ctx.Get("RESPEC_ECS_METADATA_ENDPOINT");
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e.empty() ? kMetadataDefault : e;
}

}  // namespace

std::shared_ptr<CredentialsProvider> MakeEcsMetadataProvider(const ChainContext& ctx, std::string role,
                                                             std::string source) {
  ecs::TransportOptions to = ctx.transport;
  // The metadata service answers at once or not at all (off ECS).
  to.connect_timeout = Millis(1000);
  to.total_timeout = Millis(3000);
  auto transport = std::make_shared<ecs::HttpTransport>(to);
  std::string base = MetadataBase(ctx);
  bool v1_disabled = ctx.IsTrue("ALIBABA_CLOUD_IMDSV1_DISABLED");
  auto fetch = [transport, base, role, source, v1_disabled]() -> StatusOr<Credentials> {
    std::vector<std::pair<std::string, std::string>> auth;
    StatusOr<Fetched> tok = Fetch(*transport, "PUT", base + "/latest/api/token",
                                  {{"X-aliyun-ecs-metadata-token-ttl-seconds", "21600"}}, "metadata token");
    if (tok.ok() && tok.value().status == 200) {
      auth.emplace_back("X-aliyun-ecs-metadata-token", tok.value().body);
    } else if (v1_disabled) {
      return Status::IOError(fmt::format(
          "{}: no metadata session token from {} ({}) and ALIBABA_CLOUD_IMDSV1_DISABLED is set", source, base,
          tok.ok() ? fmt::format("HTTP {}", tok.value().status) : tok.status().message()));
    }
    std::string name = role;
    const std::string dir = base + "/latest/meta-data/ram/security-credentials/";
    if (name.empty()) {
      StatusOr<Fetched> r = Fetch(*transport, "GET", dir, auth, "metadata role name");
      if (!r.ok()) return Status::IOError(fmt::format("{}: {} is unreachable: {}", source, base, r.status().message()));
      if (r.value().status != 200)
        return Status::IOError(fmt::format("{}: the instance has no RAM role ({} answered HTTP {})", source, dir,
                                           r.value().status));
      name = r.value().body;
      while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
      if (name.empty() || name.find('/') != std::string::npos)
        return Status::Invalid(source + ": the metadata service named no usable role");
    }
    StatusOr<Fetched> r = Fetch(*transport, "GET", dir + name, auth, "metadata credentials");
    if (!r.ok()) return Status::IOError(fmt::format("{}: {} is unreachable: {}", source, base, r.status().message()));
    if (r.value().status != 200)
      return Status::IOError(fmt::format("{}: {}{} answered HTTP {}", source, dir, name, r.value().status));
    StatusOr<Credentials> c = ParseCredentialsJson(r.value().body, source);
    if (c.ok()) c.value().role = name;
    return c;
  };
  return std::make_shared<RefreshingProvider>(source, std::move(fetch), ctx.clock);
}

std::shared_ptr<CredentialsProvider> MakeUriProvider(const ChainContext& ctx, std::string uri,
                                                     std::string source) {
  auto transport = std::make_shared<ecs::HttpTransport>(ctx.transport);
  auto fetch = [transport, uri, source]() -> StatusOr<Credentials> {
    StatusOr<Fetched> r = Fetch(*transport, "GET", uri, {}, "credentials URI");
    if (!r.ok()) return Status::IOError(fmt::format("{}: {}", source, r.status().message()));
    if (r.value().status != 200)
      return Status::IOError(fmt::format("{}: the URI answered HTTP {}", source, r.value().status));
    return ParseCredentialsJson(r.value().body, source);
  };
  return std::make_shared<RefreshingProvider>(source, std::move(fetch), ctx.clock);
}

SourceAttempt EcsMetadataSource(const ChainContext& ctx) {
  const std::string name = "ECS instance RAM role (metadata service)";
  if (ctx.IsTrue("ALIBABA_CLOUD_ECS_METADATA_DISABLED"))
    return SourceAttempt::NotConfigured(name, "ALIBABA_CLOUD_ECS_METADATA_DISABLED is true");
  std::string role = ctx.Get("ALIBABA_CLOUD_ECS_METADATA");
  return SourceAttempt::Ok(name, MakeEcsMetadataProvider(ctx, role, name));
}

SourceAttempt CredentialsUriSource(const ChainContext& ctx) {
  const std::string name = "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI)";
  std::string uri = ctx.Get("ALIBABA_CLOUD_CREDENTIALS_URI");
  if (uri.empty()) return SourceAttempt::NotConfigured(name, "ALIBABA_CLOUD_CREDENTIALS_URI is not set");
  return SourceAttempt::Ok(name, MakeUriProvider(ctx, uri, name));
}

}  // namespace respec
