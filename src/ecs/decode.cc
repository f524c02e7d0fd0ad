#include "ecs/decode.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>

#include "cloud/error_table.h"

namespace respec::ecs {
namespace {

using json = nlohmann::json;

// A short, printable excerpt of a body for error messages.
std::string Excerpt(std::string_view body) {
  std::string out;
  for (char ch : body.substr(0, 80)) {
    unsigned char c = static_cast<unsigned char>(ch);
    out.push_back(c >= 0x20 && c < 0x7f ? ch : '.');
  }
  if (body.size() > 80) out += "...";
  return out;
}

bool TooDeep(std::string_view body) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

const char* TypeName(const json& j) {
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
std::optional<std::string> RawNumber(std::string_view body, std::string_view key) {
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

}  // namespace

Result<DescribeInstancesPage> DecodeDescribeInstances(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  DescribeInstancesPage page;
  if (doc && r.RequestId(&page.request_id)) {
    r.OptString(*doc, "NextToken", &page.next_token);
    r.OptInt(*doc, "TotalCount", &page.total_count);
    r.OptInt(*doc, "PageNumber", &page.page_number);
    r.OptInt(*doc, "PageSize", &page.page_size);
    auto items = r.List(*doc, "Instances", "Instance", /*required=*/true);
    for (size_t i = 0; i < items.size() && !r.failed(); ++i) {
      const json& j = *items[i];
      std::string path = fmt::format("Instances.Instance[{}].", i);
      if (!j.is_object()) {
        r.Fail("Response.Malformed", fmt::format("Instances.Instance[{}] is not an object", i));
        break;
      }
      Instance inst;
      if (!r.ReqString(j, "InstanceId", path, &inst.id)) break;
      if (!r.ReqString(j, "Status", path, &inst.status)) break;
      if (!r.ReqString(j, "InstanceType", path, &inst.type)) break;
      inst.region = c.region;
      r.OptString(j, "RegionId", &inst.region);
      r.OptString(j, "ZoneId", &inst.zone);
      r.OptString(j, "InstanceTypeFamily", &inst.type_family);
      r.OptString(j, "InstanceChargeType", &inst.charge_type);
      r.OptString(j, "ExpiredTime", &inst.expired_time);
      r.OptString(j, "InstanceNetworkType", &inst.network_type);
      r.OptString(j, "ImageId", &inst.image_id);
      r.OptString(j, "InstanceName", &inst.name);
      r.OptInt(j, "Cpu", &inst.cpu);
      r.OptInt(j, "Memory", &inst.memory_mib);
      if (const json* eip = Reader::Get(j, "EipAddress")) r.OptString(*eip, "IpAddress", &inst.eip_address);
      // Tags and locks are optional; their entries are skipped when partial.
      for (const json* t : r.List(j, "Tags", "Tag", false)) {
        std::string k, v;
        r.OptString(*t, "TagKey", &k);
        r.OptString(*t, "TagValue", &v);
        if (!k.empty()) inst.tags.emplace_back(k, v);
      }
      for (const json* l : r.List(j, "OperationLocks", "LockReason", false)) {
        std::string reason;
        r.OptString(*l, "LockReason", &reason);
        if (!reason.empty()) inst.lock_reasons.push_back(reason);
      }
      page.instances.push_back(std::move(inst));
    }
  }
  if (r.failed()) return r.error();
  return page;
}

Result<DescribeInstanceTypesPage> DecodeDescribeInstanceTypes(const RawResponse& raw,
                                                              const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  DescribeInstanceTypesPage page;
  if (doc && r.RequestId(&page.request_id)) {
    r.OptString(*doc, "NextToken", &page.next_token);
    auto items = r.List(*doc, "InstanceTypes", "InstanceType", /*required=*/true);
    for (size_t i = 0; i < items.size() && !r.failed(); ++i) {
      const json& j = *items[i];
      InstanceType t;
      if (!r.ReqString(j, "InstanceTypeId", fmt::format("InstanceTypes.InstanceType[{}].", i), &t.id))
        break;
      r.OptString(j, "InstanceTypeFamily", &t.family);
      r.OptInt(j, "CpuCoreCount", &t.cpu);
      r.OptNumber(j, "MemorySize", &t.memory_gib);
      r.OptString(j, "LocalStorageCategory", &t.local_storage_category);
      r.OptInt(j, "LocalStorageAmount", &t.local_storage_amount);
      page.types.push_back(std::move(t));
    }
  }
  if (r.failed()) return r.error();
  return page;
}

Result<ResourcesModificationResult> DecodeResourcesModification(const RawResponse& raw,
                                                                const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  ResourcesModificationResult out;
  if (doc && r.RequestId(&out.request_id)) {
    // No AvailableZones at all means no candidates, which the API does send.
    for (const json* zone : r.List(*doc, "AvailableZones", "AvailableZone", false)) {
      if (out.zone.empty()) r.OptString(*zone, "ZoneId", &out.zone);
      for (const json* res : r.List(*zone, "AvailableResources", "AvailableResource", false)) {
        std::string type;
        r.OptString(*res, "Type", &type);
        if (!type.empty() && type != "InstanceType") continue;
        for (const json* s : r.List(*res, "SupportedResources", "SupportedResource", false)) {
          ModificationCandidate cand;
          r.OptString(*s, "Value", &cand.type);
          r.OptString(*s, "Status", &cand.status);
          r.OptString(*s, "StatusCategory", &cand.status_category);
          if (!cand.type.empty()) out.candidates.push_back(std::move(cand));
        }
      }
    }
  }
  if (r.failed()) return r.error();
  return out;
}

Result<Price> DecodeModificationPrice(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  Price p;
  if (doc && r.RequestId(&p.request_id)) {
    const json* info = Reader::Get(*doc, "PriceInfo");
    const json* price = info ? Reader::Get(*info, "Price") : nullptr;
    if (!price) {
      r.Fail("Response.MissingField", "required field PriceInfo.Price is missing");
    } else if (r.ReqNumber(*price, "TradePrice", "PriceInfo.Price.", &p.trade)) {
      r.OptNumber(*price, "OriginalPrice", &p.original);
      r.OptNumber(*price, "DiscountPrice", &p.discount);
      r.OptString(*price, "Currency", &p.currency);
    }
  }
  if (r.failed()) return r.error();
  return p;
}

Result<Ack> DecodeAck(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  Ack a;
  if (r.Parse()) r.RequestId(&a.request_id);
  if (r.failed()) return r.error();
  return a;
}

Result<ModifyPrepaySpecResult> DecodeModifyPrepay(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  ModifyPrepaySpecResult out;
  if (doc && r.RequestId(&out.request_id) && r.ReqString(*doc, "OrderId", "", &out.order_id)) {
    const json* id = Reader::Get(*doc, "OrderId");
    if (id->is_number()) {
      // Keep every digit of a long numeric order ID.
      // The scan must agree with the parsed value, or it found another "OrderId".
      auto digits = RawNumber(r.body(), "OrderId");
      double parsed = id->get<double>();
      if (digits && std::fabs(std::strtod(digits->c_str(), nullptr) - parsed) <=
                        std::fabs(parsed) * 1e-12)
        out.order_id = *digits;
    }
  }
  if (r.failed()) return r.error();
  return out;
}

}  // namespace respec::ecs
