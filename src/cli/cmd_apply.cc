// respec apply PLAN.json | -f FLEET.yaml [--auto-approve] [--json]
//               [--fail-fast] [--state-dir DIR]
// Executes a reviewed plan (apply/executor.h). With -f it plans first,
// shows the plan and asks for `yes` on a terminal (--auto-approve skips the
// question; without a terminal and without it, apply refuses).
// Exit: 0 every change applied; 3 stale plan (nothing changed; re-plan);
// 1 otherwise (failures, skipped instances, interrupt, lock held, bad input).
//
// Signals: the first SIGINT/SIGTERM asks the executor to start nothing new
// and finish the chains in flight (so nothing is left stopped); the second
// stops at once (the journal makes the run resumable). The handler only
// bumps an atomic counter; the executor's loop polls it.
#include <CLI/CLI.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "apply/call_runner.h"
#include "apply/executor.h"
#include "apply/journal.h"
#include "cli/state_backend.h"
#include "state/lease_keeper.h"
#include "apply/preflight.h"
#include "apply/reporter.h"
#include "cli/cloud_factory.h"
#include "cli/commands.h"
#include "core/terminal_text.h"
#include "cloud/retrying_cloud.h"
#include "config/config.h"
#include "config/credentials_loader.h"
#include "core/clock.h"
#include "core/timefmt.h"
#include "core/version.h"
#include "ecs/ecs_cloud.h"
#include "ecs/endpoint.h"
#include "plan/plan_file.h"
#include "plan/planner.h"
#include "plan/render.h"
#include "spec/loader.h"

namespace respec::cli {
namespace {

struct ApplyOpts {
  std::string plan_file;
  std::string spec_file;
  bool auto_approve = false;
  bool json = false;
  bool fail_fast = false;
  StateFlags state;
  double lock_timeout_s = 0;
  double lease_ttl_s = 60;
};

std::atomic<int> g_interrupts{0};

extern "C" void OnInterrupt(int sig) {
  if (g_interrupts.fetch_add(1) + 1 >= 2) {
    // A third signal kills the default way, in case something hangs.
    struct sigaction sa{};
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, nullptr);
  }
}

void InstallSignalHandlers() {
  struct sigaction sa{};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool PlanFromSpec(const ApplyOpts& o, const GlobalOptions& g, const Profile& profile, Clock* clock,
                  Cloud* cloud, Plan* plan) {
  FleetSpec spec;
  std::vector<Diagnostic> diags;
  bool ok = LoadFleetSpec(o.spec_file, *clock, &spec, &diags);
  for (const auto& d : diags) std::cerr << ForTerminal(d.ToString()) << "\n";
  if (!ok) return false;
  for (auto& group : spec.groups) {
    if (group.regions.empty() && !profile.region.empty()) group.regions = {profile.region};
    if (group.regions.empty()) {
      std::cerr << "respec apply: group " << ForTerminal(group.name)
                << " has no region: set regions in the fleet spec or region in the profile\n";
      return false;
    }
  }
  PlannerOptions po;
  po.api_qps = profile.rate.default_qps;
  po.read_concurrency = std::max(1, std::min(profile.http_concurrency, 8));
  auto outcome = MakePlan(spec, cloud, *clock, po);
  if (!outcome.ok()) {
    for (const auto& e : outcome.errors) std::cerr << "respec apply: " << ForTerminal(e) << "\n";
    return false;
  }
  *plan = std::move(*outcome.plan);
  RenderOptions ro;
  ro.color = UseColor(g);
  (o.json ? std::cerr : std::cout) << MakeRenderer(PlanFormat::kText, ro)->Render(*plan);
  return true;
}

bool Approved(const ApplyOpts& o) {
  if (o.auto_approve) return true;
  if (isatty(STDIN_FILENO) != 1) {
    std::cerr << "respec apply: refusing to apply without confirmation: stdin is not a terminal; "
                 "review the plan and pass --auto-approve (or apply a saved plan file)\n";
    return false;
  }
  std::cerr << "\nDo you want to apply these changes? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer) || answer != "yes") {
    std::cerr << "Apply cancelled.\n";
    return false;
  }
  return true;
}

// RESPEC_TIME_SCALE: rehearsals against `respec emulator --time-scale N` tell
// the waiter the emulator runs N times faster; never against a real endpoint.
bool ReadTimeScale(const GlobalOptions& g, const Profile& profile, double* scale) {
  const char* ts_env = std::getenv("RESPEC_TIME_SCALE");
  auto time_scale = ecs::RehearsalTimeScale(ts_env ? std::optional<std::string>(ts_env) : std::nullopt,
                                            !g.endpoint.empty() ? g.endpoint : profile.endpoint);
  if (!time_scale.error.empty()) {
    std::cerr << "respec apply: " << time_scale.error << "\n";
    return false;
  }
  *scale = time_scale.scale;
  return true;
}

// Whether there is anything to apply and the user agreed (a spec's plan is
// shown and asked about; a plan file was reviewed when it was made). Sets
// *exit_code when not.
bool ReadyToApply(const ApplyOpts& o, const Plan& plan, int* exit_code) {
  PlanCounts counts = CountPlan(plan);
  if (counts.changes() == 0) {
    std::cerr << "respec apply: no changes to apply\n";
    *exit_code = 0;
    return false;
  }
  if (counts.blocked > 0)
    std::cerr << "respec apply: note: " << counts.blocked << " blocked instance(s) are left as they are\n";
  *exit_code = 1;
  return o.spec_file.empty() || Approved(o);
}

RunRecord NewRunRecord(const Plan& plan, Clock* clock) {
  RunRecord run;
  run.plan_id = plan.plan_id;
  run.plan_digest = plan.digest;
  run.holder = ThisProcessHolder();
  run.started = FormatUtcSeconds(clock->Now());
  run.holder.plan_id = plan.plan_id;
  run.holder.since = run.started;
  return run;
}

// Every instance the plan changes is leased before anything is read or sent.
bool LeaseInstances(const ApplyOpts& o, const Plan& plan, StateStore* store, Clock* clock, RunRecord* run,
                    std::chrono::milliseconds ttl) {
  std::vector<std::string> leased;
  for (const auto& ip : plan.instances)
    if (!ip.steps.empty()) leased.push_back(ip.instance_id);
  if (Status s = BeginRunWithLeases(store, clock, run, leased,
                                    std::chrono::milliseconds(static_cast<long long>(o.lock_timeout_s * 1000)), ttl);
      !s.ok()) {
    // The holder's text comes from the store (another machine wrote it).
    std::cerr << "respec apply: " << ForTerminal(s.message()) << "\n";
    return false;
  }
  return true;
}

// What earlier runs of this plan did (a resume), from the journal.
bool ReadResume(const ApplyOpts& o, StateStore* store, const Plan& plan, const RunRecord& run,
                JournalState* resume) {
  auto loaded = LoadJournalState(store, plan.plan_id);
  if (!loaded.ok()) {
    std::cerr << "respec apply: cannot read the journal: " << loaded.status().message() << "\n";
    (void)store->EndRun(run.run_id, "failed");
    return false;
  }
  *resume = std::move(loaded).value();
  if (resume->runs > 0 && !o.json)
    std::cerr << "respec apply: resuming from " << store->Name() << " (" << resume->steps_done.size()
              << " steps done, " << resume->finished.size() << " instances finished)\n";
  return true;
}

// Reads the planned instances again; a plan the account has moved away from
// is refused (kExitStalePlan) before anything is sent. Returns -1 when the
// plan still holds, else the exit code.
int RefuseIfStale(const Plan& plan, Cloud* cloud, const JournalState& resume, StateStore* store,
                  const RunRecord& run, PreflightResult* pre) {
  *pre = CheckPlanAgainstLive(plan, cloud, resume.touched);
  if (pre->error) {
    std::cerr << "respec apply: cannot read live state: " << pre->error->Describe() << "\n";
    (void)store->EndRun(run.run_id, "failed");
    return 1;
  }
  if (!pre->differences.empty()) {
    std::cerr << "respec apply: the plan is stale: " << pre->differences.size()
              << " instance(s) changed since it was made:\n";
    for (const auto& d : pre->differences) std::cerr << "  " << ForTerminal(d.Describe()) << "\n";
    std::cerr << "Nothing was changed. Make a new plan (respec plan) and review it.\n";
    (void)store->EndRun(run.run_id, "refused");
    return kExitStalePlan;
  }
  return -1;
}

void ReportBackendLoss(const Summary& s, const StateStore& store, const LeaseKeeper& keeper) {
  std::string unfinished;
  int n = 0;
  for (const auto& i : s.instances)
    if (i.kind != InstanceOutcomeKind::kChanged && i.kind != InstanceOutcomeKind::kAlreadyApplied && n++ < 20)
      unfinished += " " + i.instance_id;
  std::cerr << "respec apply: the state backend " << store.Name() << " failed (" << keeper.error().message()
            << "): started nothing new; " << n << " instance(s) unfinished:" << unfinished
            << (n > 20 ? " …" : "") << "; run `respec apply` on the same plan again when it is back\n";
}

// Records how the run ended. An aborted run (second interrupt) exits at once:
// calls in flight may be sleeping in backoff; the journal has what a resume needs.
int FinishRun(StateStore* store, const RunRecord& run, const Summary& s) {
  if (s.aborted) {
    std::cout << std::flush;
    std::cerr << std::flush;
    (void)store->EndRun(run.run_id, "interrupted");
    ::_exit(1);
  }
  (void)store->EndRun(run.run_id, s.exit_code == 0 ? "succeeded" : "failed");
  return s.exit_code;
}

int RunApply(const ApplyOpts& o, const GlobalOptions& g) {
  if (o.plan_file.empty() == o.spec_file.empty()) {
    std::cerr << "respec apply: give either a plan file (respec apply PLAN.json) or a fleet spec (-f FLEET.yaml)\n";
    return 1;
  }
  SystemClock clock;
  Profile profile;
  double time_scale = 1;
  if (!LoadGlobalProfile(g, &profile, std::cerr) || !ReadTimeScale(g, profile, &time_scale)) return 1;

  CloudStack stack;
  Plan plan;
  if (!o.plan_file.empty()) {
    // A bad plan file is refused before credentials are looked for.
    std::vector<std::string> errors;
    if (!LoadPlanFile(o.plan_file, &plan, &errors)) {
      for (const auto& e : errors) std::cerr << "respec apply: " << ForTerminal(e) << "\n";
      return 1;
    }
  }
  if (!BuildProfileCloud(g, profile, "apply", &clock, &stack, std::cerr)) return 1;
  if (!o.spec_file.empty() && !PlanFromSpec(o, g, profile, &clock, stack.cloud(), &plan)) return 1;
  if (int rc = 0; !ReadyToApply(o, plan, &rc)) return rc;

  auto opened = OpenStateStore(o.state, profile);
  if (!opened.ok()) {
    std::cerr << "respec apply: " << ForTerminal(opened.status().message()) << "\n";
    return 1;
  }
  StateStore& store = *opened.value();
  RunRecord run = NewRunRecord(plan, &clock);
  const auto ttl = std::chrono::milliseconds(static_cast<long long>(o.lease_ttl_s * 1000));
  if (!LeaseInstances(o, plan, &store, &clock, &run, ttl)) return 1;
  LeaseKeeper keeper(&store, &clock, run.run_id, ttl, ttl / 3);
  keeper.Start();
  JournalState resume;
  if (!ReadResume(o, &store, plan, run, &resume)) return 1;
  PreflightResult pre;
  if (int rc = RefuseIfStale(plan, stack.cloud(), resume, &store, run, &pre); rc >= 0) return rc;

  Journal journal(&store, run.run_id, plan.plan_id);
  std::unique_ptr<Reporter> reporter = MakeReporterFor(std::cout, STDOUT_FILENO, o.json, UseColor(g), clock);
  ExecutorOptions eo;
  eo.fail_fast = o.fail_fast;
  eo.resume = std::move(resume);
  eo.live = std::move(pre.live);
  // A lost heartbeat (store unreachable, leases lost) = start nothing new.
  eo.interrupt_level = [&keeper] { return std::max(g_interrupts.load(), keeper.failed() ? 1 : 0); };
  eo.waiter.time_scale = time_scale;  // 1 unless a loopback rehearsal
  InstallSignalHandlers();
  auto runner = std::make_unique<ThreadPoolRunner>(std::max(1, profile.http_concurrency), &clock);
  Executor executor(&plan, stack.cloud(), &clock, runner.get(), &journal, reporter.get(), std::move(eo));
  Summary s = executor.Run();
  keeper.Stop();
  if (keeper.failed()) {
    ReportBackendLoss(s, store, keeper);
    s.exit_code = 1;
  }
  if (!o.json) {
    auto total = stack.retrying->Total();
    std::cerr << fmt::format("API: {} calls, {} requests, {} Throttling, {} LastOrderProcessing, {} transient\n",
                             total.calls, total.attempts, total.throttled, total.order_busy, total.transient);
  }
  return FinishRun(&store, run, s);
}

}  // namespace

void RegisterApply(CLI::App& app, GlobalOptions& g, Runner* run) {
  auto o = std::make_shared<ApplyOpts>();
  auto* cmd = app.add_subcommand("apply", "Execute a plan: resize the instances at the API's rate limit");
  cmd->add_option("plan", o->plan_file, "Plan file made by `respec plan --out`");
  cmd->add_option("-f,--file", o->spec_file, "Fleet spec (YAML; - reads standard input): plan, show, ask, then apply");
  cmd->add_flag("--auto-approve", o->auto_approve, "With -f: apply without asking (pipelines)");
  cmd->add_flag("--json", o->json, "One JSON event per line (schemas/events.schema.json)");
  cmd->add_flag("--fail-fast", o->fail_fast, "Start nothing new after the first failure");
  cmd->add_option("--state-dir", o->state.state_dir,
                  "Journal and lock directory (default: RESPEC_STATE_DIR, else the profile's stateDir, .respec)");
  cmd->add_option("--state-backend", o->state.backend,
                  "Shared state: postgresql://user@host:5432/db (password from PGPASSWORD/~/.pgpass; "
                  "also RESPEC_STATE_BACKEND or the profile's stateBackend)");
  cmd->add_option("--lock-timeout", o->lock_timeout_s, "Seconds to wait for another run's lock or leases (default 0: refuse at once)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--lease-ttl", o->lease_ttl_s, "Seconds a lease outlives its last heartbeat (default 60)")
      ->check(CLI::Range(1.0, 3600.0));
  cmd->callback([run, o, &g] { *run = [o, &g] { return RunApply(*o, g); }; });
}

}  // namespace respec::cli
