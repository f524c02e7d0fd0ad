// The CLI's subcommands: one registration table (cli/commands.cc), like the
// emulator's action table. Each command lives in its own cmd_*.cc, defines
// its flags on the CLI::App it adds, and sets the Runner when selected;
// main.cc builds the app from the table, parses and runs the selected one.
// To add a command: write cmd_NAME.cc with RegisterNAME and add one line to
// kCommands in commands.cc; help, did-you-mean, completions and the man page
// follow from the table.
//
// A command returns the process exit code (ExitCode below; README table).
// Commands print results to stdout and diagnostics (errors, warnings,
// notes) to stderr. apply prints its progress and summary through its
// reporter (apply/reporter.h) on stdout; the plan it shows with -f goes to
// stdout, or to stderr with --json so that stdout holds only JSON lines; its
// API call totals go to stderr.
// Threads: everything here runs on the main thread. Errors: none thrown.
#pragma once

#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

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

// Process exit codes, Terraform's 0/1/2 unchanged (README "Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,       // invalid input, a failed or interrupted apply
  kExitChanges = 2,     // plan --detailed-exitcode: changes are present
  kExitStalePlan = 3,   // apply: live state changed since the plan; re-plan
  kExitBlocked = 4,     // plan: blocked instances (without --allow-blocked)
};

// Sets *run to the command's body when the subcommand is selected.
using Runner = std::function<int()>;
using RegisterFn = void (*)(CLI::App& app, GlobalOptions& g, Runner* run);

struct CommandEntry {
  const char* name;     // the subcommand RegisterFn adds (checked at start-up)
  RegisterFn define;
};

// The table, in help order.
std::span<const CommandEntry> AllCommands();

// Builds the whole CLI (global flags + every command of the table) on `app`.
void DefineCli(CLI::App& app, GlobalOptions& g, Runner* run);

// When argv's first non-option word is not a command: the message to print
// ("unknown command "plna"; did you mean "plan"?"); else "".
std::string UnknownCommandMessage(const CLI::App& app, int argc, const char* const* argv);

// `respec completion bash|zsh` and `respec man`: generated from the app.
std::string BashCompletion(const CLI::App& app);
std::string ZshCompletion(const CLI::App& app);
std::string ManPage(const CLI::App& app);

void RegisterValidate(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterPlan(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterShow(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterGraph(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterApply(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterEmulator(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterInstances(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterWhoami(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterVersion(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterCompletion(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterMan(CLI::App& app, GlobalOptions& g, Runner* run);
void RegisterState(CLI::App& app, GlobalOptions& g, Runner* run);

// True when stdout is a terminal and colour was not turned off (NO_COLOR too).
bool UseColor(const GlobalOptions& g);

}  // namespace respec::cli
