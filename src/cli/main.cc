// respec: declarative instance-type changes for ECS subscription instances.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include "cli/commands.h"
#include "core/version.h"

namespace respec::cli {

bool UseColor(const GlobalOptions& g) {
  if (g.no_color || std::getenv("NO_COLOR")) return false;
  return isatty(STDOUT_FILENO) == 1;
}

}  // namespace respec::cli

int main(int argc, char** argv) {
  using namespace respec::cli;
  CLI::App app{"respec: declarative instance-type changes for Alibaba Cloud ECS subscription instances"};
  app.set_version_flag("--version", std::string("respec ") + respec::kVersion);
  app.require_subcommand(1);
  // Global flags may come after the subcommand too (respec plan --endpoint URL).
  app.fallthrough();
  GlobalOptions g;
  if (const char* p = std::getenv("RESPEC_PROFILE")) g.profile = p;
  app.add_option("--profile", g.profile, "Profile from respec.toml (also RESPEC_PROFILE)");
  app.add_option("--config", g.config, "Config file (default: ./respec.toml, then $XDG_CONFIG_HOME/respec/config.toml)");
  app.add_option("--endpoint", g.endpoint, "ECS API endpoint URL, e.g. http://127.0.0.1:8470 for respec emulator");
  app.add_flag("--no-color", g.no_color, "Never colour the output");
  app.add_flag("-v,--verbose", g.verbose, "More log output (repeat for more); secrets are never logged");

  Runner run;
  RegisterValidate(app, g, &run);
  RegisterPlan(app, g, &run);
  RegisterShow(app, g, &run);
  RegisterGraph(app, g, &run);
  RegisterApply(app, g, &run);
  RegisterEmulator(app, g, &run);
  RegisterInstances(app, g, &run);
  RegisterState(app, g, &run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 1;
  }
  if (!run) {
    std::cerr << "respec: no command given; see respec --help\n";
    return 1;
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::cerr << "respec: internal error: " << e.what() << "\n";
    return 1;
  }
}
