// respec show PLAN.json [--json | --markdown [--max-chars N]]: renders a
// saved plan. The Markdown names the digest of the file's bytes, so a
// reviewer can tie the comment to the artifact that will be applied.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
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
    size_t max_chars = RenderOptions{}.markdown_max_chars;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("show", "Render a saved plan (text, --json or --markdown)");
  cmd->add_option("plan", o->path, "Plan file written by respec plan --out")->required();
  auto* j = cmd->add_flag("--json", o->json, "The plan file's JSON");
  cmd->add_flag("--markdown", o->markdown, "Markdown for a pull-request comment")->excludes(j);
  cmd->add_flag("--unchanged", o->unchanged, "List unchanged instances too (text)");
  cmd->add_option("--max-chars", o->max_chars,
                  "Markdown: fold per-instance rows into per-group summaries to stay under N characters (0: no limit)")
      ->capture_default_str();
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
      ro.markdown_max_chars = o->max_chars;
      PlanFormat f = o->json ? PlanFormat::kJson : o->markdown ? PlanFormat::kMarkdown : PlanFormat::kText;
      std::cout << MakeRenderer(f, ro)->Render(plan);
      return 0;
    };
  });
}

}  // namespace respec::cli
