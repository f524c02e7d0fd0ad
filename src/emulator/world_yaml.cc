#include "emulator/world_yaml.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>


namespace respec::emulator {
namespace {

using nlohmann::json;

// Bounds what aliases can expand to (a "billion laughs" file).
constexpr size_t kMaxValues = 1'000'000;

std::string Escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

SourceMark ToMark(const YAML::Mark& m) { return {m.line + 1, m.column + 1}; }

// YAML 1.2 core schema: [-+]?[0-9]+ is an integer;
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? is a float.
bool IsInt(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool IsFloat(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  size_t e = s.find_first_of("eE");
  std::string_view mant = s.substr(0, e);
  if (e != std::string_view::npos && !IsInt(s.substr(e + 1))) return false;
  size_t dot = mant.find('.');
  std::string_view whole = mant.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : mant.substr(dot + 1);
  auto digits = [](std::string_view d) { return d.find_first_not_of("0123456789") == std::string_view::npos; };
  if (!digits(whole) || !digits(frac)) return false;
  return dot == std::string_view::npos ? !whole.empty() : (!whole.empty() || !frac.empty());
}

json ResolvePlain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (IsInt(s)) {
    try {
      return std::stoll(s);
    } catch (...) {
      return s;  // too large for an integer: keep the text
    }
  }
  if (IsFloat(s)) {
    try {
      return std::stod(s);
    } catch (...) {
      return s;
    }
  }
  return s;
}

// Counts values (aliases expanded) up to `budget`; false when over it. Runs
// before the conversion so a hostile file costs a walk, not the memory.
bool WithinBudget(const YAML::Node& n, size_t* budget) {
  if (*budget == 0) return false;
  --*budget;
  if (n.IsSequence()) {
    for (const auto& item : n)
      if (!WithinBudget(item, budget)) return false;
  } else if (n.IsMap()) {
    for (const auto& kv : n)
      if (!WithinBudget(kv.second, budget)) return false;
  }
  return true;
}

// The 1-based line where a second document starts ("---" at column 0 after
// content), or 0. Needed because YAML::LoadAll, which would tell, loops
// forever on some inputs (a lone ","); only YAML::Load is used.
int SecondDocumentLine(std::string_view text) {
  bool content = false;
  int line = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view l = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    bool marker = (l.substr(0, 3) == "---" || l.substr(0, 3) == "...") &&
                  (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
    if (marker && l[0] == '-' && content) return line;
    if (marker) l.remove_prefix(3);
    size_t first = l.find_first_not_of(" \t");
    if (first != std::string_view::npos && l[first] != '#' && l[0] != '%') content = true;
  }
  return 0;
}

struct Converter {
  const std::string& file;
  MarkedJson* out;
  std::vector<std::string>* errors;
  size_t values = 0;

  void Error(const YAML::Mark& m, const std::string& msg) {
    errors->push_back(fmt::format("{}:{}:{}: {}", file, m.line + 1, m.column + 1, msg));
  }

  bool Convert(const YAML::Node& n, const std::string& ptr, json* j) {
    if (++values > kMaxValues) {
      Error(n.Mark(), "the document is too large (alias expansion?)");
      return false;
    }
    out->marks[ptr] = ToMark(n.Mark());
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        *j = nullptr;
        return true;
      case YAML::NodeType::Scalar:
        *j = n.Tag() == "!" ? json(n.Scalar()) : ResolvePlain(n.Scalar());
        return true;
      case YAML::NodeType::Sequence: {
        *j = json::array();
        size_t i = 0;
        for (const auto& item : n) {
          json v;
          if (!Convert(item, ptr + "/" + std::to_string(i++), &v)) return false;
          j->push_back(std::move(v));
        }
        return true;
      }
      case YAML::NodeType::Map: {
        *j = json::object();
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) {
            Error(kv.first.Mark(), "a mapping key must be a plain text");
            return false;
          }
          const std::string key = kv.first.Scalar();
          std::string child = ptr + "/" + Escape(key);
          if (j->contains(key)) {
            Error(kv.first.Mark(), fmt::format("duplicate key \"{}\"", key));
            continue;
          }
          out->marks[child + "#key"] = ToMark(kv.first.Mark());
          json v;
          if (!Convert(kv.second, child, &v)) return false;
          (*j)[key] = std::move(v);
        }
        return true;
      }
    }
    return true;
  }
};

}  // namespace

SourceMark MarkedJson::MarkOf(std::string pointer) const {
  for (;;) {
    auto it = marks.find(pointer);
    if (it != marks.end()) return it->second;
    if (pointer.empty()) return {1, 1};
    pointer.resize(pointer.rfind('/'));
  }
}

bool ParseMarkedYaml(std::string_view text, const std::string& file, MarkedJson* out,
                     std::vector<std::string>* errors) {
  size_t before = errors->size();
  try {
    if (int line = SecondDocumentLine(text)) {
      errors->push_back(fmt::format("{}:{}:1: the world file must hold one YAML document", file, line));
      return false;
    }
    YAML::Node doc = YAML::Load(std::string(text));
    if (!doc.IsDefined() || doc.IsNull()) {
      errors->push_back(fmt::format("{}:1:1: the world file holds no YAML content (expected a mapping such as instances:)", file));
      return false;
    }
    size_t budget = kMaxValues;
    if (!WithinBudget(doc, &budget)) {
      errors->push_back(fmt::format("{}:1:1: the document is too large (more than {} values, "
                                    "aliases expanded)",
                                    file, kMaxValues));
      return false;
    }
    Converter c{file, out, errors};
    if (!c.Convert(doc, "", &out->root)) return false;
  } catch (const YAML::Exception& e) {
    errors->push_back(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
    return false;
  } catch (const std::exception& e) {
    errors->push_back(fmt::format("{}:1:1: {}", file, e.what()));
    return false;
  }
  return errors->size() == before;
}

std::string FormatAt(const MarkedJson& doc, const std::string& file, const std::string& pointer,
                     const std::string& message, bool at_key) {
  SourceMark m = doc.MarkOf(pointer);
  if (at_key) {
    auto it = doc.marks.find(pointer + "#key");
    if (it != doc.marks.end()) m = it->second;
  }
  std::string path = PointerToPath(doc.root, pointer);
  if (path.empty()) return fmt::format("{}:{}:{}: {}", file, m.line, m.column, message);
  return fmt::format("{}:{}:{}: {}: {}", file, m.line, m.column, path, message);
}

std::string PointerToPath(const json& root, const std::string& pointer) {
  std::string path;
  const json* cur = &root;
  size_t pos = 1;
  while (pos <= pointer.size() && !pointer.empty()) {
    size_t next = pointer.find('/', pos);
    std::string tok = pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    std::string key;
    for (size_t i = 0; i < tok.size(); ++i) {
      if (tok[i] == '~' && i + 1 < tok.size()) {
        key += tok[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        key += tok[i];
      }
    }
    if (cur && cur->is_array()) {
      path += "[" + key + "]";
      size_t idx = std::strtoul(key.c_str(), nullptr, 10);
      cur = idx < cur->size() ? &(*cur)[idx] : nullptr;
    } else {
      path += (path.empty() ? "" : ".") + key;
      cur = (cur && cur->is_object() && cur->contains(key)) ? &(*cur)[key] : nullptr;
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return path;
}

}  // namespace respec::emulator
