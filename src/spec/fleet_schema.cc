#include "spec/fleet_schema.h"

#include "core/embedded.h"

namespace respec {

std::string_view FleetSchemaText() { return embedded::fleet_schema_json_text(); }

}  // namespace respec
