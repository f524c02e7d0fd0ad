// The CLI's subcommands. Each lives in its own cmd_*.cc and registers itself
// on the app; main.cc parses and runs the selected one. A command returns the
// process exit code (see README: 0 ok, 1 error, 2 changes present with
// --detailed-exitcode). Commands print through their module's reporter, not
// std::cout directly, so tests can check events.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace respec::cli {

struct GlobalOptions {
  std::string profile;   // --profile or RESPEC_PROFILE
  std::string config;    // --config FILE (else respec.toml, then $XDG_CONFIG_HOME/respec/config.toml)
  std::string endpoint;  // --endpoint URL
  bool no_color = false; // --no-color (colour is only ever used on a TTY)
  int verbose = 0;       // -v, -vv
};

// Sets *run to the command's body when the subcommand is selected.
using Runner = std::function<int()>;
void RegisterValidate(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterPlan(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterShow(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterGraph(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterApply(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterEmulator(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterInstances(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterState(CLI::App& app, GlobalOptions& g, Runner* run);

// True when stdout is a terminal and colour was not turned off (NO_COLOR too).
bool UseColor(const GlobalOptions& g);

}  // namespace respec::cli
