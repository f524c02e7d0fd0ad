// Endpoint: where ECS requests go. Default: the official SDK's rule
// (@alicloud/ecs20140526 7.x): a few regions have a fixed host in the SDK's
// endpoint map (cn-hangzhou -> ecs-cn-hangzhou.aliyuncs.com, the finance and
// government regions -> ecs-cn-hangzhou.aliyuncs.com or ecs.aliyuncs.com,
// ...; see DefaultEndpointHost), every other region
// https://ecs.<region>.aliyuncs.com. A profile's `endpoint` or --endpoint
// overrides it: a fixed URL for every region (e.g. http://127.0.0.1:8470
// for `respec emulator`, which serves all regions), or a template with
// `{region}` substituted per call, e.g. https://ecs-vpc.{region}.aliyuncs.com
// for VPC endpoints in a multi-region fleet.
//
// Plain http: the issue allows it "only for loopback, with a warning
// otherwise". Decision: http to a loopback host (127.0.0.0/8, localhost,
// ::1) is accepted silently; http to any other host is accepted with a
// warning (a lab emulator in a container is a real use) EXCEPT when an STS
// SecurityToken would travel with the requests: the token is a bearer
// credential, so that combination is refused. Signatures never expose the
// AccessKeySecret, but the requests' content would be readable on the wire.
// Any other scheme, a missing host, user:password@ or a query/fragment is
// refused with a message naming the endpoint (user-info shown as ***).
//
// Pure functions, thread-safe, no exceptions.
#pragma once

#include <optional>
#include <string>

namespace respec::ecs {

struct Endpoint {
  std::string scheme;    // "https" | "http"
  std::string host;      // without brackets for IPv6
  std::string port;      // "" = scheme default
  std::string base_url;  // scheme://host[:port] (IPv6 bracketed), no trailing slash
  std::string host_header;  // host[:port] as the Host header carries it
  bool loopback = false;
};

struct EndpointCheck {
  std::optional<Endpoint> endpoint;  // set when usable
  std::string error;                 // why not, when unusable
  std::string warning;               // usable, but the user should know
};

// `override_url` empty: the default regional endpoint for `region`.
// `with_sts_token`: requests will carry a SecurityToken.
EndpointCheck ResolveEndpoint(const std::string& override_url, const std::string& region,
                              bool with_sts_token);

bool IsLoopbackHost(const std::string& host);

// RESPEC_TIME_SCALE tells apply the emulator runs N times faster than the
// seeds' timings. It is a rehearsal knob: honoured only when the endpoint
// (`endpoint_url`; empty = the regional default) is loopback, so an
// environment variable can never shrink production timeouts. Unset: scale 1.
// Set against any other endpoint, or not a number in (0, 1e6]: `error`
// says why (the caller refuses to run).
struct TimeScaleChoice {
  double scale = 1;
  std::string error;
};
TimeScaleChoice RehearsalTimeScale(const std::optional<std::string>& value, const std::string& endpoint_url);

// `url` with any user-info ("user:password@") replaced by "***@", for
// messages: a password in an endpoint must never be echoed.
std::string RedactUserInfo(const std::string& url);

// The host the official SDK uses for `region` without an override.
std::string DefaultEndpointHost(const std::string& region);

// True when `url` contains the {region} placeholder.
bool IsEndpointTemplate(const std::string& url);

}  // namespace respec::ecs
