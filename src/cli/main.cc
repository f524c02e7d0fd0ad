// respec: declarative instance-type changes for ECS subscription instances.
// The commands come from one table (cli/commands.cc).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <unistd.h>

#include "cli/commands.h"

namespace respec::cli {

bool UseColor(const GlobalOptions& g) {
  if (g.no_color || std::getenv("NO_COLOR")) return false;
  return isatty(STDOUT_FILENO) == 1;
}

std::string VersionText(bool json);  // cmd_meta.cc

}  // namespace respec::cli

int main(int argc, char** argv) {
  using namespace respec::cli;
  // `respec --version [--json]` needs no command.
  if (argc >= 2 && std::strcmp(argv[1], "--version") == 0) {
    bool json = argc >= 3 && std::strcmp(argv[2], "--json") == 0;
    std::cout << VersionText(json);
    return argc <= 2 || json && argc == 3 ? 0 : 1;
  }
  CLI::App app{"respec: declarative instance-type changes for Alibaba Cloud ECS subscription instances"};
  GlobalOptions g;
  Runner run;
  DefineCli(app, g, &run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (std::string unknown = UnknownCommandMessage(app, argc, argv); !unknown.empty()) {
      std::cerr << unknown << "\n";
      return kExitError;
    }
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitError;
  }
  if (!run) {
    std::cerr << "respec: no command given; see respec --help\n";
    return kExitError;
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::cerr << "respec: internal error: " << e.what() << "\n";
    return kExitError;
  }
}
