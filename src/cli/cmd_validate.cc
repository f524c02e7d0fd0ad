// respec validate -f FILE [-f FILE...]: checks fleet specs without touching
// the cloud. Every problem goes to stderr as FILE:LINE:COL: path: message;
// each valid file gets "FILE: ok (N groups, M targets)" on stdout.
// Exit 0 when every file is valid, 1 otherwise.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/terminal_text.h"
#include "core/clock.h"
#include "spec/loader.h"

namespace respec::cli {

void RegisterValidate(CLI::App& app, GlobalOptions&, Runner* run) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("validate", "Check fleet spec files: schema, names, times, groups");
  cmd->add_option("-f,--file", *files, "Fleet spec YAML file (repeat for several)")->required();
  cmd->callback([run, files] {
    *run = [files] {
      SystemClock clock;
      bool all_ok = true;
      for (const std::string& file : *files) {
        FleetSpec spec;
        std::vector<Diagnostic> diags;
        bool ok = LoadFleetSpec(file, clock, &spec, &diags);
        for (const Diagnostic& d : diags) std::cerr << ForTerminal(d.ToString()) << "\n";
        if (ok) {
          std::cout << file << ": ok (" << spec.groups.size() << (spec.groups.size() == 1 ? " group, " : " groups, ")
                    << CountTargets(spec) << (CountTargets(spec) == 1 ? " target)" : " targets)") << "\n";
        }
        all_ok = all_ok && ok;
      }
      return all_ok ? 0 : 1;
    };
  });
}

}  // namespace respec::cli
