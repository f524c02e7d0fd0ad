// One API request as the emulator's door sees it, independent of the socket
// library: the raw HTTP pieces (RawRequest) and what the protocol layer makes
// of them (ApiCall: parameters from the query string and a form body, the
// action, version, signature scheme and response format).
// Value types; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cloud/error.h"
#include "emulator/http/params.h"
#include "emulator/http/render.h"

namespace respec::emulator::http {

struct RawRequest {
  std::string method;  // GET | POST | ...
  std::string target;  // "/?Action=...": path and raw query
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercase
  std::string body;

  const std::string* Header(std::string_view lowercase_name) const;
  std::string Path() const;      // target before '?'
  std::string RawQuery() const;  // target after '?'
};

enum class SignatureScheme { kRpcV1, kV3 };

struct ApiCall {
  SignatureScheme scheme = SignatureScheme::kRpcV1;
  Params params;         // query parameters, then form-body parameters
  ParamList query;       // query parameters only (V3 signs these)
  std::string action;    // Action parameter, or x-acs-action for V3
  std::string version;   // Version parameter, or x-acs-version for V3
  Format format = Format::kJson;
};

// Decodes the query string and, for a form-encoded body, the body. Fails
// with InvalidParameter on malformed percent-encoding.
Result<ApiCall> ParseApiCall(const RawRequest& req);

}  // namespace respec::emulator::http
