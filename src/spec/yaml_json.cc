#include "spec/yaml_json.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace respec {

std::string PathToString(const YamlPath& path) {
  std::string s;
  for (const PathElem& e : path) {
    if (e.index) {
      s += "[" + e.key + "]";
    } else {
      if (!s.empty()) s += '.';
      s += e.key;
    }
  }
  return s;
}
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 512;  // after CheckNesting this guards alias cycles
// No spec value is longer; longer ones would also make valijson's std::regex
// recurse once per character.
constexpr size_t kMaxScalarBytes = 4096;

bool IsDigits(std::string_view s, bool hex = false) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!ok) return false;
  }
  return true;
}

bool LooksLikeFloat(std::string_view s) {
  // [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!IsDigits(s.substr(i))) return false;
    i = s.size();
  }
  return i == s.size();
}

// YAML 1.2 core schema resolution of a plain scalar.
json ResolvePlainScalar(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  std::string_view v = s;
  bool negative = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 0;
  if (IsDigits(v)) base = 10;
  else if (v.size() > 2 && v[0] == '0' && v[1] == 'x' && s[0] != '-' && s[0] != '+' && IsDigits(v.substr(2), true)) base = 16;
  else if (v.size() > 2 && v[0] == '0' && v[1] == 'o' && s[0] != '-' && s[0] != '+' && IsDigits(v.substr(2))) base = 8;
  if (base != 0) {
    std::string_view digits = base == 10 ? v : v.substr(2);
    uint64_t magnitude = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    bool octal_ok = true;
    if (base == 8)
      for (char c : digits) octal_ok = octal_ok && c <= '7';
    if (ec == std::errc() && ptr == digits.data() + digits.size() && octal_ok) {
      if (!negative && magnitude <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(magnitude);
      if (negative && magnitude <= static_cast<uint64_t>(INT64_MAX) + 1)
        return magnitude == static_cast<uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<int64_t>(magnitude);
    }
    if (base == 10) return std::strtod(s.c_str(), nullptr);  // too big: a float
    return s;
  }
  if (LooksLikeFloat(s)) return std::strtod(s.c_str(), nullptr);
  return s;  // .inf and .nan included: no spec field wants them
}

NodeMarks MarksFromYaml(const YAML::Mark& m) {
  NodeMarks n;
  if (m.line >= 0) {
    n.line = m.line + 1;
    n.column = m.column + 1;
  }
  return n;
}

class Converter {
 public:
  Converter(YamlJson* out, std::vector<Diagnostic>* diags) : out_(out), diags_(diags) {}

  // False when conversion had to stop (too deep, too many values).
  bool Convert(const YAML::Node& node, YamlPath* path, NodeMarks marks, json* value, int depth) {
    if (marks.line == 0) marks = MarksFromYaml(node.Mark());
    if (marks.line == 0 && !path->empty()) {
      // An empty value ("key:") has no mark of its own: use the key's.
      NodeMarks parent = out_->MarksOf(*path);
      marks.line = marks.key_line ? marks.key_line : parent.line;
      marks.column = marks.key_column ? marks.key_column : parent.column;
    }
    out_->SetMarks(*path, marks);
    if (++values_ > kMaxSpecValues) {
      Fail(marks, fmt::format("too many values: more than {} (an alias counts each time it is used)", kMaxSpecValues));
      return false;
    }
    if (depth > kMaxDepth) {
      Fail(marks, fmt::format("nesting too deep: more than {} levels (is an alias recursive?)", kMaxDepth));
      return false;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        *value = nullptr;
        return true;
      case YAML::NodeType::Scalar: {
        if (node.Scalar().size() > kMaxScalarBytes) {
          Report(marks, *path, fmt::format("value is too long: {} bytes (at most {})", node.Scalar().size(), kMaxScalarBytes));
          *value = nullptr;
          return true;
        }
        const std::string& tag = node.Tag();
        if (tag == "!" || tag == "tag:yaml.org,2002:str") *value = node.Scalar();
        else *value = ResolvePlainScalar(node.Scalar());
        return true;
      }
      case YAML::NodeType::Sequence: {
        *value = json::array();
        size_t i = 0;
        for (const YAML::Node& item : node) {
          path->push_back({std::to_string(i++), true});
          value->push_back(nullptr);
          bool ok = Convert(item, path, {}, &value->back(), depth + 1);
          path->pop_back();
          if (!ok) return false;
        }
        return true;
      }
      case YAML::NodeType::Map: {
        *value = json::object();
        for (const auto& kv : node) {
          NodeMarks key_marks = MarksFromYaml(kv.first.Mark());
          if (!kv.first.IsScalar()) {
            Report(key_marks, *path, "a key must be plain text, not a list or mapping");
            continue;
          }
          const std::string& key = kv.first.Scalar();
          if (key.size() > kMaxScalarBytes) {
            Report(key_marks, *path, fmt::format("a key is too long: {} bytes (at most {})", key.size(), kMaxScalarBytes));
            continue;
          }
          auto existing = value->find(key);
          if (existing == value->end()) out_->AddKey(*path, key);
          path->push_back({key, false});
          if (existing != value->end()) {
            NodeMarks first = out_->MarksOf(*path);
            Report(key_marks, *path,
                   fmt::format("duplicate key \"{}\" (first at line {}); the first one is used", key,
                               first.key_line));
            path->pop_back();
            continue;
          }
          NodeMarks m;
          m.key_line = key_marks.line;
          m.key_column = key_marks.column;
          m = WithValueMarks(m, kv.second);
          bool ok = Convert(kv.second, path, m, &(*value)[key], depth + 1);
          path->pop_back();
          if (!ok) return false;
        }
        return true;
      }
    }
    return true;
  }

 private:
  static NodeMarks WithValueMarks(NodeMarks m, const YAML::Node& v) {
    NodeMarks vm = MarksFromYaml(v.Mark());
    m.line = vm.line;
    m.column = vm.column;
    return m;
  }
  void Report(NodeMarks m, const YamlPath& path, std::string message) {
    Diagnostic d;
    d.line = m.line;
    d.column = m.column;
    d.path = PathToString(path);
    d.message = std::move(message);
    diags_->push_back(std::move(d));
  }
  void Fail(NodeMarks m, std::string message) { Report(m, {}, std::move(message)); }

  YamlJson* out_;
  std::vector<Diagnostic>* diags_;
  size_t values_ = 0;
};

}  // namespace

std::string YamlJson::Key(const YamlPath& path) {
  std::string k;
  for (const PathElem& e : path) {
    k += e.index ? '#' : 'k';
    k += e.key;
    k += '\0';
  }
  return k;
}

NodeMarks YamlJson::MarksOf(const YamlPath& path) const {
  YamlPath p = path;
  while (true) {
    auto it = marks_.find(Key(p));
    if (it != marks_.end()) return it->second;
    if (p.empty()) return {};
    p.pop_back();
  }
}

const std::vector<std::string>& YamlJson::KeysInOrder(const YamlPath& path) const {
  static const std::vector<std::string> kNone;
  auto it = key_order_.find(Key(path));
  return it == key_order_.end() ? kNone : it->second;
}

const nlohmann::json* YamlJson::Find(const YamlPath& path) const {
  const json* v = &root;
  for (const PathElem& e : path) {
    if (e.index) {
      if (!v->is_array()) return nullptr;
      size_t i = 0;
      auto [ptr, ec] = std::from_chars(e.key.data(), e.key.data() + e.key.size(), i);
      if (ec != std::errc() || ptr != e.key.data() + e.key.size() || i >= v->size()) return nullptr;
      v = &(*v)[i];
    } else {
      if (!v->is_object()) return nullptr;
      auto it = v->find(e.key);
      if (it == v->end()) return nullptr;
      v = &*it;
    }
  }
  return v;
}

namespace {

// The 1-based line where a second YAML document starts, or 0. yaml-cpp's
// LoadAll loops forever on some inputs (a lone ","), so only YAML::Load (the
// first document) is used and further documents are found here: a "---" or
// "..." marker at column 0 after content, followed by more content.
int SecondDocumentLine(std::string_view text) {
  bool content = false, ended = false;
  int line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view l = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    bool start_marker = l.substr(0, 3) == "---" && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
    bool end_marker = l.substr(0, 3) == "..." && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
    if (start_marker || end_marker) {
      if (start_marker && (content || ended)) return line;
      if (end_marker) ended = content || ended;
      l.remove_prefix(3);
    }
    size_t first = l.find_first_not_of(" \t");
    bool has_content = first != std::string_view::npos && l[first] != '#' && !(l[0] == '%' && !start_marker);
    if (has_content && !start_marker && !end_marker && ended) return line;
    if (has_content && !end_marker) content = true;
  }
  return 0;
}

}  // namespace

bool ParseYamlToJson(std::string_view text, YamlJson* out, std::vector<Diagnostic>* diags) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    Diagnostic d;
    d.line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    d.column = e.mark.column >= 0 ? e.mark.column + 1 : 0;
    d.message = "YAML syntax error: " + e.msg;
    diags->push_back(std::move(d));
    return false;
  } catch (const std::exception& e) {
    Diagnostic d;
    d.message = std::string("YAML parser failed: ") + e.what();
    diags->push_back(std::move(d));
    return false;
  }
  if (int second = SecondDocumentLine(text)) {
    Diagnostic d;
    d.line = second;
    d.column = 1;
    d.message = "a fleet spec is one YAML document, but a second one starts here";
    diags->push_back(std::move(d));
    return false;
  }
  bool has_content = false;
  for (size_t pos = 0; pos < text.size() && !has_content;) {
    size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view l = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (l.substr(0, 3) == "---" || l.substr(0, 3) == "...") l.remove_prefix(3);
    size_t first = l.find_first_not_of(" \t\r");
    has_content = first != std::string_view::npos && l[first] != '#' && l[0] != '%';
  }
  if (doc.IsNull() && !has_content) {
    Diagnostic d;
    d.line = 1;
    d.column = 1;
    d.message = "the file is empty: a fleet spec needs at least \"version: 1\" and \"groups\"";
    diags->push_back(std::move(d));
    return false;
  }
  try {
    Converter converter(out, diags);
    YamlPath path;
    return converter.Convert(doc, &path, {}, &out->root, 0);
  } catch (const std::exception& e) {
    Diagnostic d;
    d.message = std::string("cannot read the YAML document: ") + e.what();
    diags->push_back(std::move(d));
    return false;
  }
}

std::string DescribeValue(const nlohmann::json& v) {
  constexpr size_t kMax = 60;
  std::string s;
  if (v.is_string()) {
    s = v.get<std::string>();
    if (s.size() > kMax) s = s.substr(0, kMax) + "...";
    return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (v.is_object()) return "a mapping";
  if (v.is_array()) return "a list";
  if (v.is_null()) return "nothing (null)";
  s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

}  // namespace respec
