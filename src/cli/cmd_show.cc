// Placeholder until the show command's module lands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

namespace respec::cli {

void RegisterShow(CLI::App& app, GlobalOptions&, Runner* run) {
  auto* cmd = app.add_subcommand("show", "(not yet available)");
  cmd->callback([run] {
    *run = [] {
      std::cerr << "respec show: not yet available\n";
      return 1;
    };
  });
}

}  // namespace respec::cli
