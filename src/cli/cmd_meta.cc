// The commands about respec itself: `version [--json]` (also `respec
// --version [--json]`), `completion bash|zsh` and `man`, the last two
// generated from the CLI definition (cli/commands.cc).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "build_info.h"
#include "cli/commands.h"
#include "core/version.h"

namespace respec::cli {

std::string VersionText(bool json) {
  if (json) {
    nlohmann::json j = {{"version", kVersion}, {"commit", RESPEC_COMMIT}, {"build_date", RESPEC_BUILD_DATE}};
    return j.dump() + "\n";
  }
  return std::string("respec ") + kVersion + " (commit " + RESPEC_COMMIT + ", built " + RESPEC_BUILD_DATE + ")\n";
}

void RegisterVersion(CLI::App& app, GlobalOptions&, Runner* run) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("version", "Print the version, commit and build date");
  cmd->add_flag("--json", *json, "As JSON (schemas/version.schema.json)");
  cmd->callback([run, json] {
    *run = [json] {
      std::cout << VersionText(*json);
      return 0;
    };
  });
}

void RegisterCompletion(CLI::App& app, GlobalOptions&, Runner* run) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("completion", "Print a shell completion script (bash or zsh)");
  cmd->add_option("shell", *shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  cmd->callback([run, shell, &app] {
    *run = [shell, &app] {
      std::cout << (*shell == "bash" ? BashCompletion(app) : ZshCompletion(app));
      return 0;
    };
  });
}

void RegisterMan(CLI::App& app, GlobalOptions&, Runner* run) {
  auto* cmd = app.add_subcommand("man", "Print the man page (roff), generated from the CLI definition");
  cmd->callback([run, &app] {
    *run = [&app] {
      std::cout << ManPage(app);
      return 0;
    };
  });
}

}  // namespace respec::cli
