#include "emulator/world_schema.h"

#include "core/embedded.h"

namespace respec::emulator {

std::string_view WorldSchemaText() { return embedded::world_schema_json_text(); }

}  // namespace respec::emulator
