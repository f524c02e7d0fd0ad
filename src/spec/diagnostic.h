// Diagnostic: one problem found in a user's file, with where it is. The spec
// loader returns every problem it finds as a list of these (errors are data,
// never exceptions). Plain values; safe to copy between threads.
#pragma once

#include <string>
#include <vector>

namespace respec {

// One step of a YAML path: a mapping key, or a sequence index.
struct PathElem {
  std::string key;     // the key, or the index in decimal
  bool index = false;  // true for a sequence index
};
using YamlPath = std::vector<PathElem>;

// "groups.web.targets[0].instanceType"; "" for the document root.
std::string PathToString(const YamlPath& path);

struct Diagnostic {
  std::string file;     // as the user named it
  int line = 0;         // 1-based; 0 = the whole file (missing, too large, ...)
  int column = 0;       // 1-based
  std::string path;     // YAML path like groups.web.maxUnavailable; may be ""
  std::string message;  // never holds a secret
  bool warning = false; // a warning does not make the file invalid

  // "FILE:LINE:COL: path: message" (parts that are unknown are left out;
  // warnings read "FILE:LINE:COL: warning: path: message").
  std::string ToString() const;
};

// True when any diagnostic is an error (not a warning).
bool HasErrors(const std::vector<Diagnostic>& diags);

}  // namespace respec
