// YAML text -> JSON value plus where each value sits in the text.
//
// Why JSON: valijson's yaml-cpp adapter treats every scalar as a string (and
// its number getters throw on text), so schema types could not be checked.
// We resolve plain scalars with the YAML 1.2 core schema instead (true/false,
// integers, floats, null; quoted scalars stay strings), which is what editors
// and the JSON Schema expect, then validate the JSON with valijson.
//
// Errors: yaml-cpp exceptions are caught and become diagnostics (with the
// mark yaml-cpp reports). The caller must run CheckUtf8 and CheckNesting
// first. Not thread-hostile: no shared state.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.h"

namespace respec {

// One step of a YAML path: a mapping key, or a sequence index.
struct PathElem {
  std::string key;     // the key, or the index in decimal
  bool index = false;  // true for a sequence index
};
using YamlPath = std::vector<PathElem>;

// "groups.web.targets[0].instanceType"; "" for the document root.
std::string PathToString(const YamlPath& path);

struct NodeMarks {
  int line = 0, column = 0;          // of the value, 1-based
  int key_line = 0, key_column = 0;  // of its mapping key, if it has one
};

// Most values a spec may hold after aliases are expanded (bounded memory).
inline constexpr size_t kMaxSpecValues = 200000;

class YamlJson {
 public:
  nlohmann::json root;

  void SetMarks(const YamlPath& path, NodeMarks m) { marks_[Key(path)] = m; }
  // Marks of the value at `path`, or of its nearest ancestor that has some.
  NodeMarks MarksOf(const YamlPath& path) const;
  // The value at `path`, or nullptr.
  const nlohmann::json* Find(const YamlPath& path) const;
  // The keys of the mapping at `path` in file order (nlohmann::json sorts
  // them, and valijson needs that type), or {}.
  void AddKey(const YamlPath& path, const std::string& key) { key_order_[Key(path)].push_back(key); }
  const std::vector<std::string>& KeysInOrder(const YamlPath& path) const;

 private:
  static std::string Key(const YamlPath& path);
  std::unordered_map<std::string, NodeMarks> marks_;
  std::unordered_map<std::string, std::vector<std::string>> key_order_;
};

// Parses one YAML document. Returns false (with diagnostics) when there is
// no usable document: a syntax error, no content, several documents, a
// non-text key, or too many values. Duplicate keys are reported but the
// document is still usable (the first value wins).
bool ParseYamlToJson(std::string_view text, YamlJson* out, std::vector<Diagnostic>* diags);

// A short rendering of a value for messages: strings quoted, long ones cut.
std::string DescribeValue(const nlohmann::json& v);

}  // namespace respec
