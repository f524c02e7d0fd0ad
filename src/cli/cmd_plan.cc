// Placeholder until the plan command's module lands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

namespace respec::cli {

void RegisterPlan(CLI::App& app, GlobalOptions&, Runner* run) {
  auto* cmd = app.add_subcommand("plan", "(not yet available)");
  cmd->callback([run] {
    *run = [] {
      std::cerr << "respec plan: not yet available\n";
      return 1;
    };
  });
}

}  // namespace respec::cli
