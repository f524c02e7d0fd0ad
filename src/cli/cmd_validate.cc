// Placeholder until the validate command's module lands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

namespace respec::cli {

void RegisterValidate(CLI::App& app, GlobalOptions&, Runner* run) {
  auto* cmd = app.add_subcommand("validate", "(not yet available)");
  cmd->callback([run] {
    *run = [] {
      std::cerr << "respec validate: not yet available\n";
      return 1;
    };
  });
}

}  // namespace respec::cli
