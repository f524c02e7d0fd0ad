// Placeholder until the graph command's module lands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

namespace respec::cli {

void RegisterGraph(CLI::App& app, GlobalOptions&, Runner* run) {
  auto* cmd = app.add_subcommand("graph", "(not yet available)");
  cmd->callback([run] {
    *run = [] {
      std::cerr << "respec graph: not yet available\n";
      return 1;
    };
  });
}

}  // namespace respec::cli
