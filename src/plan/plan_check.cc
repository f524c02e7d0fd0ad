#include "plan/plan_check.h"

#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "plan/decide.h"
#include "plan/graph.h"

namespace respec {
namespace {

class Errors {
 public:
  Errors(const std::string& source, std::vector<std::string>* out) : source_(source), out_(out) {}
  ~Errors() {
    if (dropped_ > 0) out_->push_back(fmt::format("{}: ... and {} more problem(s)", source_, dropped_));
  }
  template <class... Args>
  void Add(const std::string& path, fmt::format_string<Args...> f, Args&&... args) {
    if (added_ >= kMaxPlanCheckErrors) {
      ++dropped_;
      return;
    }
    ++added_;
    out_->push_back(fmt::format("{}: {}: {}", source_, path, fmt::format(f, std::forward<Args>(args)...)));
  }
  size_t count() const { return added_ + dropped_; }

 private:
  const std::string& source_;
  std::vector<std::string>* out_;
  size_t added_ = 0, dropped_ = 0;
};

std::string StepLabel(const Plan& p, size_t id) {
  const Step& s = p.steps[id];
  return fmt::format("{} ({} {})", id, s.instance_id, StepKindName(s.kind));
}

void CheckGroups(const Plan& p, const std::unordered_map<std::string, size_t>& gindex, Errors* e) {
  for (size_t i = 0; i < p.groups.size(); ++i) {
    const auto& g = p.groups[i];
    if (gindex.at(g.name) != i) e->Add(fmt::format("/groups/{}/name", i), "group {} appears twice", g.name);
    for (size_t k = 0; k < g.depends_on.size(); ++k) {
      const std::string& d = g.depends_on[k];
      std::string path = fmt::format("/groups/{}/depends_on/{}", i, k);
      if (d == g.name) e->Add(path, "group {} depends on itself", g.name);
      else if (!gindex.count(d)) e->Add(path, "group {} depends on unknown group {}", g.name, d);
    }
  }
  std::vector<std::vector<size_t>> adj(p.groups.size());
  for (size_t u = 0; u < p.groups.size(); ++u)
    for (const auto& d : p.groups[u].depends_on)
      if (auto it = gindex.find(d); it != gindex.end() && d != p.groups[u].name) adj[u].push_back(it->second);
  if (auto cycle = FindCycle(adj); !cycle.empty()) {
    std::vector<std::string> names;
    for (size_t v : cycle) names.push_back(p.groups[v].name);
    e->Add("/groups", "dependsOn cycle: {}", fmt::join(names, " -> "));
  }
}

void CheckEdges(const Plan& p, Errors* e) {
  const size_t n = p.steps.size();
  std::vector<std::vector<size_t>> adj(n);
  std::set<std::pair<int, int>> chain_links;
  for (const auto& in : p.instances)
    for (size_t k = 1; k < in.steps.size(); ++k) chain_links.emplace(in.steps[k - 1], in.steps[k]);
  std::set<std::pair<int, int>> seen;
  for (size_t i = 0; i < p.edges.size(); ++i) {
    auto [a, b] = p.edges[i];
    std::string path = fmt::format("/edges/{}", i);
    if (a < 0 || b < 0 || size_t(a) >= n || size_t(b) >= n) {
      e->Add(path, "step {} does not exist", (a < 0 || size_t(a) >= n) ? a : b);
      continue;
    }
    if (a == b) {
      e->Add(path, "step {} depends on itself", StepLabel(p, size_t(a)));
      continue;
    }
    adj[size_t(a)].push_back(size_t(b));
    if (!seen.emplace(a, b).second) e->Add(path, "edge {} -> {} appears twice", a, b);
    if (!chain_links.count({a, b}))
      e->Add(path, "edge {} -> {} does not join two consecutive steps of one instance's chain",
             StepLabel(p, size_t(a)), StepLabel(p, size_t(b)));
  }
  for (const auto& link : chain_links)
    if (!seen.count(link) && link.first >= 0 && link.second >= 0 && size_t(link.first) < n &&
        size_t(link.second) < n)
      e->Add("/edges", "no edge {} -> {} for the chain of {}", link.first, link.second,
             p.steps[size_t(link.first)].instance_id);
  if (auto cycle = FindCycle(adj); !cycle.empty()) {
    std::vector<std::string> labels;
    for (size_t v : cycle) labels.push_back(StepLabel(p, v));
    e->Add("/edges", "step cycle: {}", fmt::join(labels, " -> "));
  }
}

// The chain's shape: the order apply relies on to never leave an instance stopped.
void CheckChain(const Plan& p, size_t index, Errors* e) {
  const InstancePlan& in = p.instances[index];
  std::string path = fmt::format("/instances/{}", index);
  std::map<StepKind, int> at;  // kind -> position in the chain
  for (size_t k = 0; k < in.steps.size(); ++k) {
    StepKind kind = p.steps[size_t(in.steps[k])].kind;
    if (!at.emplace(kind, int(k)).second)
      e->Add(path + "/steps", "{} has two {} steps", in.instance_id, StepKindName(kind));
    if (kind == StepKind::kWaitStable && k != 0)
      e->Add(path + "/steps", "{}: wait_stable must be the first step", in.instance_id);
  }
  auto pos = [&](StepKind k) { auto it = at.find(k); return it == at.end() ? -1 : it->second; };
  int stop = pos(StepKind::kStop), modify = pos(StepKind::kModify), start = pos(StepKind::kStart),
      reboot = pos(StepKind::kReboot);
  if (modify < 0) {
    e->Add(path + "/steps", "{} is a change without a modify step", in.instance_id);
    return;
  }
  if (stop > modify) e->Add(path + "/steps", "{}: stop comes after modify", in.instance_id);
  if (start >= 0 && start < modify) e->Add(path + "/steps", "{}: start comes before modify", in.instance_id);
  if (reboot >= 0 && reboot < modify) e->Add(path + "/steps", "{}: reboot comes before modify", in.instance_id);
  if (start >= 0 && reboot >= 0) e->Add(path + "/steps", "{}: both start and reboot", in.instance_id);
  bool running = in.observed_status == kRunning || in.observed_status == kStarting ||
                 in.observed_status == kPending;
  if (in.direction == Direction::kDowngrade && running && stop < 0)
    e->Add(path + "/steps", "{} is a downgrade of a {} instance without a stop before modify",
           in.instance_id, in.observed_status);
  if (in.final_status != kRunning && in.final_status != kStopped)
    e->Add(path + "/final_status", "{}: final_status must be Running or Stopped, not \"{}\"", in.instance_id,
           in.final_status);
  if (in.final_status == kRunning && stop >= 0 && start < 0)
    e->Add(path + "/steps", "{} is stopped and must end Running, but has no start after modify",
           in.instance_id);
  if (in.final_status == kRunning && !running && start < 0)
    e->Add(path + "/steps", "{} is {} and must end Running, but has no start", in.instance_id,
           in.observed_status);
}

void CheckCatalog(const Plan& p, size_t index, Errors* e) {
  const InstancePlan& in = p.instances[index];
  std::string path = fmt::format("/instances/{}", index);
  if (in.target_type == in.observed_type)
    e->Add(path + "/target_type", "{} is a change to the type it already has ({})", in.instance_id,
           in.target_type);
  if (in.direction == Direction::kNone)
    e->Add(path + "/direction", "{} is a change without a direction", in.instance_id);
  auto region = p.catalog.find(in.region);
  const InstanceType* want = nullptr;
  const InstanceType* cur = nullptr;
  if (region != p.catalog.end()) {
    if (auto t = region->second.find(in.target_type); t != region->second.end()) want = &t->second;
    if (auto t = region->second.find(in.observed_type); t != region->second.end()) cur = &t->second;
  }
  if (!want) {
    e->Add(path + "/target_type", "{}: target type {} is not in the plan's catalog for region {}",
           in.instance_id, in.target_type, in.region.empty() ? "(none)" : in.region);
    return;
  }
  if (!cur) return;  // the planner sized it from DescribeInstances; nothing to compare with
  InstanceType a = *cur, b = *want;
  Direction derived = DeriveDirection(a, b);
  if (derived != Direction::kNone && derived != in.direction)
    e->Add(path + "/direction", "{}: the plan says {}, but its catalog makes {} -> {} a {}", in.instance_id,
           DirectionName(in.direction), in.observed_type, in.target_type, DirectionName(derived));
  // A mixed or same-size change takes its direction from the spec's
  // `operation` or, without one, from DescribeResourcesModification at plan
  // time (plan/prechecks.h); the digest keeps either from being edited later.
  if (derived == Direction::kNone && !in.options.operation.empty() &&
      in.options.operation != DirectionName(in.direction))
    e->Add(path + "/direction", "{}: {} -> {} is a mixed change and the plan's operation is \"{}\", not {}",
           in.instance_id, in.observed_type, in.target_type, in.options.operation,
           DirectionName(in.direction));
}

}  // namespace

void CheckPlanConsistency(const Plan& p, const std::string& source, std::vector<std::string>* errors) {
  Errors e(source, errors);
  const size_t n = p.steps.size();
  for (size_t i = 0; i < n; ++i)
    if (p.steps[i].id != int(i)) e.Add(fmt::format("/steps/{}/id", i), "is {}, expected {}", p.steps[i].id, i);

  std::unordered_map<std::string, size_t> gindex;
  for (size_t i = 0; i < p.groups.size(); ++i) gindex.emplace(p.groups[i].name, i);
  CheckGroups(p, gindex, &e);

  std::unordered_map<std::string, size_t> iindex;
  for (size_t i = 0; i < p.instances.size(); ++i) {
    const InstancePlan& in = p.instances[i];
    auto [it, fresh] = iindex.emplace(in.instance_id, i);
    if (!fresh)
      e.Add(fmt::format("/instances/{}/instance_id", i), "{} appears twice (also /instances/{})", in.instance_id,
            it->second);
    if (!gindex.count(in.group))
      e.Add(fmt::format("/instances/{}/group", i), "{} is in unknown group \"{}\"", in.instance_id, in.group);
  }

  std::vector<int> listed(n, 0);
  std::unordered_set<std::string> tokens;
  for (size_t i = 0; i < p.instances.size(); ++i) {
    const InstancePlan& in = p.instances[i];
    std::string path = fmt::format("/instances/{}", i);
    bool steps_ok = true;
    for (int v : in.steps) {
      if (v < 0 || size_t(v) >= n || p.steps[size_t(v)].instance_id != in.instance_id) {
        e.Add(path + "/steps", "step {} is not this instance's", v);
        steps_ok = false;
      } else if (++listed[size_t(v)] > 1) {
        e.Add(path + "/steps", "step {} is listed twice", v);
        steps_ok = false;
      }
    }
    if (in.verdict != Verdict::kChange) {
      if (!in.steps.empty())
        e.Add(path + "/steps", "{} is {} but has steps", in.instance_id, VerdictName(in.verdict));
      continue;
    }
    if (steps_ok) CheckChain(p, i, &e);
    CheckCatalog(p, i, &e);
  }

  for (size_t s = 0; s < n; ++s) {
    const Step& st = p.steps[s];
    std::string path = fmt::format("/steps/{}", s);
    auto it = iindex.find(st.instance_id);
    if (it == iindex.end()) {
      e.Add(path + "/instance_id", "{} is not an instance of the plan", st.instance_id);
      continue;
    }
    if (st.group != p.instances[it->second].group)
      e.Add(path + "/group", "is \"{}\", but {} is in group \"{}\"", st.group, st.instance_id,
            p.instances[it->second].group);
    if (listed[s] == 0) e.Add(path, "step {} is in no instance's chain", s);
    if (st.kind == StepKind::kModify) {
      if (st.client_token.empty()) e.Add(path + "/client_token", "the modify step of {} has no ClientToken", st.instance_id);
      else if (!tokens.insert(st.client_token).second)
        e.Add(path + "/client_token", "ClientToken {} is used twice", st.client_token);
    } else if (!st.client_token.empty()) {
      e.Add(path + "/client_token", "only a modify step carries a ClientToken (this is {})", StepKindName(st.kind));
    }
  }
  CheckEdges(p, &e);
}

}  // namespace respec
