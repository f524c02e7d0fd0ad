// Placeholder until the YAML loader lands.
#include "emulator/world.h"

namespace respec::emulator {

bool LoadWorld(const std::string& path, World*, std::vector<std::string>* errors) {
  errors->push_back(path + ":1:1: world files are not supported yet");
  return false;
}

}  // namespace respec::emulator
