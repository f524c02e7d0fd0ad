// A tiny HTTP/1.1 server on 127.0.0.1 for the client's transport tests:
// keep-alive, records every request, answers with what the test's handler
// says (a response, a delay, or closing the connection without answering).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace respec::testing {

struct SeenRequest {
  std::string method;
  std::string target;  // path?query
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

struct Reply {
  int status = 200;
  std::string body = R"({"RequestId":"R-1"})";
  int delay_ms = 0;
  bool close_without_answer = false;
  std::string extra_headers;  // "Name: value\r\n" lines added to the answer
};

class MiniServer {
 public:
  using Handler = std::function<Reply(const SeenRequest&)>;
  explicit MiniServer(Handler h) : handler_(std::move(h)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 64);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    accept_ = std::thread([this] { AcceptLoop(); });
  }
  ~MiniServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    accept_.join();
    {
      std::lock_guard<std::mutex> l(mu_);
      for (int c : open_) shutdown(c, SHUT_RDWR);  // unblocks idle keep-alive reads
    }
    for (auto& t : conns_) t.join();
    for (int c : open_) close(c);
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenRequest> requests() {
    std::lock_guard<std::mutex> l(mu_);
    return seen_;
  }
  int connections() const { return connections_; }

 private:
  void AcceptLoop() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      std::lock_guard<std::mutex> l(mu_);
      open_.push_back(c);
      conns_.emplace_back([this, c] { Serve(c); });
    }
  }
  void Serve(int c) {
    std::string buf;
    char tmp[8192];
    while (!stop_) {
      size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = recv(c, tmp, sizeof tmp, 0);
        if (n <= 0) {
          shutdown(c, SHUT_RDWR);
          return;
        }
        buf.append(tmp, static_cast<size_t>(n));
      }
      SeenRequest r;
      std::string head = buf.substr(0, end);
      buf.erase(0, end + 4);
      size_t line_end = head.find("\r\n");
      std::string line = head.substr(0, line_end);
      size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
      r.method = line.substr(0, sp1);
      r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
      size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        size_t e = head.find("\r\n", pos);
        if (e == std::string::npos) e = head.size();
        std::string h = head.substr(pos, e - pos);
        size_t colon = h.find(':');
        if (colon != std::string::npos) {
          std::string k = h.substr(0, colon), v = h.substr(colon + 1);
          for (char& ch : k) ch = static_cast<char>(tolower(ch));
          while (!v.empty() && v[0] == ' ') v.erase(0, 1);
          r.headers[k] = v;
        }
        pos = e + 2;
      }
      size_t want = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
      while (buf.size() < want) {
        ssize_t n = recv(c, tmp, sizeof tmp, 0);
        if (n <= 0) {
          shutdown(c, SHUT_RDWR);
          return;
        }
        buf.append(tmp, static_cast<size_t>(n));
      }
      r.body = buf.substr(0, want);
      buf.erase(0, want);
      {
        std::lock_guard<std::mutex> l(mu_);
        seen_.push_back(r);
      }
      Reply rep = handler_(r);
      if (rep.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(rep.delay_ms));
      if (rep.close_without_answer) {
        shutdown(c, SHUT_RDWR);
        return;
      }
      std::string out = "HTTP/1.1 " + std::to_string(rep.status) + " X\r\nContent-Type: application/json\r\n"
                        "Content-Length: " + std::to_string(rep.body.size()) + "\r\n" + rep.extra_headers +
                        "\r\n" + rep.body;
      if (send(c, out.data(), out.size(), MSG_NOSIGNAL) < 0) {
        shutdown(c, SHUT_RDWR);
        return;
      }
    }
    shutdown(c, SHUT_RDWR);
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread accept_;
  std::mutex mu_;
  std::vector<std::thread> conns_;
  std::vector<int> open_;
  std::vector<SeenRequest> seen_;
};

}  // namespace respec::testing
