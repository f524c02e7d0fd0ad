// Placeholder until the apply command's module lands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

namespace respec::cli {

void RegisterApply(CLI::App& app, GlobalOptions&, Runner* run) {
  auto* cmd = app.add_subcommand("apply", "(not yet available)");
  cmd->callback([run] {
    *run = [] {
      std::cerr << "respec apply: not yet available\n";
      return 1;
    };
  });
}

}  // namespace respec::cli
