// Response bodies as the ECS API writes them: JSON (default) or XML, chosen
// by the Format parameter. The XML form follows the API's mapping of its JSON
// shape: an object member becomes an element, an array member repeats its
// element once per item (Instances.Instance[] -> <Instances><Instance>...),
// and the document root is <ActionResponse> (errors: <Error>).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cloud/error.h"

namespace respec::emulator::http {

using Json = nlohmann::ordered_json;

enum class Format { kJson, kXml };

// Format parameter value ("JSON", "xml", ...); unknown or empty -> JSON.
Format ParseFormat(std::string_view value);

// The API's content types. The official SDKs compare the XML one literally.
const char* ContentType(Format f);

std::string RenderJson(const Json& body);
std::string RenderXml(std::string_view root, const Json& body);
std::string Render(Format f, std::string_view root, const Json& body);

// {RequestId, HostId, Code, Message, Recommend}.
Json ErrorBody(const CloudError& e, std::string_view request_id, std::string_view host_id);

}  // namespace respec::emulator::http
