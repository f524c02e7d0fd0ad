// Server: the emulator's HTTP/1.1 listener (Boost.Beast on Asio). A few io
// threads serve keep-alive connections; each request is handed to the Api
// and its response written back, after a delay (slow fault) or not at all
// (drop fault: the connection is closed after the action was performed).
// Requests are bounded: bodies over max_body get 413, headers over
// max_header get 431, and the connection is closed.
//
// Errors: Start returns false with a message (bad address, port in use).
// Threads: Start/Stop/WaitForSignal from one controlling thread; the Api is
// called from the io threads concurrently.
// Ownership: borrows the Api (or what the handler uses), which must outlive
// the Server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "emulator/http/api.h"

namespace respec::emulator::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // listens only where told
  uint16_t port = 0;                // 0: pick a free port
  int io_threads = 2;
  size_t max_body = 1 << 20;        // 1 MiB
  size_t max_header = 64 << 10;     // 64 KiB
};

// Turns one request into one response; called from the io threads.
using RequestHandler = std::function<ApiResponse(const RawRequest&)>;

class Server {
 public:
  Server(Api* api, ServerOptions options);
  // Any other door (the metadata door) on its own listener.
  Server(RequestHandler handler, ServerOptions options);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  bool Start(std::string* error);
  uint16_t port() const;
  std::string host() const;
  // Stops accepting, closes every connection, joins the io threads.
  void Stop();
  // Blocks until SIGINT or SIGTERM arrives; returns the signal number.
  int WaitForSignal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "HOST:PORT" (IPv6 as "[::1]:PORT"). False with a message on bad input.
bool ParseListenAddress(const std::string& text, std::string* host, uint16_t* port,
                        std::string* error);

}  // namespace respec::emulator::http
