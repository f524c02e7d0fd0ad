#include "plan/planner.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/timefmt.h"
#include "core/version.h"
#include "plan/decide.h"
#include "plan/graph.h"
#include "plan/live_state.h"
#include "plan/plan_file.h"
#include "plan/prechecks.h"

namespace respec {
namespace {

std::vector<GroupConstraint> Constraints(const FleetSpec& spec, const std::vector<InstancePlan>& ins) {
  std::unordered_map<std::string, int> changed;
  for (const auto& p : ins)
    if (p.verdict == Verdict::kChange) ++changed[p.group];
  std::unordered_map<std::string, bool> depended_on;
  for (const auto& g : spec.groups)
    for (const auto& d : g.depends_on) depended_on[d] = true;
  std::vector<GroupConstraint> out;
  for (const auto& g : spec.groups) {
    GroupConstraint c;
    c.name = g.name;
    c.depends_on = g.depends_on;
    int n = changed[g.name];
    if (g.max_unavailable.percent)
      c.max_unavailable = std::max(1, int(std::floor(n * g.max_unavailable.value / 100.0)));
    else
      c.max_unavailable = std::max(1, g.max_unavailable.value);
    if (g.max_failures >= 0)
      c.max_failures = g.max_failures;
    else
      c.max_failures = DefaultMaxFailures(depended_on[g.name], c.max_unavailable);
    out.push_back(std::move(c));
  }
  return out;
}

// Upgrades with autoPay: false place orders nobody pays: say so up front.
// The ids of the changes `pick` selects, as "N ... (a, b, c, d, e, ...)"
// leading a warning; "" when none.
template <class Pick>
std::string ChangesWarning(const std::vector<InstancePlan>& ins, Pick pick, std::string_view what,
                           std::string_view consequence) {
  std::vector<std::string> ids;
  for (const auto& p : ins)
    if (p.verdict == Verdict::kChange && pick(p)) ids.push_back(p.instance_id);
  if (ids.empty()) return "";
  std::string list = ids.size() > 5 ? fmt::format("{}, ...", fmt::join(ids.begin(), ids.begin() + 5, ", "))
                                    : fmt::format("{}", fmt::join(ids, ", "));
  return fmt::format("{} {} ({}): {}", ids.size(), what, list, consequence);
}

std::string UnpaidOrderWarning(const std::vector<InstancePlan>& ins) {
  return ChangesWarning(
      ins, [](const InstancePlan& p) { return p.direction == Direction::kUpgrade && p.options.auto_pay == false; },
      "upgrade(s) with autoPay: false",
      "each order takes effect only once it is paid in the console; until then the instance keeps its "
      "old type");
}

// The seeds' MigrateAcrossZone caveat, once per plan (each instance's note
// says what changes for its network).
std::string MigrateAcrossZoneWarning(const std::vector<InstancePlan>& ins) {
  return ChangesWarning(
      ins, [](const InstancePlan& p) { return p.options.migrate_across_zone; },
      "change(s) with migrateAcrossZone: true",
      "the instance may move to another cluster; its private IP address (classic network), disk "
      "device names and software licence codes may change (ModifyPrepayInstanceSpec, MigrateAcrossZone)");
}

}  // namespace

PlanCounts CountPlan(const Plan& plan) {
  PlanCounts c;
  for (const auto& p : plan.instances) {
    if (p.verdict == Verdict::kBlocked)
      ++c.blocked;
    else if (p.verdict == Verdict::kUnchanged)
      ++c.unchanged;
    else if (p.direction == Direction::kDowngrade)
      ++c.downgrades;
    else
      ++c.upgrades;
  }
  return c;
}

PlanOutcome MakePlan(const FleetSpec& spec, Cloud* cloud, const Clock& clock,
                     const PlannerOptions& options) {
  PlanOutcome out;
  Plan plan;
  plan.respec_version = kVersion;
  TimePoint now = clock.Now();
  plan.created_at = FormatUtcSeconds(now);
  plan.spec_path = spec.path;
  plan.spec_sha256 = spec.sha256;
  plan.max_parallel = std::max(1, spec.max_parallel);
  plan.api_qps = options.api_qps;

  // Refuse a dependsOn cycle before spending any API call on it.
  plan.groups = Constraints(spec, {});
  if (auto g = CheckPlanGraph(plan, &spec); !g.ok) {
    out.errors.push_back(g.error);
    return out;
  }

  auto read = ReadLiveState(spec, cloud, options.read_concurrency);
  if (!read.ok) {
    out.errors = std::move(read.errors);
    return out;
  }
  const LiveState& live = read.state;

  std::unordered_map<std::string, int> group_index;
  for (size_t i = 0; i < spec.groups.size(); ++i) group_index[spec.groups[i].name] = int(i);

  auto assignments = ResolveTargets(spec, live);
  std::sort(assignments.begin(), assignments.end(), [](const Assignment& a, const Assignment& b) {
    return std::tie(a.target.group, a.instance_id) < std::tie(b.target.group, b.instance_id);
  });
  std::vector<std::vector<StepKind>> chains;
  std::vector<size_t> pending;  // changes whose direction the API decides
  plan.instances.reserve(assignments.size());
  chains.reserve(assignments.size());
  for (const auto& a : assignments) {
    const Group& g = spec.groups[size_t(a.target.group)];
    const Target& t = g.targets[size_t(a.target.target)];
    const Catalog* cat = &live.catalog;
    Decision d = DecideInstance(a.instance_id, a.instance, t, g.name, cat, now);
    if (d.direction_pending && !a.conflict) pending.push_back(plan.instances.size());
    d.plan.target_pos = FormatPos(spec, t.pos);
    if (a.conflict) {
      d.plan.verdict = Verdict::kBlocked;
      d.plan.blockers.insert(d.plan.blockers.begin(), *a.conflict);
      d.plan.notes.clear();
      d.chain.clear();
    }
    plan.instances.push_back(std::move(d.plan));
    chains.push_back(std::move(d.chain));
  }

  auto v = PrecheckChanges(plan.instances, live, cloud, options.validate, options.price, now,
                           options.max_price_calls);
  if (!v.fatal.empty()) {
    out.errors = std::move(v.fatal);
    return out;
  }
  plan.warnings = std::move(v.warnings);
  if (auto w = UnpaidOrderWarning(plan.instances); !w.empty()) plan.warnings.push_back(std::move(w));

  // Changes whose direction DescribeResourcesModification gave: decide them
  // again with that direction, as if the target said `operation:` (the
  // plan keeps the spec's options and the API's note).
  for (size_t i : pending) {
    InstancePlan& p = plan.instances[i];
    if (p.verdict != Verdict::kChange || p.direction == Direction::kNone) continue;
    const Assignment& a = assignments[i];
    const Group& g = spec.groups[size_t(a.target.group)];
    Target t = g.targets[size_t(a.target.target)];
    t.options.operation = DirectionName(p.direction);
    Decision d = DecideInstance(a.instance_id, a.instance, t, g.name, &live.catalog, now);
    d.plan.target_pos = p.target_pos;
    d.plan.options = p.options;
    d.plan.price = p.price;
    d.plan.priced_on = p.priced_on;
    d.plan.notes.insert(d.plan.notes.begin(), p.notes.begin(), p.notes.end());
    p = std::move(d.plan);
    chains[i] = std::move(d.chain);
  }
  if (auto w = MigrateAcrossZoneWarning(plan.instances); !w.empty()) plan.warnings.push_back(std::move(w));

  // plan_id: the spec, the time and everything observed; it seeds the
  // ClientTokens, so resuming this plan file reuses them and a later plan
  // of the same spec gets new ones.
  std::string seed = plan.spec_sha256 + "|" + plan.created_at + "|";
  seed.reserve(seed.size() + plan.instances.size() * 48);
  for (const auto& p : plan.instances)
    seed += p.instance_id + "," + p.observed_type + "," + p.observed_status + "," + p.target_type +
            "," + VerdictName(p.verdict) + ";";
  plan.plan_id = Sha256Hex(seed);

  for (size_t i = 0; i < plan.instances.size(); ++i) {
    if (plan.instances[i].verdict != Verdict::kChange) continue;
    AppendChain(&plan, i, chains[i]);
  }
  plan.groups = Constraints(spec, plan.instances);

  // The catalog entries the load checks targets and directions against.
  for (const auto& p : plan.instances) {
    if (p.verdict != Verdict::kChange) continue;
    // DescribeInstanceTypes is global; the plan keeps the entries under the
    // instance's region, where the plan check looks them up.
    for (const std::string* type : {&p.observed_type, &p.target_type})
      if (auto t = live.catalog.find(*type); t != live.catalog.end()) plan.catalog[p.region][*type] = t->second;
  }

  auto g = CheckPlanGraph(plan, &spec);
  if (!g.ok) {
    out.errors.push_back(g.error);
    return out;
  }
  plan.digest = PlanDigest(plan);
  out.plan = std::move(plan);
  return out;
}

}  // namespace respec
