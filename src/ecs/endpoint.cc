#include "ecs/endpoint.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdlib>

namespace respec::ecs {
namespace {

bool ValidRegion(const std::string& r) {
  if (r.empty() || r.size() > 64) return false;
  for (char c : r)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
      return false;
  return true;
}

bool ValidHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// The official SDK's endpoint map (@alicloud/ecs20140526 7.11.6, client
// constructor), public, finance and government regions; every region not
// listed uses the regional rule ecs.<region>.aliyuncs.com.
struct MappedRegion {
  const char* region;
  const char* host;
};
constexpr MappedRegion kEndpointMap[] = {
    {"cn-hangzhou", "ecs-cn-hangzhou.aliyuncs.com"},
    {"cn-shanghai-finance-1", "ecs-cn-hangzhou.aliyuncs.com"},
    {"cn-shenzhen-finance-1", "ecs-cn-hangzhou.aliyuncs.com"},
    {"cn-fujian", "ecs-cn-hangzhou.aliyuncs.com"},
    {"cn-north-2-gov-1", "ecs.aliyuncs.com"},
    {"cn-beijing-gov-1", "ecs.aliyuncs.com"},
    {"cn-beijing-finance-pop", "ecs.aliyuncs.com"},
    {"cn-hangzhou-finance", "ecs.aliyuncs.com"},
    {"cn-hongkong-finance-pop", "ecs.aliyuncs.com"},
    {"cn-shanghai-inner", "ecs.aliyuncs.com"},
    {"cn-shenzhen-inner", "ecs.aliyuncs.com"},
    {"cn-wuhan", "ecs.aliyuncs.com"},
    {"cn-yushanfang", "ecs.aliyuncs.com"},
    {"cn-zhangbei", "ecs.aliyuncs.com"},
    {"ap-northeast-2-pop", "ecs.aliyuncs.com"},
    {"rus-west-1-pop", "ecs.aliyuncs.com"},
    {"cn-edge-1", "ecs.cn-qingdao-nebula.aliyuncs.com"},
    {"cn-huhehaote-nebula-1", "ecs.cn-qingdao-nebula.aliyuncs.com"},
    {"cn-zhengzhou-nebula-1", "ecs.cn-qingdao-nebula.aliyuncs.com"},
    {"eu-west-1-oxs", "ecs.cn-shenzhen-cloudstone.aliyuncs.com"},
};

constexpr const char* kRegionPlaceholder = "{region}";

}  // namespace

std::string RedactUserInfo(const std::string& url) {
  size_t sep = url.find("://");
  size_t start = sep == std::string::npos ? 0 : sep + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string::npos) end = url.size();
  size_t at = url.rfind('@', end == 0 ? 0 : end - 1);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + "***" + url.substr(at);
}

TimeScaleChoice RehearsalTimeScale(const std::optional<std::string>& value, const std::string& endpoint_url) {
  TimeScaleChoice out;
  if (!value) return out;
  const std::string shown = endpoint_url.empty() ? "the regional default endpoint" : RedactUserInfo(endpoint_url);
  auto check = ResolveEndpoint(endpoint_url, "cn-hangzhou", false);
  if (!check.endpoint || !check.endpoint->loopback) {
    out.error = "RESPEC_TIME_SCALE is set, but it is honoured only against a loopback endpoint (a `respec "
                "emulator` rehearsal) and the endpoint is " + shown +
                "; unset it: production timeouts are never shortened";
    return out;
  }
  char* end = nullptr;
  double v = std::strtod(value->c_str(), &end);
  if (value->empty() || end != value->c_str() + value->size() || !(v > 0) || v > 1e6) {
    out.error = "RESPEC_TIME_SCALE=\"" + *value + "\" is not a number greater than 0 and at most 1000000";
    return out;
  }
  out.scale = v;
  return out;
}

std::string DefaultEndpointHost(const std::string& region) {
  for (const auto& m : kEndpointMap)
    if (region == m.region) return m.host;
  return "ecs." + region + ".aliyuncs.com";
}

bool IsEndpointTemplate(const std::string& url) {
  return url.find(kRegionPlaceholder) != std::string::npos;
}

bool IsLoopbackHost(const std::string& host) {
  std::string h;
  for (char c : host) h.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (h == "localhost" || h == "localhost." || h == "::1") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

EndpointCheck ResolveEndpoint(const std::string& override_url, const std::string& region,
                              bool with_sts_token) {
  EndpointCheck out;
  std::string url = override_url;
  if (url.empty() || IsEndpointTemplate(url)) {
    if (!ValidRegion(region)) {
      out.error = region.empty()
                      ? "no region: set `region` in the profile or the fleet spec, or give --endpoint"
                      : "region \"" + region + "\" is not a valid region ID (e.g. cn-hangzhou)";
      return out;
    }
    if (url.empty()) {
      url = "https://" + DefaultEndpointHost(region);
    } else {
      const std::string ph = kRegionPlaceholder;
      for (size_t p = url.find(ph); p != std::string::npos; p = url.find(ph, p + region.size()))
        url.replace(p, ph.size(), region);
    }
  }
  // Never echo user-info: it may hold a password.
  const std::string quoted = "endpoint \"" + RedactUserInfo(url) + "\"";
  Endpoint e;
  size_t sep = url.find("://");
  if (sep == std::string::npos) {
    out.error = quoted + " has no scheme; write https://HOST (or http://127.0.0.1:PORT for the emulator)";
    return out;
  }
  for (size_t i = 0; i < sep; ++i)
    e.scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(url[i]))));
  if (e.scheme != "https" && e.scheme != "http") {
    out.error = quoted + ": only https:// (or http:// to a local emulator) is supported";
    return out;
  }
  std::string rest = url.substr(sep + 3);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (RedactUserInfo(url) != url) {
    out.error = quoted + ": user information (user:password@) is not allowed in the endpoint; "
                "credentials come from the environment or ~/.aliyun/config.json";
    return out;
  }
  if (rest.find_first_of("/?#@") != std::string::npos) {
    out.error = quoted + ": give only scheme://host[:port], without a path, query or user";
    return out;
  }
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) {
      out.error = quoted + ": unterminated IPv6 address";
      return out;
    }
    e.host = rest.substr(1, close - 1);
    in6_addr v6{};
    if (inet_pton(AF_INET6, e.host.c_str(), &v6) != 1) {
      out.error = quoted + ": \"" + e.host + "\" is not an IPv6 address";
      return out;
    }
    rest = rest.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') {
        out.error = quoted + ": unexpected text after the IPv6 address";
        return out;
      }
      e.port = rest.substr(1);
    }
  } else {
    size_t colon = rest.find(':');
    e.host = rest.substr(0, colon);
    if (colon != std::string::npos) e.port = rest.substr(colon + 1);
    for (char c : e.host) {
      if (!ValidHostChar(c)) {
        out.error = quoted + ": the host contains '" + std::string(1, c) + "'";
        return out;
      }
    }
  }
  if (e.host.empty()) {
    out.error = quoted + " has no host";
    return out;
  }
  if (!e.port.empty()) {
    bool digits = e.port.size() <= 5;
    for (char c : e.port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits || std::stoi(e.port) < 1 || std::stoi(e.port) > 65535) {
      out.error = quoted + ": port \"" + e.port + "\" is not a number from 1 to 65535";
      return out;
    }
  }
  e.loopback = IsLoopbackHost(e.host);
  std::string host_part = e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host;
  e.host_header = host_part + (e.port.empty() ? "" : ":" + e.port);
  e.base_url = e.scheme + "://" + e.host_header;
  if (e.scheme == "http" && !e.loopback) {
    if (with_sts_token) {
      out.error = quoted + ": plain http to a non-loopback host would send the STS SecurityToken "
                  "unencrypted; use https, or a loopback address for the emulator";
      return out;
    }
    out.warning = "warning: " + quoted + " is plain http to a non-loopback host: requests and "
                  "responses travel unencrypted (the AccessKeySecret itself is never sent)";
  }
  out.endpoint = std::move(e);
  return out;
}

}  // namespace respec::ecs
