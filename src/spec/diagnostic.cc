#include "spec/diagnostic.h"

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

std::string Diagnostic::ToString() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column > 0 ? column : 1);
  s += ": ";
  if (warning) s += "warning: ";
  if (!path.empty()) s += path + ": ";
  s += message;
  return s;
}

bool HasErrors(const std::vector<Diagnostic>& diags) {
  for (const Diagnostic& d : diags)
    if (!d.warning) return true;
  return false;
}

}  // namespace respec
