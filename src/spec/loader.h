// Loads a fleet spec file: bounded read, UTF-8 and nesting checks, YAML
// parse, JSON Schema validation (schemas/fleet.schema.json, compiled in),
// then the semantic checks and defaults (spec/semantic.h).
//
// Errors: every problem found is appended to *diags (file:line:col, YAML
// path, message) and the call returns false; nothing throws, no input
// crashes or hangs it, and memory stays bounded (files over kMaxSpecBytes
// are refused by size before they are read). Warnings may be appended to a
// valid file's diagnostics. *out is filled on success (and best effort on
// failure, for tools that want partial data).
//
// Threads: callable from any thread; the compiled schema is shared and
// immutable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/diagnostic.h"
#include "spec/spec.h"

namespace respec {

// `clock` decides what "in the past" means for reboot times and endTime.
// `path` "-" reads standard input (bounded like a file), named kStdinName in
// diagnostics.
inline constexpr const char* kStdinName = "<stdin>";
bool LoadFleetSpec(const std::string& path, const Clock& clock, FleetSpec* out,
                   std::vector<Diagnostic>* diags);

// The same for text already in memory; `name` is the file name used in
// diagnostics and FleetSpec::path.
bool LoadFleetSpecFromString(std::string_view text, std::string name, const Clock& clock,
                             FleetSpec* out, std::vector<Diagnostic>* diags);

// Number of targets over all groups (for "ok (N groups, M targets)").
size_t CountTargets(const FleetSpec& spec);

}  // namespace respec
