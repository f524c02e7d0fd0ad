// Cheap checks on a spec's raw bytes, run before any YAML parser sees them:
// yaml-cpp assumes valid UTF-8 and recurses once per nesting level, so a
// hostile file could otherwise crash it (stack overflow) or make it allocate
// without bound. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/diagnostic.h"

namespace respec {

// Largest spec file accepted. A 10,000-instance fleet is about 0.5 MiB.
inline constexpr size_t kMaxSpecBytes = 8 * 1024 * 1024;
// Deepest flow nesting ([ and {) and widest block indentation accepted; a
// fleet spec needs about 6 levels and 12 columns.
inline constexpr int kMaxFlowDepth = 64;
inline constexpr int kMaxIndentColumns = 256;

// The first byte that is not UTF-8, as a diagnostic (file left empty).
std::optional<Diagnostic> CheckUtf8(std::string_view text);

// A diagnostic when the text nests deeper than the limits above. The scan
// is conservative: it may refuse brackets inside multi-line quoted strings,
// never the other way round.
std::optional<Diagnostic> CheckNesting(std::string_view text);

}  // namespace respec
