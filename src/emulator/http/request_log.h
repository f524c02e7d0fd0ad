// RequestLog: the shape of the last N API requests, for comparing clients
// (tests/conformance/ compares respec's requests with the official SDK's).
// Each entry holds the HTTP method, signature scheme, action, the sorted
// parameter names, the sorted SignedHeaders list of a V3 Authorization and
// the sorted names of the content-type and x-acs-* headers sent, plus the
// answer's HTTP status and error code. Never a value: no signature, key,
// token, nonce or date is kept, so GET /_emulator/requests is safe to print.
// Threads: Record and Json are safe from any thread (one mutex).
// Ownership: owns its entries; bounded to `capacity` (oldest dropped).
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/http/render.h"
#include "emulator/http/request.h"

namespace respec::emulator::http {

struct RequestShape {
  std::string method;
  std::string scheme;  // "V3" | "RPC"
  std::string action;
  std::vector<std::string> params;          // names, sorted, unique
  std::vector<std::string> signed_headers;  // V3 SignedHeaders, sorted
  std::vector<std::string> headers;         // content-type and x-acs-* sent, sorted
  int status = 0;
  std::string error_code;
};

// The shape of one parsed request (status and error code left empty).
RequestShape ShapeOf(const RawRequest& req, const ApiCall& call);

class RequestLog {
 public:
  explicit RequestLog(size_t capacity = 256) : capacity_(capacity) {}
  void Record(RequestShape shape);
  Json ToJson() const;  // oldest first

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::deque<RequestShape> entries_;
};

}  // namespace respec::emulator::http
