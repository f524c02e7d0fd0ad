// Internal to ecs/decode.cc (and its fuzz target through it): a checked
// walk over one parsed response body that records the first problem as a
// CloudError naming the field path. Not a public contract. No exceptions
// escape: nlohmann's non-throwing parse and type checks before every get.
#pragma once

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloud/error_table.h"
#include "core/json_depth.h"
#include "ecs/decode.h"

namespace respec::ecs::detail {

using json = nlohmann::json;

// A short, printable excerpt of a body for error messages.
inline std::string Excerpt(std::string_view body) {
  std::string out;
  for (char ch : body.substr(0, 80)) {
    unsigned char c = static_cast<unsigned char>(ch);
    out.push_back(c >= 0x20 && c < 0x7f ? ch : '.');
  }
  if (body.size() > 80) out += "...";
  return out;
}

inline bool TooDeep(std::string_view body) { return DeeperThan(body, kMaxJsonDepth).has_value(); }

inline const char* TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "invalid";
  }
}

// Walks one response, remembering the first problem found.
class Reader {
 public:
  Reader(const RawResponse& r, const CallInfo& c) : raw_(r), call_(c) {}

  // Parses the body; on failure (or an API error) sets the error.
  const json* Parse() {
    std::string_view body = raw_.body;
    size_t first = body.find_first_not_of(" \t\r\n");
    bool ok_status = raw_.http_status >= 200 && raw_.http_status < 300;
    if (first == std::string_view::npos) {
      Fail("Response.Malformed", fmt::format("empty response body (HTTP {})", raw_.http_status));
      return nullptr;
    }
    if (body[first] == '<') {
      Fail("Response.Malformed",
           fmt::format("HTTP {} with an XML/HTML body, not the JSON respec requests (Format=JSON); "
                       "a proxy or gateway page? Body starts: {}",
                       raw_.http_status, Excerpt(body.substr(first))));
      return nullptr;
    }
    if (TooDeep(body)) {
      Fail("Response.Malformed", fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth));
      return nullptr;
    }
    doc_ = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc_.is_discarded()) {
      Fail("Response.Malformed",
           fmt::format("HTTP {} with a body that is not valid JSON (truncated?), {} bytes: {}",
                       raw_.http_status, body.size(), Excerpt(body)));
      return nullptr;
    }
    if (!doc_.is_object()) {
      Fail("Response.Malformed",
           fmt::format("HTTP {}: the JSON body is {}, not an object", raw_.http_status,
                       TypeName(doc_)));
      return nullptr;
    }
    if (!ok_status) {
      ApiError();
      return nullptr;
    }
    return &doc_;
  }

  bool failed() const { return error_.has_value(); }
  CloudError error() const { return *error_; }

  void Fail(const std::string& code, std::string message) {
    if (error_) return;
    CloudError e = MakeCloudError(code, call_.action + ": " + message, raw_.http_status);
    e.http_status = raw_.http_status;
    e.action = call_.action;
    e.instance_id = call_.instance_id;
    if (doc_.is_object()) {
      if (const json* id = Get(doc_, "RequestId"); id && id->is_string())
        e.request_id = id->get<std::string>();
    }
    error_ = std::move(e);
  }

  static const json* Get(const json& o, const char* key) {
    if (!o.is_object()) return nullptr;
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return nullptr;
    return &*it;
  }

  // Strings may arrive as numbers (IDs); anything else is malformed.
  bool ReqString(const json& o, const char* key, const std::string& path, std::string* out) {
    const json* v = Get(o, key);
    if (!v) {
      Fail("Response.MissingField",
           fmt::format("required field {}{} is missing", path, key));
      return false;
    }
    if (!ScalarToString(*v, out)) {
      Fail("Response.Malformed",
           fmt::format("field {}{} is {}, expected a string", path, key, TypeName(*v)));
      return false;
    }
    if (out->empty()) {
      Fail("Response.MissingField", fmt::format("required field {}{} is empty", path, key));
      return false;
    }
    return true;
  }

  void OptString(const json& o, const char* key, std::string* out) {
    if (const json* v = Get(o, key)) ScalarToString(*v, out);
  }

  void OptInt(const json& o, const char* key, int* out) {
    double d;
    if (const json* v = Get(o, key); v && ToNumber(*v, &d) && std::isfinite(d) &&
                                     std::fabs(d) < 2e9)
      *out = static_cast<int>(d);
  }

  bool ReqNumber(const json& o, const char* key, const std::string& path, double* out) {
    const json* v = Get(o, key);
    if (!v) {
      Fail("Response.MissingField", fmt::format("required field {}{} is missing", path, key));
      return false;
    }
    if (!ToNumber(*v, out) || !std::isfinite(*out)) {
      Fail("Response.Malformed",
           fmt::format("field {}{} is {}, expected a number", path, key, TypeName(*v)));
      return false;
    }
    return true;
  }

  void OptNumber(const json& o, const char* key, double* out) {
    double d;
    if (const json* v = Get(o, key); v && ToNumber(*v, &d) && std::isfinite(d)) *out = d;
  }

  // The API wraps lists: {"Instances": {"Instance": [...]}}. A missing list
  // is an error only when `required`; a lone object counts as one element.
  std::vector<const json*> List(const json& o, const char* outer, const char* inner,
                                bool required) {
    std::vector<const json*> items;
    const json* w = Get(o, outer);
    if (!w) {
      if (required) Fail("Response.MissingField", fmt::format("required field {} is missing", outer));
      return items;
    }
    const json* list = w;
    if (w->is_object()) {
      list = Get(*w, inner);
      if (!list) return items;  // {"Instances": {}}: an empty list
    }
    if (list->is_array()) {
      for (const json& item : *list) items.push_back(&item);
    } else if (list->is_object()) {
      items.push_back(list);
    } else {
      Fail("Response.Malformed",
           fmt::format("field {}.{} is {}, expected a list", outer, inner, TypeName(*list)));
    }
    return items;
  }

  bool RequestId(std::string* out) { return ReqString(doc_, "RequestId", "", out); }

  const std::string& body() const { return raw_.body; }

 private:
  static bool ScalarToString(const json& v, std::string* out) {
    switch (v.type()) {
      case json::value_t::string: *out = v.get<std::string>(); return true;
      case json::value_t::number_integer: *out = std::to_string(v.get<int64_t>()); return true;
      case json::value_t::number_unsigned: *out = std::to_string(v.get<uint64_t>()); return true;
      case json::value_t::number_float: {
        double d = v.get<double>();
        if (!std::isfinite(d)) return false;
        *out = d == std::floor(d) && std::fabs(d) < 1e300 ? fmt::format("{:.0f}", d)
                                                          : fmt::format("{}", d);
        return true;
      }
      case json::value_t::boolean: *out = v.get<bool>() ? "true" : "false"; return true;
      default: return false;
    }
  }

  static bool ToNumber(const json& v, double* out) {
    if (v.is_number()) {
      *out = v.get<double>();
      return true;
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (s.empty() || s.size() > 64) return false;
      char* end = nullptr;
      errno = 0;
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size() || errno != 0) return false;
      *out = d;
      return true;
    }
    return false;
  }

  void ApiError() {
    const json* code = Get(doc_, "Code");
    std::string code_s;
    if (!code || !ScalarToString(*code, &code_s) || code_s.empty()) {
      Fail("Response.Malformed",
           fmt::format("HTTP {} without an error Code; body: {}", raw_.http_status,
                       Excerpt(raw_.body)));
      return;
    }
    std::string message;
    OptString(doc_, "Message", &message);
    CloudError e = MakeCloudError(code_s, message, raw_.http_status);
    e.http_status = raw_.http_status;
    e.action = call_.action;
    e.instance_id = call_.instance_id;
    OptString(doc_, "RequestId", &e.request_id);
    error_ = std::move(e);
  }

  const RawResponse& raw_;
  const CallInfo& call_;
  json doc_;
  std::optional<CloudError> error_;
};

// The digits of a top-level numeric field exactly as sent: a JSON number
// beyond 64 bits parses as a double and would lose digits.
inline std::optional<std::string> RawNumber(std::string_view body, std::string_view key) {
  std::string quoted = "\"" + std::string(key) + "\"";
  size_t p = body.find(quoted);
  if (p == std::string_view::npos) return std::nullopt;
  p += quoted.size();
  while (p < body.size() && (body[p] == ' ' || body[p] == '\t' || body[p] == '\r' || body[p] == '\n' || body[p] == ':'))
    ++p;
  size_t start = p;
  while (p < body.size() && (std::isdigit(static_cast<unsigned char>(body[p])) || body[p] == '-'))
    ++p;
  if (p == start || (p < body.size() && (body[p] == '.' || body[p] == 'e' || body[p] == 'E')))
    return std::nullopt;
  return std::string(body.substr(start, p - start));
}


}  // namespace respec::ecs::detail
