// respec plan -f FLEET.yaml [--out PLAN.json] [--detailed-exitcode]
//             [--allow-blocked] [--json | --markdown]
// Reads the live fleet, diffs it against the spec and prints the plan.
// Exit: 0 no changes (or changes without --detailed-exitcode), 2 changes
// present with --detailed-exitcode, 1 error, 4 blocked instances (unless
// --allow-blocked; cli/commands.h ExitCode).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/cloud_factory.h"
#include "cli/commands.h"
#include "core/terminal_text.h"
#include "core/clock.h"
#include "plan/plan_file.h"
#include "plan/planner.h"
#include "plan/render.h"
#include "spec/loader.h"

namespace respec::cli {
namespace {

struct PlanOpts {
  std::string file;
  std::string out;
  bool detailed_exitcode = false;
  bool allow_blocked = false;
  bool json = false;
  bool markdown = false;
  bool unchanged = false;
  size_t max_chars = RenderOptions{}.markdown_max_chars;
};

int RunPlan(const PlanOpts& o, const GlobalOptions& g) {
  SystemClock clock;

  FleetSpec spec;
  std::vector<Diagnostic> diags;
  bool spec_ok = LoadFleetSpec(o.file, clock, &spec, &diags);
  for (const auto& d : diags) std::cerr << ForTerminal(d.ToString()) << "\n";
  if (!spec_ok) return 1;

  // Profile, credentials and the retrying, rate-limited ECS client.
  CloudStack stack;
  Profile profile;
  if (!LoadCloudStack(g, "plan", &clock, &stack, &profile, std::cerr)) return 1;
  for (auto& group : spec.groups) {
    if (group.regions.empty() && !profile.region.empty()) group.regions = {profile.region};
    if (group.regions.empty()) {
      std::cerr << "respec plan: group " << ForTerminal(group.name)
                << " has no region: set regions in the fleet spec or region in the profile\n";
      return 1;
    }
  }

  PlannerOptions po;
  po.api_qps = profile.rate.default_qps;
  po.read_concurrency = std::max(1, std::min(profile.http_concurrency, 8));
  auto outcome = MakePlan(spec, stack.cloud(), clock, po);
  if (!outcome.ok()) {
    for (const auto& e : outcome.errors) std::cerr << "respec plan: " << ForTerminal(e) << "\n";
    return 1;
  }
  const Plan& plan = *outcome.plan;

  RenderOptions ro;
  ro.color = !o.json && !o.markdown && UseColor(g);
  ro.show_unchanged = o.unchanged;
  ro.markdown_max_chars = o.max_chars;
  PlanFormat f = o.json ? PlanFormat::kJson : o.markdown ? PlanFormat::kMarkdown : PlanFormat::kText;
  std::cout << MakeRenderer(f, ro)->Render(plan);

  PlanCounts counts = CountPlan(plan);
  if (!o.out.empty()) {
    std::string error;
    if (!SavePlanFile(plan, o.out, &error)) {
      std::cerr << "respec plan: " << error << "\n";
      return 1;
    }
    if (!o.json && (counts.blocked == 0 || o.allow_blocked))
      std::cerr << "Saved the plan to " << o.out << "; apply it with: respec apply " << o.out << "\n";
    else if (!o.json)
      std::cerr << "Saved the plan to " << o.out << " for review; it has blocked instances\n";
  }
  if (counts.blocked > 0 && !o.allow_blocked) {
    std::cerr << "respec plan: " << counts.blocked
              << " instance(s) blocked (listed above); fix them or pass --allow-blocked to apply the rest\n";
    return kExitBlocked;
  }
  if (o.detailed_exitcode && counts.changes() > 0) return kExitChanges;
  return kExitOk;
}

}  // namespace

void RegisterPlan(CLI::App& app, GlobalOptions& g, Runner* run) {
  auto o = std::make_shared<PlanOpts>();
  auto* cmd = app.add_subcommand("plan", "Diff the fleet spec against the live fleet into a reviewable plan");
  cmd->add_option("-f,--file", o->file, "Fleet spec (YAML); - reads standard input")->required();
  cmd->add_option("--out", o->out, "Save the plan (JSON) for respec apply / show / graph");
  cmd->add_flag("--detailed-exitcode", o->detailed_exitcode, "Exit 2 when changes are present (0 none, 1 error)");
  cmd->add_flag("--allow-blocked", o->allow_blocked, "Exit 0/2 even when some instances are blocked (else exit 4)");
  auto* j = cmd->add_flag("--json", o->json, "Print the plan as JSON (the plan file's format)");
  cmd->add_flag("--markdown", o->markdown, "Print Markdown for a pull-request comment")->excludes(j);
  cmd->add_flag("--unchanged", o->unchanged, "List unchanged instances too");
  cmd->add_option("--max-chars", o->max_chars,
                  "Markdown: fold per-instance rows into per-group summaries to stay under N characters (0: no limit)")
      ->capture_default_str();
  cmd->callback([run, o, &g] { *run = [o, &g] { return RunPlan(*o, g); }; });
}

}  // namespace respec::cli
