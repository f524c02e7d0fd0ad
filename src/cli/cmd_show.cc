// respec show PLAN.json [--json | --markdown]: renders a saved plan.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/terminal_text.h"
#include "plan/plan_file.h"
#include "plan/render.h"

namespace respec::cli {

void RegisterShow(CLI::App& app, GlobalOptions& g, Runner* run) {
  struct Opts {
    std::string path;
    bool json = false;
    bool markdown = false;
    bool unchanged = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("show", "Render a saved plan (text, --json or --markdown)");
  cmd->add_option("plan", o->path, "Plan file written by respec plan --out")->required();
  auto* j = cmd->add_flag("--json", o->json, "The plan file's JSON");
  cmd->add_flag("--markdown", o->markdown, "Markdown for a pull-request comment")->excludes(j);
  cmd->add_flag("--unchanged", o->unchanged, "List unchanged instances too (text)");
  cmd->callback([run, o, &g] {
    *run = [o, &g] {
      Plan plan;
      std::vector<std::string> errors;
      if (!LoadPlanFile(o->path, &plan, &errors)) {
        for (const auto& e : errors) std::cerr << "respec show: " << ForTerminal(e) << "\n";
        return 1;
      }
      RenderOptions ro;
      ro.color = !o->json && !o->markdown && UseColor(g);
      ro.show_unchanged = o->unchanged;
      PlanFormat f = o->json ? PlanFormat::kJson : o->markdown ? PlanFormat::kMarkdown : PlanFormat::kText;
      std::cout << MakeRenderer(f, ro)->Render(plan);
      return 0;
    };
  });
}

}  // namespace respec::cli
