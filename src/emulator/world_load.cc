// LoadWorld: a world YAML file -> World. Three passes, all reporting
// "FILE:LINE:COL: path: message": YAML syntax (world_yaml.h), the JSON
// Schema (valijson, schemas/world.schema.json embedded), then meaning
// (unknown zones and types, duplicate ids, bad times). Sections the file
// leaves out come from DefaultWorld().
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "core/timefmt.h"
#include "emulator/world.h"
#include "emulator/world_schema.h"
#include "emulator/world_yaml.h"

namespace respec::emulator {
namespace {

using nlohmann::json;
constexpr size_t kMaxWorldBytes = 256u << 20;

const json& SchemaJson() {
  static const json schema = json::parse(WorldSchemaText());
  return schema;
}

const valijson::Schema& CompiledSchema() {
  static const valijson::Schema* schema = [] {
    auto* s = new valijson::Schema;
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(SchemaJson());
    parser.populateSchema(adapter, *s);
    return s;
  }();
  return *schema;
}

// The subschema that describes the value at a JSON pointer (following
// properties, additionalProperties, items and local $refs), or nullptr.
const json* SchemaAt(const json& doc, const std::string& pointer) {
  const json* s = &SchemaJson();
  const json* v = &doc;
  auto deref = [&](const json* x) {
    while (x && x->contains("$ref")) {
      std::string ref = (*x)["$ref"].get<std::string>();
      x = ref.rfind("#/definitions/", 0) == 0 ? &SchemaJson()["definitions"][ref.substr(14)] : nullptr;
    }
    return x;
  };
  s = deref(s);
  size_t pos = 1;
  while (s && pos <= pointer.size() && !pointer.empty()) {
    size_t next = pointer.find('/', pos);
    std::string tok = pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (v && v->is_array()) {
      s = s->contains("items") ? &(*s)["items"] : nullptr;
      size_t i = std::strtoul(tok.c_str(), nullptr, 10);
      v = i < v->size() ? &(*v)[i] : nullptr;
    } else {
      if (s->contains("properties") && (*s)["properties"].contains(tok)) s = &(*s)["properties"][tok];
      else if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_object())
        s = &(*s)["additionalProperties"];
      else s = nullptr;
      v = (v && v->is_object() && v->contains(tok)) ? &(*v)[tok] : nullptr;
    }
    s = deref(s);
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return s;
}

std::string Brief(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

struct Reporter {
  const std::string& file;
  const MarkedJson& doc;
  std::vector<std::string>* errors;

  void At(const std::string& pointer, const std::string& msg, bool at_key = false) {
    errors->push_back(FormatAt(doc, file, pointer, msg, at_key));
  }
};

std::string ContextToPointer(const json& root, const std::vector<std::string>& context) {
  std::string ptr;
  const json* cur = &root;
  for (size_t i = 1; i < context.size(); ++i) {
    std::string c = context[i];
    if (c.size() >= 2 && c.front() == '[' && c.back() == ']') c = c.substr(1, c.size() - 2);
    std::string esc;
    for (char ch : c) esc += ch == '~' ? "~0" : ch == '/' ? "~1" : std::string(1, ch);
    ptr += "/" + esc;
    if (cur && cur->is_array()) {
      size_t idx = std::strtoul(c.c_str(), nullptr, 10);
      cur = idx < cur->size() ? &(*cur)[idx] : nullptr;
    } else {
      cur = (cur && cur->is_object() && cur->contains(c)) ? &(*cur)[c] : nullptr;
    }
  }
  return ptr;
}

// valijson's messages are generic; say what the schema wanted instead.
std::string Explain(const json& doc, const std::string& pointer, const std::string& desc) {
  const json* s = SchemaAt(doc, pointer);
  json value;
  try {
    if (!pointer.empty()) value = doc.at(json::json_pointer(pointer));
  } catch (...) {
  }
  if (s && desc.find("enum") != std::string::npos && s->contains("enum")) {
    std::string list;
    for (const auto& e : (*s)["enum"]) list += (list.empty() ? "" : ", ") + e.get<std::string>();
    return fmt::format("{} is not one of: {}", Brief(value), list);
  }
  if (s && desc.find("'pattern'") != std::string::npos && s->contains("pattern"))
    return fmt::format("{} does not match the pattern {}", Brief(value), (*s)["pattern"].get<std::string>());
  if (s && desc.find("'type'") != std::string::npos && s->contains("type"))
    return fmt::format("{} has the wrong type (expected {})", Brief(value), (*s)["type"].dump());
  if (s && desc.find("'const'") != std::string::npos && s->contains("const"))
    return fmt::format("must be {}", (*s)["const"].dump());
  return desc;
}

void CheckSchema(const MarkedJson& doc, Reporter& rep) {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc.root);
  validator.validate(CompiledSchema(), target, &results);
  std::set<std::string> seen;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    if (e.description.rfind("Failed to validate", 0) == 0) continue;  // wrappers of deeper errors
    std::string ptr = ContextToPointer(doc.root, e.context);
    static const std::string kUnknown = "could not be validated using 'properties'";
    if (e.description.find(kUnknown) != std::string::npos) {
      size_t q = e.description.rfind(": '");
      std::string key = q == std::string::npos ? "" : e.description.substr(q + 3);
      if (!key.empty() && key.back() == '.') key.pop_back();
      if (!key.empty() && key.back() == '\'') key.pop_back();
      std::string msg = fmt::format("unknown key \"{}\"", key);
      if (seen.insert(ptr + msg).second) rep.At(ptr + "/" + key, msg, true);
      continue;
    }
    std::string msg = Explain(doc.root, ptr, e.description);
    if (e.description.rfind("Missing required property", 0) == 0) msg = e.description;
    if (seen.insert(ptr + msg).second) rep.At(ptr, msg);
  }
}

}  // namespace

// Builds the World from a schema-valid document (world_build.cc).
void BuildWorld(const MarkedJson& doc, const std::string& file, World* world,
                std::vector<std::string>* errors);

bool LoadWorld(const std::string& path, World* world, std::vector<std::string>* errors) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    errors->push_back(fmt::format("{}: cannot open the world file: {}", path, std::strerror(errno)));
    return false;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  if (text.size() > kMaxWorldBytes) {
    errors->push_back(fmt::format("{}: the world file is larger than 256 MiB", path));
    return false;
  }
  size_t before = errors->size();
  MarkedJson doc;
  if (!ParseMarkedYaml(text, path, &doc, errors)) return false;
  Reporter rep{path, doc, errors};
  if (!doc.root.is_object()) {
    rep.At("", "the world file must be a mapping (access_keys:, instances:, ...)");
    return false;
  }
  try {
    CheckSchema(doc, rep);
  } catch (const std::exception& e) {
    rep.At("", std::string("schema validation failed: ") + e.what());
  }
  if (errors->size() != before) return false;
  World w;
  BuildWorld(doc, path, &w, errors);
  if (errors->size() != before) return false;
  *world = std::move(w);
  return true;
}

}  // namespace respec::emulator
