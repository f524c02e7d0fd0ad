// Diagnostic: one problem found in a user's file, with where it is. The
// fleet-spec loader (YAML, spec/loader.h) and the profile reader (TOML,
// config/config.h) return every problem they find as a list of these (errors
// are data, never exceptions). Plain values; safe to copy between threads.
#pragma once

#include <string>
#include <vector>

namespace respec {

struct Diagnostic {
  std::string file;     // as the user named it
  int line = 0;         // 1-based; 0 = the whole file (missing, too large, ...)
  int column = 0;       // 1-based
  std::string path;     // document path like groups.web.maxUnavailable; may be ""
  std::string message;  // never holds a secret
  bool warning = false; // a warning does not make the file invalid

  // "FILE:LINE:COL: path: message" (parts that are unknown are left out;
  // warnings read "FILE:LINE:COL: warning: path: message").
  std::string ToString() const;
};

// True when any diagnostic from index `from` on is an error (not a warning).
bool HasErrors(const std::vector<Diagnostic>& diags, size_t from = 0);

}  // namespace respec
