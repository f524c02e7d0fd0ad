// HttpTransport: sends one HTTP request with libcurl and returns the status
// and body, or a CloudError for transport failures:
//   Transport.Timeout           no complete answer within the timeouts
//   Transport.ConnectionFailed  refused, reset, DNS failure, nothing received
//   Transport.TLS               certificate or handshake failure (auth category)
//   Response.Malformed          a body larger than the cap
// `ambiguous` is true only when the request may have reached the server
// (curl sent request bytes); a failure to connect is never ambiguous.
//
// Connection reuse: a pool of easy handles, each keeping its live
// connections between calls; a curl share handle shares the DNS cache and
// TLS sessions among them (with proper lock callbacks). A call takes a
// handle from the pool under a short lock and returns it afterwards: no lock
// is held during a transfer, so calls from many threads run in parallel.
// TLS: peer and host verification always on; CA bundle: TransportOptions::
// ca_bundle (respec.toml caBundle, else SSL_CERT_FILE, else CURL_CA_BUNDLE,
// chosen by the CLI), else the system's.
// Proxies: libcurl honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and the
// lowercase forms); a failure to resolve or reach the proxy, or a proxy that
// refuses the CONNECT, is reported as a proxy failure naming the proxy.
//
// Threads: Send is safe from any number of threads. Ownership: owns its
// handles. Errors never contain the URL's query (it may carry a signature).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cloud/error.h"
#include "core/clock.h"
#include "ecs/decode.h"

namespace respec::ecs {

struct HttpRequest {
  std::string method = "POST";  // GET | POST | PUT (PUT: with `body`)
  std::string url;              // complete, with the query string
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct TransportOptions {
  Millis connect_timeout{5000};
  Millis total_timeout{30000};
  std::string user_agent;        // e.g. respec/0.1.0
  size_t max_body = 32u << 20;   // larger responses are refused
  size_t max_idle_handles = 64;  // pooled easy handles kept for reuse
  std::string ca_bundle;         // PEM file of trusted CAs; "" = the system's
};

class HttpTransport {
 public:
  explicit HttpTransport(TransportOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  Result<RawResponse> Send(const HttpRequest& req, const CallInfo& call);

  // Easy handles created so far (a measure of connection reuse in tests).
  int handles_created() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respec::ecs
