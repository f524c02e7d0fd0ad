// Files compiled into the binary at build time (cmake/embed.cmake turns
// each schemas/*.json into a source), so an installed respec validates its
// inputs without the source tree and no copy has to be kept in step by hand.
// Add one: a line in CMakeLists.txt's respec_embed list and a declaration
// here. Threads: constant data.
#pragma once

#include <cstddef>
#include <string_view>

namespace respec::embedded {

#define RESPEC_EMBEDDED(sym)      \
  extern const char sym[];        \
  extern const std::size_t sym##_size; \
  inline std::string_view sym##_text() { return std::string_view(sym, sym##_size); }

RESPEC_EMBEDDED(fleet_schema_json)
RESPEC_EMBEDDED(plan_schema_json)
RESPEC_EMBEDDED(world_schema_json)

#undef RESPEC_EMBEDDED

}  // namespace respec::embedded
