// Placeholder until the emulator command's module lands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

namespace respec::cli {

void RegisterEmulator(CLI::App& app, GlobalOptions&, Runner* run) {
  auto* cmd = app.add_subcommand("emulator", "(not yet available)");
  cmd->callback([run] {
    *run = [] {
      std::cerr << "respec emulator: not yet available\n";
      return 1;
    };
  });
}

}  // namespace respec::cli
