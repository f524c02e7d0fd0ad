// Helpers for the spec loader tests: load text, get the messages back.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "spec/loader.h"

namespace respec::testing {

struct Loaded {
  bool ok = false;
  FleetSpec spec;
  std::vector<std::string> messages;  // Diagnostic::ToString(), in order
};

inline Loaded LoadText(const std::string& text, const Clock& clock) {
  Loaded r;
  std::vector<Diagnostic> diags;
  r.ok = LoadFleetSpecFromString(text, "f.yaml", clock, &r.spec, &diags);
  for (const Diagnostic& d : diags) r.messages.push_back(d.ToString());
  return r;
}

inline Loaded LoadText(const std::string& text) {
  VirtualClock clock;  // 2026-01-01T00:00Z
  return LoadText(text, clock);
}

inline std::string SourceDir() {
  const char* env = std::getenv("RESPEC_SOURCE_DIR");
  return env ? env : RESPEC_SOURCE_DIR;
}

}  // namespace respec::testing
