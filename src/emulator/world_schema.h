// Internal to the emulator: the embedded copy of schemas/world.schema.json.
#pragma once

#include <string_view>

namespace respec::emulator {

std::string_view WorldSchemaText();

}  // namespace respec::emulator
