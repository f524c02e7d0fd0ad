#include "emulator/http/render.h"

#include <fmt/format.h>

namespace respec::emulator::http {
namespace {

void AppendEscaped(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': *out += "&amp;"; break;
      case '<': *out += "&lt;"; break;
      case '>': *out += "&gt;"; break;
      case '"': *out += "&quot;"; break;
      case '\'': *out += "&apos;"; break;
      default: out->push_back(c);
    }
  }
}

void AppendScalar(std::string* out, const Json& v) {
  if (v.is_string()) {
    AppendEscaped(out, v.get_ref<const std::string&>());
  } else if (v.is_null()) {
    // empty element
  } else {
    *out += v.dump();
  }
}

void AppendElement(std::string* out, std::string_view name, const Json& v);

void AppendChildren(std::string* out, const Json& obj) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it->is_array()) {
      for (const Json& item : *it) AppendElement(out, it.key(), item);
    } else {
      AppendElement(out, it.key(), *it);
    }
  }
}

void AppendElement(std::string* out, std::string_view name, const Json& v) {
  *out += '<';
  *out += name;
  *out += '>';
  if (v.is_object()) {
    AppendChildren(out, v);
  } else if (v.is_array()) {
    // An array nested directly in an array has no element name of its own.
    for (const Json& item : v) AppendElement(out, "item", item);
  } else {
    AppendScalar(out, v);
  }
  *out += "</";
  *out += name;
  *out += '>';
}

}  // namespace

Format ParseFormat(std::string_view value) {
  std::string low;
  for (char c : value) low.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  return low == "xml" ? Format::kXml : Format::kJson;
}

const char* ContentType(Format f) {
  return f == Format::kXml ? "text/xml;charset=utf-8" : "application/json;charset=utf-8";
}

std::string RenderJson(const Json& body) {
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string RenderXml(std::string_view root, const Json& body) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>";
  AppendElement(&out, root, body);
  return out;
}

std::string Render(Format f, std::string_view root, const Json& body) {
  return f == Format::kXml ? RenderXml(root, body) : RenderJson(body);
}

Json ErrorBody(const CloudError& e, std::string_view request_id, std::string_view host_id) {
  Json j;
  j["RequestId"] = request_id;
  j["HostId"] = host_id;
  j["Code"] = e.code;
  j["Message"] = e.message;
  j["Recommend"] = fmt::format("https://api.aliyun.com/troubleshoot?q={}&product=Ecs&requestId={}",
                               e.code, request_id);
  return j;
}

}  // namespace respec::emulator::http
