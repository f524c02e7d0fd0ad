// Placeholder until the instances command's module lands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

namespace respec::cli {

void RegisterInstances(CLI::App& app, GlobalOptions&, Runner* run) {
  auto* cmd = app.add_subcommand("instances", "(not yet available)");
  cmd->callback([run] {
    *run = [] {
      std::cerr << "respec instances: not yet available\n";
      return 1;
    };
  });
}

}  // namespace respec::cli
