// respec state list            runs recorded in the state store: who, when, plan id and digest, outcome
// respec state show RUN        one run's journal: steps, calls (ClientToken), orders, errors
// Both read the store apply uses (--state-backend / --state-dir, as apply
// chooses them: cli/state_backend.h) and change nothing. --json prints the
// records as JSON lines. Text from the store is stripped of control
// characters before it reaches the terminal.
// Exit: 0 shown; 1 bad flags, unreachable store, no such run.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cloud_factory.h"
#include "cli/commands.h"
#include "cli/state_backend.h"
#include "config/config.h"

namespace respec::cli {
namespace {

struct StateOpts {
  StateFlags state;
  std::string run_id;
  bool json = false;
};

StatusOr<std::unique_ptr<StateStore>> Open(const StateOpts& o, const GlobalOptions& g) {
  Profile profile;
  if (!LoadGlobalProfile(g, &profile, std::cerr)) return Status::Invalid("bad configuration");
  return OpenStateStore(o.state, profile);
}

std::string Field(const nlohmann::json& r, const char* key) {
  if (!r.contains(key)) return "";
  const auto& v = r[key];
  return Printable(v.is_string() ? v.get<std::string>() : v.dump());
}

int List(const StateOpts& o, const GlobalOptions& g) {
  auto store = Open(o, g);
  if (!store.ok()) return std::cerr << "respec state list: " << store.status().message() << "\n", 1;
  std::vector<RunRecord> runs;
  if (Status s = store.value()->ListRuns(&runs); !s.ok())
    return std::cerr << "respec state list: " << s.message() << "\n", 1;
  if (!o.json) std::cout << fmt::format("{:<26} {:<20} {:<20} {:<12} {:<20} {}\n", "RUN", "STARTED", "FINISHED",
                                        "OUTCOME", "PLAN", "WHO");
  for (const auto& r : runs) {
    std::string who = r.holder.host + " pid " + std::to_string(r.holder.pid);
    if (!r.holder.ci_run.empty()) who += " " + r.holder.ci_run;
    if (o.json) {
      std::cout << nlohmann::json{{"run", r.run_id},         {"plan_id", r.plan_id}, {"plan_digest", r.plan_digest},
                                  {"started", r.started},    {"finished", r.finished}, {"outcome", r.outcome},
                                  {"host", r.holder.host},   {"pid", r.holder.pid},  {"ci_run", r.holder.ci_run}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
      continue;
    }
    std::string plan = r.plan_id + (r.plan_digest.empty() ? "" : " " + r.plan_digest);
    std::cout << Printable(fmt::format("{:<26} {:<20} {:<20} {:<12} {:<20} {}", r.run_id, r.started,
                                       r.finished.empty() ? "-" : r.finished, r.outcome, plan, who))
              << "\n";
  }
  if (!o.json && runs.empty()) std::cout << "(no runs in " << store.value()->Name() << ")\n";
  return 0;
}

int Show(const StateOpts& o, const GlobalOptions& g) {
  auto store = Open(o, g);
  if (!store.ok()) return std::cerr << "respec state show: " << store.status().message() << "\n", 1;
  std::vector<nlohmann::json> records;
  if (Status s = store.value()->RunJournal(o.run_id, &records); !s.ok())
    return std::cerr << "respec state show: " << Printable(s.message()) << "\n", 1;
  for (const auto& r : records) {
    if (o.json) {
      std::cout << r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      continue;
    }
    if (!r.is_object()) {
      std::cout << "(unreadable record)\n";
      continue;
    }
    std::string line = fmt::format("{:<14} {:<24}", Field(r, "ev"), Field(r, "instance"));
    for (const char* k : {"kind", "step", "client_token", "target_type", "order_id", "request_id", "code", "message",
                          "outcome", "exit_code", "action", "t"})
      if (r.contains(k)) line += std::string(" ") + k + "=" + Field(r, k);
    std::cout << line << "\n";
  }
  return 0;
}

void AddStoreFlags(CLI::App* cmd, StateOpts* o) {
  cmd->add_option("--state-backend", o->state.backend, "postgresql://user@host:5432/db (as for apply)");
  cmd->add_option("--state-dir", o->state.state_dir, "Local state directory (as for apply)");
  cmd->add_flag("--json", o->json, "JSON lines");
}

}  // namespace

void RegisterState(CLI::App& app, GlobalOptions& g, Runner* run) {
  auto o = std::make_shared<StateOpts>();
  auto* cmd = app.add_subcommand("state", "Audit what apply recorded: runs, steps, orders (local or PostgreSQL)");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand("list", "Runs: who, when, plan id and digest, outcome");
  AddStoreFlags(list, o.get());
  list->callback([run, o, &g] { *run = [o, &g] { return List(*o, g); }; });
  auto* show = cmd->add_subcommand("show", "One run's journal: steps, ClientTokens, orders, errors");
  show->add_option("run", o->run_id, "Run id (from respec state list)")->required();
  AddStoreFlags(show, o.get());
  show->callback([run, o, &g] { *run = [o, &g] { return Show(*o, g); }; });
}

}  // namespace respec::cli
