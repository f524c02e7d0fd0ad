#include "core/diagnostic.h"

namespace respec {

std::string Diagnostic::ToString() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column > 0 ? column : 1);
  s += ": ";
  if (warning) s += "warning: ";
  if (!path.empty()) s += path + ": ";
  s += message;
  return s;
}

bool HasErrors(const std::vector<Diagnostic>& diags, size_t from) {
  for (size_t i = from; i < diags.size(); ++i)
    if (!diags[i].warning) return true;
  return false;
}

}  // namespace respec
