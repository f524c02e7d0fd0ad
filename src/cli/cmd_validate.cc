// respec validate -f FILE [-f FILE...] [--json]: checks fleet specs without
// touching the cloud. Every problem goes to stderr as FILE:LINE:COL: path:
// message; each valid file gets "FILE: ok (N groups, M targets)" on stdout.
// With --json, stdout gets one object (schemas/validate.schema.json) with
// every file and every diagnostic, and stderr stays quiet.
// `-f -` reads standard input. Exit 0 when every file is valid, 1 otherwise.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/terminal_text.h"
#include "core/clock.h"
#include "core/version.h"
#include "spec/loader.h"

namespace respec::cli {
namespace {

struct ValidateOpts {
  std::vector<std::string> files;
  bool json = false;
};

nlohmann::json DiagnosticJson(const Diagnostic& d) {
  nlohmann::json j = {{"file", d.file}, {"severity", d.warning ? "warning" : "error"}, {"message", d.message}};
  if (d.line > 0) j["line"] = d.line;
  if (d.column > 0) j["column"] = d.column;
  if (!d.path.empty()) j["path"] = d.path;
  return j;
}

int RunValidate(const ValidateOpts& o) {
  SystemClock clock;
  bool all_ok = true;
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& file : o.files) {
    FleetSpec spec;
    std::vector<Diagnostic> diags;
    bool ok = LoadFleetSpec(file, clock, &spec, &diags);
    all_ok = all_ok && ok;
    if (o.json) {
      nlohmann::json f = {{"file", file == "-" ? std::string(kStdinName) : file}, {"valid", ok},
                          {"diagnostics", nlohmann::json::array()}};
      if (ok) {
        f["groups"] = spec.groups.size();
        f["targets"] = CountTargets(spec);
      }
      for (const Diagnostic& d : diags) f["diagnostics"].push_back(DiagnosticJson(d));
      files.push_back(std::move(f));
      continue;
    }
    for (const Diagnostic& d : diags) std::cerr << ForTerminal(d.ToString()) << "\n";
    if (ok) {
      size_t targets = CountTargets(spec);
      std::cout << (file == "-" ? kStdinName : file) << ": ok (" << spec.groups.size() << (spec.groups.size() == 1 ? " group, " : " groups, ")
                << targets << (targets == 1 ? " target)" : " targets)") << "\n";
    }
  }
  if (o.json) {
    nlohmann::json out = {{"format_version", 1}, {"respec_version", kVersion}, {"valid", all_ok}, {"files", files}};
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return all_ok ? kExitOk : kExitError;
}

}  // namespace

void RegisterValidate(CLI::App& app, GlobalOptions&, Runner* run) {
  auto o = std::make_shared<ValidateOpts>();
  auto* cmd = app.add_subcommand("validate", "Check fleet spec files: schema, names, times, groups");
  cmd->add_option("-f,--file", o->files, "Fleet spec YAML file (repeat for several; - reads standard input)")
      ->required();
  cmd->add_flag("--json", o->json, "One JSON object with every file and problem (schemas/validate.schema.json)");
  cmd->callback([run, o] { *run = [o] { return RunValidate(*o); }; });
}

}  // namespace respec::cli
