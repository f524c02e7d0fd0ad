// The fleet spec's JSON Schema: schemas/fleet.schema.json, compiled in at
// build time (core/embedded.h) so an installed respec validates without its
// source tree.
#pragma once

#include <string_view>

namespace respec {

std::string_view FleetSchemaText();

}  // namespace respec
