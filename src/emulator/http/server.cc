#include "emulator/http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/signal_set.hpp>

#include <pthread.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <thread>
#include <vector>

namespace respec::emulator::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

constexpr std::chrono::seconds kIdleTimeout{120};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const RequestHandler* api, const ServerOptions& opts)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), api_(api), opts_(opts) {}

  void Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(opts_.max_body);
    parser_->header_limit(static_cast<std::uint32_t>(opts_.max_header));
    stream_.expires_after(kIdleTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return Reject(413, "RequestEntityTooLarge",
                                                      "The request body exceeds the limit.");
    if (ec == bhttp::error::header_limit)
      return Reject(431, "RequestHeaderFieldsTooLarge", "The request headers exceed the limit.");
    if (ec) return Close();

    auto& req = parser_->get();
    RawRequest raw;
    raw.method = std::string(req.method_string());
    raw.target = std::string(req.target());
    for (const auto& field : req) {
      auto name = field.name_string();
      raw.headers.emplace_back(Lower(std::string_view(name.data(), name.size())),
                               std::string(field.value()));
    }
    raw.body = std::move(req.body());
    keep_alive_ = req.keep_alive();
    unsigned version = req.version();

    ApiResponse ar = (*api_)(raw);
    if (ar.drop) return Drop();
    res_ = {};
    res_.version(version);
    res_.result(static_cast<unsigned>(ar.status));
    res_.set(bhttp::field::server, "respec-emulator");
    res_.set(bhttp::field::content_type, ar.content_type);
    if (ar.retry_after_ms >= 0) res_.set("x-acs-retry-after", std::to_string(ar.retry_after_ms));
    res_.body() = std::move(ar.body);
    res_.keep_alive(keep_alive_);
    res_.prepare_payload();
    if (ar.delay.count() > 0) {
      timer_.expires_after(ar.delay);
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->Write(); });
    } else {
      Write();
    }
  }

  void Reject(int status, const char* code, const char* message) {
    keep_alive_ = false;
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(status));
    res_.set(bhttp::field::content_type, "application/json;charset=utf-8");
    res_.body() = std::string("{\"Code\":\"") + code + "\",\"Message\":\"" + message + "\"}";
    res_.keep_alive(false);
    res_.prepare_payload();
    Write();
  }

  void Write() {
    stream_.expires_after(kIdleTimeout);
    bhttp::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  // A dropped connection: no response, the peer sees the connection reset/closed.
  void Drop() {
    beast::error_code ignored;
    stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  bool keep_alive_ = false;
  const RequestHandler* api_;
  const ServerOptions& opts_;
};

}  // namespace

struct Server::Impl {
  Impl(RequestHandler h, ServerOptions o) : api(std::move(h)), opts(std::move(o)), acceptor(ioc) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      } else {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), &api, opts)->Run();
      }
      Accept();
    });
  }

  RequestHandler api;
  ServerOptions opts;
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> running{false};
  uint16_t port = 0;
};

Server::Server(Api* api, ServerOptions options)
    : Server([api](const RawRequest& r) { return api->Handle(r); }, std::move(options)) {}

Server::Server(RequestHandler handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {}

Server::~Server() { Stop(); }

bool Server::Start(std::string* error) {
  beast::error_code ec;
  auto addr = net::ip::make_address(impl_->opts.host, ec);
  if (ec) {
    *error = "not an IP address: \"" + impl_->opts.host + "\" (use e.g. 127.0.0.1)";
    return false;
  }
  tcp::endpoint ep(addr, impl_->opts.port);
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    *error = "cannot listen on " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) + ": " +
             ec.message();
    return false;
  }
  impl_->port = acc.local_endpoint().port();
  impl_->Accept();
  impl_->running = true;
  int n = impl_->opts.io_threads > 0 ? impl_->opts.io_threads : 1;
  for (int i = 0; i < n; ++i)
    impl_->threads.emplace_back([this] {
      pthread_setname_np(pthread_self(), "respec-io");  // visible in top -H and /proc
      impl_->ioc.run();
    });
  return true;
}

uint16_t Server::port() const { return impl_->port; }
std::string Server::host() const { return impl_->opts.host; }

void Server::Stop() {
  if (!impl_ || !impl_->running.exchange(false)) return;
  net::post(impl_->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

int Server::WaitForSignal() {
  net::io_context sig_ioc;
  net::signal_set signals(sig_ioc, SIGINT, SIGTERM);
  int got = 0;
  signals.async_wait([&](beast::error_code, int sig) { got = sig; });
  sig_ioc.run();
  return got;
}

bool ParseListenAddress(const std::string& text, std::string* host, uint16_t* port,
                        std::string* error) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    *error = "--listen wants HOST:PORT, e.g. 127.0.0.1:8470 (port 0 picks a free one); got \"" +
             text + "\"";
    return false;
  }
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  std::string p = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || value > 65535) {
    *error = "--listen: bad port \"" + p + "\" (0..65535)";
    return false;
  }
  *host = h;
  *port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace respec::emulator::http
