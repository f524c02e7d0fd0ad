#include "ecs/http_transport.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <string_view>
#include <atomic>
#include <mutex>

#include "cloud/error_table.h"

namespace respec::ecs {
namespace {

std::once_flag g_curl_init;

struct Sink {
  std::string* body;
  size_t max;
  bool overflow = false;
};

size_t Write(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t len = size * n;
  if (s->body->size() + len > s->max) {
    s->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  s->body->append(data, len);
  return len;
}

// Reads the one response header respec uses: x-acs-retry-after (ms).
size_t Header(char* data, size_t size, size_t n, void* user) {
  size_t len = size * n;
  std::string_view line(data, len);
  constexpr std::string_view kName = "x-acs-retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    if (match) {
      std::string_view v = line.substr(kName.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      long long ms = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
      if (ec == std::errc() && end != v.data() && ms >= 0)
        *static_cast<long long*>(user) = ms;
    }
  }
  return len;
}

CloudError TransportError(const std::string& code, const std::string& message, bool ambiguous,
                          const CallInfo& call) {
  CloudError e = MakeCloudError(code, message, 0);
  e.http_status = 0;
  e.ambiguous = ambiguous;
  e.action = call.action;
  e.instance_id = call.instance_id;
  return e;
}

}  // namespace

struct HttpTransport::Impl {
  TransportOptions opt;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex pool_mu;
  std::vector<CURL*> idle;
  std::atomic<int> created{0};

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[data].unlock();
  }

  CURL* Take() {
    {
      std::lock_guard<std::mutex> l(pool_mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    ++created;
    return curl_easy_init();
  }

  void Give(CURL* h) {
    {
      std::lock_guard<std::mutex> l(pool_mu);
      if (idle.size() < opt.max_idle_handles) {
        idle.push_back(h);
        return;
      }
    }
    curl_easy_cleanup(h);
  }
};

HttpTransport::HttpTransport(TransportOptions options) : impl_(std::make_unique<Impl>()) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->opt = std::move(options);
  impl_->share = curl_share_init();
  if (impl_->share) {
    curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
    curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
    curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
    curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

HttpTransport::~HttpTransport() {
  for (CURL* h : impl_->idle) curl_easy_cleanup(h);
  if (impl_->share) curl_share_cleanup(impl_->share);
}

int HttpTransport::handles_created() const { return impl_->created.load(); }

Result<RawResponse> HttpTransport::Send(const HttpRequest& req, const CallInfo& call) {
  CURL* h = impl_->Take();
  if (!h) return TransportError("Transport.ConnectionFailed", "libcurl could not allocate a handle", false, call);
  // reset keeps the handle's live connections and caches, drops the options.
  curl_easy_reset(h);

  RawResponse out;
  Sink sink{&out.body, impl_->opt.max_body};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : req.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  // curl would add "Expect: 100-continue" to large POSTs and an Accept header.
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(impl_->opt.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(impl_->opt.total_timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, impl_->opt.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &out.retry_after_ms);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (impl_->share) curl_easy_setopt(h, CURLOPT_SHARE, impl_->share);
  if (!impl_->opt.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, impl_->opt.ca_bundle.c_str());
  if (req.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    if (req.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  }

  CURLcode rc = curl_easy_perform(h);
  long status = 0;
  long sent = 0;
  long connect_code = 0;
  curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &connect_code);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &sent);
  curl_slist_free_all(headers);
  // The handle must not keep pointers into this frame's buffers.
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);
  impl_->Give(h);

  if (rc == CURLE_OK) {
    out.http_status = static_cast<int>(status);
    return out;
  }
  std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  bool maybe_sent = sent > 0;
  if (rc == CURLE_COULDNT_RESOLVE_PROXY || (connect_code != 0 && connect_code != 200) ||
      detail.find("proxy") != std::string::npos || detail.find("Proxy") != std::string::npos) {
    return TransportError("Transport.ConnectionFailed",
                          fmt::format("{}: the proxy failed ({}{}); check HTTPS_PROXY / NO_PROXY", call.action,
                                      detail, connect_code ? fmt::format(", CONNECT answered {}", connect_code) : ""),
                          maybe_sent, call);
  }
  switch (rc) {
    case CURLE_WRITE_ERROR:
      if (sink.overflow) {
        CloudError e = MakeCloudError(
            "Response.Malformed",
            fmt::format("{}: response body larger than {} bytes", call.action, impl_->opt.max_body),
            static_cast<int>(status));
        e.http_status = static_cast<int>(status);
        e.action = call.action;
        e.instance_id = call.instance_id;
        return e;
      }
      break;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError("Transport.Timeout",
                            fmt::format("{}: no complete answer in time ({}){}", call.action, detail,
                                        maybe_sent ? "; the request may have been accepted" : ""),
                            maybe_sent, call);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return TransportError("Transport.TLS",
                            fmt::format("{}: TLS failure: {}{}", call.action, detail,
                                        impl_->opt.ca_bundle.empty()
                                            ? " (behind a TLS-intercepting proxy? set caBundle in respec.toml or SSL_CERT_FILE)"
                                            : " (CA bundle " + impl_->opt.ca_bundle + ")"),
                            false, call);
    default:
      break;
  }
  return TransportError("Transport.ConnectionFailed",
                        fmt::format("{}: {}{}", call.action, detail,
                                    maybe_sent ? "; the request may have been accepted" : ""),
                        maybe_sent, call);
}

}  // namespace respec::ecs
