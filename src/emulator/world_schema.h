// Internal to the emulator: schemas/world.schema.json, compiled in at build
// time (core/embedded.h) so an installed respec validates world files
// without its source tree.
#pragma once

#include <string_view>

namespace respec::emulator {

std::string_view WorldSchemaText();

}  // namespace respec::emulator
