#include "spec/schema_check.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "core/did_you_mean.h"
#include "spec/fleet_schema.h"

namespace respec {
namespace {

using nlohmann::json;

struct CompiledSchema {
  json document;
  valijson::Schema schema;
};

const CompiledSchema& Compiled() {
  static const CompiledSchema* compiled = [] {
    auto* c = new CompiledSchema;
    c->document = json::parse(FleetSchemaText());
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(c->document);
    parser.populateSchema(adapter, c->schema);
    return c;
  }();
  return *compiled;
}

// valijson context ("<root>", "[groups]", "[web]", ...) -> YAML path, using
// the data to tell sequence indexes from keys.
YamlPath ContextToPath(const json& root, const std::vector<std::string>& context) {
  YamlPath path;
  const json* v = &root;
  for (size_t i = 1; i < context.size(); ++i) {
    const std::string& c = context[i];
    std::string token = c.size() >= 2 ? c.substr(1, c.size() - 2) : c;
    bool index = v && v->is_array();
    path.push_back({token, index});
    if (!v) continue;
    if (index) {
      size_t n = std::strtoul(token.c_str(), nullptr, 10);
      v = n < v->size() ? &(*v)[n] : nullptr;
    } else if (v->is_object() && v->contains(token)) {
      v = &(*v)[token];
    } else {
      v = nullptr;
    }
  }
  return path;
}

// The schema nodes that apply at a node: itself, what its $ref points to,
// and its conditional and combined branches (their properties and messages
// count too).
void Expand(const json& doc, const json* node, std::vector<const json*>* out, int depth = 0) {
  if (!node || !node->is_object() || depth > 16) return;
  out->push_back(node);
  auto ref = node->find("$ref");
  if (ref != node->end() && ref->is_string()) {
    std::string r = ref->get<std::string>();
    if (r.rfind("#/", 0) == 0) {
      try {
        Expand(doc, &doc.at(json::json_pointer(r.substr(1))), out, depth + 1);
      } catch (const json::exception&) {
      }
    }
  }
  for (const char* k : {"then", "else"}) {
    auto it = node->find(k);
    if (it != node->end()) Expand(doc, &*it, out, depth + 1);
  }
  for (const char* k : {"allOf", "anyOf", "oneOf"}) {
    auto it = node->find(k);
    if (it != node->end() && it->is_array())
      for (const json& sub : *it) Expand(doc, &sub, out, depth + 1);
  }
}

std::vector<const json*> SchemaAt(const YamlPath& path) {
  const json& doc = Compiled().document;
  std::vector<const json*> nodes;
  Expand(doc, &doc, &nodes);
  for (const PathElem& e : path) {
    std::vector<const json*> next;
    for (const json* n : nodes) {
      if (e.index) {
        auto it = n->find("items");
        if (it != n->end()) Expand(doc, &*it, &next);
        continue;
      }
      auto props = n->find("properties");
      if (props != n->end() && props->contains(e.key)) {
        Expand(doc, &(*props)[e.key], &next);
        continue;
      }
      auto extra = n->find("additionalProperties");
      if (extra != n->end() && extra->is_object()) Expand(doc, &*extra, &next);
    }
    nodes = std::move(next);
  }
  return nodes;
}

std::vector<std::string> KnownKeys(const std::vector<const json*>& nodes) {
  std::vector<std::string> keys;
  for (const json* n : nodes) {
    auto props = n->find("properties");
    if (props == n->end() || !props->is_object()) continue;
    for (auto it = props->begin(); it != props->end(); ++it)
      if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
  }
  return keys;
}

std::string Expected(const std::vector<const json*>& nodes) {
  for (const json* n : nodes) {
    auto t = n->find("type");
    if (t == n->end() || !t->is_string()) continue;
    std::string type = t->get<std::string>();
    if (type == "object") return "a mapping";
    if (type == "array") return "a list";
    if (type == "string") return "a string";
    if (type == "integer") return "an integer";
    if (type == "number") return "a number";
    if (type == "boolean") return "true or false";
  }
  return "another kind of value";
}

std::string KindOf(const json& v) {
  if (v.is_object()) return "a mapping";
  if (v.is_array()) return "a list";
  if (v.is_string()) return "the string " + DescribeValue(v);
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "nothing";
  return DescribeValue(v);
}

// The schema's own wording for `keyword` at these nodes, or "".
std::string SchemaMessage(const std::vector<const json*>& nodes, const std::string& keyword) {
  for (const json* n : nodes) {
    auto m = n->find("errorMessage");
    if (m == n->end()) continue;
    if (m->is_string()) return m->get<std::string>();
    if (m->is_object()) {
      auto k = m->find(keyword);
      if (k != m->end() && k->is_string()) return k->get<std::string>();
    }
  }
  return "";
}

std::string Substitute(std::string text, const json* value) {
  auto at = text.find("{value}");
  if (at != std::string::npos) text.replace(at, 7, value ? DescribeValue(*value) : "nothing");
  return text;
}

std::string Keyword(const std::string& d, std::string* detail) {
  auto starts = [&](const char* p) { return d.rfind(p, 0) == 0; };
  if (starts("Value type not permitted")) return "type";
  if (starts("Failed to match regex")) return "pattern";
  if (starts("Failed to match against any enum")) return "enum";
  if (starts("Failed to match expected value set by 'const'")) return "const";
  if (starts("Expected number greater than")) return "minimum";
  if (starts("Expected number less than")) return "maximum";
  if (starts("Array should contain no fewer")) return "minItems";
  if (starts("Array should contain no more")) return "maxItems";
  if (starts("String should be no fewer")) return "minLength";
  if (starts("String should be no more")) return "maxLength";
  if (starts("Object should have no fewer")) return "minProperties";
  if (starts("Object should have no more")) return "maxProperties";
  if (starts("Elements at indexes")) return "uniqueItems";
  if (starts("Object contains a property that could not be validated")) return "additionalProperties";
  if (starts("Missing required property '")) {
    *detail = d.substr(27, d.size() - 27 - 2);  // between the quotes of '...'.
    return "required";
  }
  return "";  // a wrapper ("Failed to validate item #1", ...) repeating a leaf error
}

std::string DefaultMessage(const std::string& keyword, const std::string& detail,
                           const std::vector<const json*>& nodes, const json* value) {
  auto number = [&](const char* k) -> std::string {
    for (const json* n : nodes) {
      auto it = n->find(k);
      if (it != n->end()) return it->dump();
    }
    return "?";
  };
  std::string got = value ? ", got " + KindOf(*value) : "";
  if (keyword == "type") return "expected " + Expected(nodes) + got;
  if (keyword == "required") return "missing required key \"" + detail + "\"";
  if (keyword == "enum" || keyword == "const") {
    for (const json* n : nodes) {
      auto it = n->find(keyword);
      if (it == n->end()) continue;
      std::vector<std::string> options;
      if (it->is_array())
        for (const json& o : *it) options.push_back(o.is_string() ? o.get<std::string>() : o.dump());
      else
        options.push_back(it->dump());
      return "must be " + fmt::format("{}", fmt::join(options, " | ")) + got;
    }
  }
  if (keyword == "minimum") return "must be at least " + number("minimum") + got;
  if (keyword == "maximum") return "must be at most " + number("maximum") + got;
  if (keyword == "minItems") return "needs at least " + number("minItems") + " item(s)";
  if (keyword == "maxItems") return "holds more than " + number("maxItems") + " items";
  if (keyword == "minLength") return "must be at least " + number("minLength") + " characters";
  if (keyword == "maxLength") return "must be at most " + number("maxLength") + " characters";
  if (keyword == "minProperties") return "must not be empty";
  if (keyword == "maxProperties") return "has too many keys";
  if (keyword == "uniqueItems") return "lists a value twice";
  if (keyword == "pattern") return "malformed value" + (value ? " " + DescribeValue(*value) : "");
  return "invalid value";
}

}  // namespace

bool CheckAgainstSchema(const YamlJson& doc, std::vector<Diagnostic>* diags,
                        std::set<std::string>* reported) {
  const CompiledSchema& compiled = Compiled();
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc.root);
  if (validator.validate(compiled.schema, target, &results)) return true;

  const std::set<std::string> reported_before = *reported;
  std::set<std::string> seen;  // path + message, to drop repeats
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string detail;
    std::string keyword = Keyword(error.description, &detail);
    if (keyword.empty()) continue;
    YamlPath path = ContextToPath(doc.root, error.context);
    if (reported_before.count(PathToString(path))) continue;  // e.g. a value too long to keep
    std::vector<const json*> nodes = SchemaAt(path);
    const json* value = doc.Find(path);

    if (keyword == "additionalProperties") {
      if (!value || !value->is_object()) continue;
      std::vector<std::string> known = KnownKeys(nodes);
      for (const std::string& key : doc.KeysInOrder(path)) {
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        YamlPath key_path = path;
        key_path.push_back({key, false});
        std::string suggestion = ClosestMatch(key, known);
        std::string message = "unknown key \"" + key + "\"";
        if (!suggestion.empty()) message += "; did you mean \"" + suggestion + "\"?";
        else if (!known.empty()) message += fmt::format(" (known keys: {})", fmt::join(known, ", "));
        NodeMarks m = doc.MarksOf(key_path);
        Diagnostic d{"", m.key_line, m.key_column, PathToString(key_path), message, false};
        if (seen.insert(d.path + "\n" + d.message).second) diags->push_back(d);
        reported->insert(d.path);
      }
      continue;
    }

    std::string message = SchemaMessage(nodes, keyword);
    message = message.empty() ? DefaultMessage(keyword, detail, nodes, value) : Substitute(message, value);
    NodeMarks m = doc.MarksOf(path);
    Diagnostic d{"", m.line, m.column, PathToString(path), message, false};
    if (!seen.insert(d.path + "\n" + d.message).second) continue;
    reported->insert(d.path);
    diags->push_back(std::move(d));
  }
  return false;
}

}  // namespace respec
