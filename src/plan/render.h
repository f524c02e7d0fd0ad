// Rendering a Plan for people and pipelines. Renderers return text; the CLI
// decides where it goes, so tests check structure (PlanView) and exact
// lines without capturing stdout.
//   text      Terraform-like: one line per change ("~ i-… (web) ecs.g5.large
//             -> ecs.g5.xlarge  upgrade  Running: modify, restart when
//             finished"), "! i-… reason — remedy" per blocked instance, the
//             schedule, the price estimate and the summary line. ANSI colour
//             only when RenderOptions::color (the CLI passes UseColor()).
//   json      the plan file itself (plan/plan_file.h).
//   markdown  for a pull-request comment: plan id, digest, spec and respec
//             version; summary table per group, blocked table, changes
//             collapsed in <details> for large fleets; folded into per-group
//             summaries when the comment would exceed markdown_max_chars.
//   dot       Graphviz: steps clustered by group, group join nodes.
// Errors: none. Threads: renderers are immutable; safe. Ownership: values.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plan/graph.h"
#include "plan/plan.h"
#include "plan/planner.h"

namespace respec {

enum class PlanFormat { kText, kJson, kMarkdown, kDot };

struct RenderOptions {
  bool color = false;
  bool show_unchanged = false;  // list unchanged instances too (text)
  int details_threshold = 20;   // markdown: collapse the change list above this many
  // markdown: the comment stays within this many bytes (>= characters; GitHub
  // stops at 65,536 characters) by folding per-instance rows into per-group
  // summaries, saying what was folded. 0 = no limit.
  size_t markdown_max_chars = 60000;
};

// One instance as the reviewer sees it.
struct PlanLine {
  char mark = '~';  // '~' change, '!' blocked, ' ' unchanged
  std::string instance_id, name, group, from, to;
  std::string direction;  // upgrade | downgrade | ""
  std::string status;     // observed
  std::string actions;    // "modify, restart when finished"
  std::vector<std::string> details;  // notes, price, blockers' reasons and remedies
};

struct GroupTotals {
  std::string name;
  int upgrades = 0, downgrades = 0, blocked = 0, unchanged = 0;
  double price = 0;  // sum of trade prices (estimates)
  bool priced = false;
};

struct PlanView {
  std::vector<PlanLine> changes;
  std::vector<PlanLine> blocked;
  std::vector<PlanLine> unchanged;
  std::vector<GroupTotals> groups;
  PlanCounts counts;
  Schedule schedule;
  double price_total = 0;
  std::string currency;
  std::string summary;  // "Plan: 12 to resize (8 upgrades, 4 downgrades), 1 blocked, 230 unchanged"
};

PlanView BuildView(const Plan& plan);
std::string SummaryLine(const PlanCounts& c);
// "modify, restart when finished" / "stop, modify (downgrade), start".
std::string DescribeActions(const Plan& plan, const InstancePlan& instance);

class PlanRenderer {
 public:
  virtual ~PlanRenderer() = default;
  virtual std::string Render(const Plan& plan) const = 0;
};

std::unique_ptr<PlanRenderer> MakeRenderer(PlanFormat format, RenderOptions options = {});

std::string RenderText(const Plan& plan, const RenderOptions& options);
std::string RenderMarkdown(const Plan& plan, const RenderOptions& options);
std::string RenderDot(const Plan& plan);

}  // namespace respec
