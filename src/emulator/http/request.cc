#include "emulator/http/request.h"

namespace respec::emulator::http {

const std::string* RawRequest::Header(std::string_view lowercase_name) const {
  for (const auto& [k, v] : headers)
    if (k == lowercase_name) return &v;
  return nullptr;
}

std::string RawRequest::Path() const {
  size_t q = target.find('?');
  return target.substr(0, q);
}

std::string RawRequest::RawQuery() const {
  size_t q = target.find('?');
  return q == std::string::npos ? std::string() : target.substr(q + 1);
}

Result<ApiCall> ParseApiCall(const RawRequest& req) {
  ApiCall call;
  std::string bad;
  if (!ParseUrlEncoded(req.RawQuery(), &call.query, &bad))
    return InvalidParameter("query string", "malformed percent-encoding near \"" + bad + "\"");
  ParamList all = call.query;
  const std::string* ctype = req.Header("content-type");
  bool form = ctype && ctype->rfind("application/x-www-form-urlencoded", 0) == 0;
  if (form && !req.body.empty() && !ParseUrlEncoded(req.body, &all, &bad))
    return InvalidParameter("request body", "malformed percent-encoding near \"" + bad + "\"");
  call.params = Params(std::move(all));

  const std::string* auth = req.Header("authorization");
  if (auth && auth->rfind("ACS3-", 0) == 0) {
    call.scheme = SignatureScheme::kV3;
    const std::string* a = req.Header("x-acs-action");
    const std::string* v = req.Header("x-acs-version");
    call.action = a ? *a : call.params.Get("Action");
    call.version = v ? *v : call.params.Get("Version");
  } else {
    call.action = call.params.Get("Action");
    call.version = call.params.Get("Version");
  }
  call.format = ParseFormat(call.params.Get("Format"));
  return call;
}

}  // namespace respec::emulator::http
