// respec graph PLAN.json: the plan graph as Graphviz DOT (`| dot -Tsvg`).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/terminal_text.h"
#include "plan/graph.h"
#include "plan/plan_file.h"
#include "plan/render.h"

namespace respec::cli {

void RegisterGraph(CLI::App& app, GlobalOptions&, Runner* run) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("graph", "Print a saved plan's step graph as Graphviz DOT");
  cmd->add_option("plan", *path, "Plan file written by respec plan --out")->required();
  cmd->callback([run, path] {
    *run = [path] {
      Plan plan;
      std::vector<std::string> errors;
      if (!LoadPlanFile(*path, &plan, &errors)) {
        for (const auto& e : errors) std::cerr << "respec graph: " << ForTerminal(e) << "\n";
        return 1;
      }
      if (auto check = CheckPlanGraph(plan); !check.ok) {
        std::cerr << "respec graph: " << ForTerminal(*path + ": " + check.error) << "\n";
        return 1;
      }
      std::cout << RenderDot(plan);
      return 0;
    };
  });
}

}  // namespace respec::cli
