// The fleet spec's JSON Schema, compiled into the binary so an installed
// respec validates without its source tree. schemas/fleet.schema.json is the
// copy editors use; tests/spec/schema_test.cc fails when the two differ (to
// update, paste the file between the R"json( and )json" markers of
// fleet_schema.cc).
#pragma once

#include <string_view>

namespace respec {

std::string_view FleetSchemaText();

}  // namespace respec
