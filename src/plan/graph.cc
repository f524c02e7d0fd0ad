#include "plan/graph.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <fmt/format.h>

#include "plan/steps.h"

namespace respec {
namespace {

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

std::string GroupLabel(const std::string& name, const FleetSpec* spec) {
  if (!spec) return name;
  for (const auto& g : spec->groups)
    if (g.name == name && g.pos.line > 0)
      return fmt::format("{} ({}:{})", name, spec->path, g.pos.line);
  return name;
}

// Names a dependsOn cycle among the groups, or returns "".
std::string FindGroupCycle(const std::vector<GroupConstraint>& groups,
                           const std::unordered_map<std::string, size_t>& index,
                           const FleetSpec* spec) {
  std::vector<std::vector<size_t>> adj(groups.size());
  for (size_t u = 0; u < groups.size(); ++u)
    for (const auto& d : groups[u].depends_on)
      if (auto it = index.find(d); it != index.end()) adj[u].push_back(it->second);
  std::vector<size_t> cycle = FindCycle(adj);
  if (cycle.empty()) return "";
  // In dependsOn order: "a -> b -> ... -> a" (a dependsOn b ...).
  std::vector<std::string> names;
  for (size_t i = 0; i + 1 < cycle.size(); ++i) names.push_back(GroupLabel(groups[cycle[i]].name, spec));
  names.push_back(groups[cycle.back()].name);
  return fmt::format("dependsOn cycle: {}", fmt::join(names, " -> "));
}

}  // namespace

std::vector<size_t> FindCycle(const std::vector<std::vector<size_t>>& adj) {
  // Iterative depth-first search (a hostile plan may chain a million
  // vertices): colour 0 unvisited, 1 on the path, 2 done.
  std::vector<char> color(adj.size(), 0);
  std::vector<std::pair<size_t, size_t>> path;  // (vertex, next successor to try)
  for (size_t root = 0; root < adj.size(); ++root) {
    if (color[root] != 0) continue;
    color[root] = 1;
    path.emplace_back(root, 0);
    while (!path.empty()) {
      auto& [u, next] = path.back();
      if (next == adj[u].size()) {
        color[u] = 2;
        path.pop_back();
        continue;
      }
      size_t v = adj[u][next++];
      if (v >= adj.size()) continue;
      if (color[v] == 1) {
        std::vector<size_t> cycle;
        size_t from = 0;
        while (path[from].first != v) ++from;
        for (size_t i = from; i < path.size(); ++i) cycle.push_back(path[i].first);
        cycle.push_back(v);
        return cycle;
      }
      if (color[v] == 0) {
        color[v] = 1;
        path.emplace_back(v, 0);
      }
    }
  }
  return {};
}

GraphCheck CheckPlanGraph(const Plan& plan, const FleetSpec* spec) {
  GraphCheck out;
  std::unordered_map<std::string, size_t> gindex;
  for (size_t i = 0; i < plan.groups.size(); ++i) gindex[plan.groups[i].name] = i;
  for (const auto& g : plan.groups)
    for (const auto& d : g.depends_on)
      if (!gindex.count(d)) {
        out.ok = false;
        out.error = fmt::format("group {} dependsOn unknown group {}", GroupLabel(g.name, spec), d);
        return out;
      }
  if (auto cycle = FindGroupCycle(plan.groups, gindex, spec); !cycle.empty()) {
    out.ok = false;
    out.error = cycle;
    return out;
  }

  const size_t n = plan.steps.size();
  BoostGraph g(n + plan.groups.size());
  auto join = [&](const std::string& group) { return n + gindex.at(group); };
  std::vector<char> has_in(n, 0), has_out(n, 0);
  for (const auto& [a, b] : plan.edges) {
    if (a < 0 || b < 0 || size_t(a) >= n || size_t(b) >= n) {
      out.ok = false;
      out.error = fmt::format("edge {} -> {} names a step that does not exist", a, b);
      return out;
    }
    boost::add_edge(size_t(a), size_t(b), g);
    has_out[size_t(a)] = 1;
    has_in[size_t(b)] = 1;
  }
  std::vector<std::vector<size_t>> firsts(plan.groups.size());
  for (size_t s = 0; s < n; ++s) {
    auto it = gindex.find(plan.steps[s].group);
    if (it == gindex.end()) {
      out.ok = false;
      out.error = fmt::format("step {} belongs to unknown group {}", s, plan.steps[s].group);
      return out;
    }
    if (!has_out[s]) boost::add_edge(s, n + it->second, g);
    if (!has_in[s]) firsts[it->second].push_back(s);
  }
  for (size_t b = 0; b < plan.groups.size(); ++b)
    for (const auto& dep : plan.groups[b].depends_on) {
      size_t ja = join(dep);
      boost::add_edge(ja, n + b, g);
      for (size_t s : firsts[b]) boost::add_edge(ja, s, g);
    }

  out.vertex_count = boost::num_vertices(g);
  out.edge_count = boost::num_edges(g);
  std::vector<size_t> rev;
  rev.reserve(out.vertex_count);
  try {
    boost::topological_sort(g, std::back_inserter(rev));
  } catch (const boost::not_a_dag&) {
    out.ok = false;
    out.error = "the plan graph has a cycle (edges between steps form a loop)";
    return out;
  }
  for (auto it = rev.rbegin(); it != rev.rend(); ++it)
    if (*it < n) out.order.push_back(int(*it));
  return out;
}

Schedule EstimateSchedule(const Plan& plan, const StepLatency& lat) {
  Schedule out;
  const int parallel = std::max(1, plan.max_parallel);
  const double qps = plan.api_qps > 0 ? plan.api_qps : 20;
  std::unordered_map<std::string, size_t> gindex;
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    gindex[plan.groups[i].name] = i;
    GroupSchedule gs;
    gs.name = plan.groups[i].name;
    out.groups.push_back(std::move(gs));
  }
  std::vector<double> longest(plan.groups.size(), 0);
  std::vector<std::map<StepKind, int>> calls(plan.groups.size());
  for (const auto& p : plan.instances) {
    if (p.verdict != Verdict::kChange) continue;
    auto it = gindex.find(p.group);
    if (it == gindex.end()) continue;
    GroupSchedule& gs = out.groups[it->second];
    ++gs.changed;
    double secs = 0;
    bool disruptive = false;
    for (int id : p.steps) {
      if (id < 0 || size_t(id) >= plan.steps.size()) continue;
      StepKind k = plan.steps[size_t(id)].kind;
      switch (k) {
        case StepKind::kWaitStable: secs += lat.wait_stable_s; break;
        case StepKind::kStop: secs += lat.stop_s; disruptive = true; break;
        case StepKind::kModify: secs += lat.modify_s; break;
        case StepKind::kStart: secs += lat.start_s; break;
        case StepKind::kReboot: secs += lat.reboot_s; disruptive = true; break;
      }
      if (k != StepKind::kWaitStable) {
        ++gs.api_calls;
        ++calls[it->second][k];
      }
    }
    if (disruptive) ++gs.disruptive;
    longest[it->second] = std::max(longest[it->second], secs);
  }
  for (size_t i = 0; i < out.groups.size(); ++i) {
    GroupSchedule& gs = out.groups[i];
    if (gs.changed == 0) continue;
    int limit = std::max(1, std::min(plan.groups[i].max_unavailable, parallel));
    gs.waves = std::max((gs.disruptive + limit - 1) / limit, (gs.changed + parallel - 1) / parallel);
    int busiest = 0;
    for (const auto& [k, c] : calls[i]) busiest = std::max(busiest, c);
    gs.seconds = std::max(gs.waves * longest[i], busiest / qps);
    int first = gs.disruptive > 0 ? limit : parallel;
    for (const auto& p : plan.instances)
      if (p.group == gs.name && p.verdict == Verdict::kChange &&
          int(gs.first_wave.size()) < first)
        gs.first_wave.push_back(p.instance_id);
    out.api_calls += gs.api_calls;
  }
  // Earliest start: after every dependency finished (the graph is acyclic;
  // guard against a cycle anyway so this never recurses forever).
  std::vector<int> state(out.groups.size(), 0);
  std::vector<int> waves_end(out.groups.size(), 0);
  std::function<void(size_t)> resolve = [&](size_t i) {
    if (state[i] != 0) return;
    state[i] = 1;
    double start = 0;
    int waves = 0;
    for (const auto& d : plan.groups[i].depends_on) {
      auto it = gindex.find(d);
      if (it == gindex.end() || state[it->second] == 1) continue;
      resolve(it->second);
      start = std::max(start, out.groups[it->second].start_s + out.groups[it->second].seconds);
      waves = std::max(waves, waves_end[it->second]);
    }
    out.groups[i].start_s = start;
    waves_end[i] = waves + out.groups[i].waves;
    state[i] = 2;
  };
  for (size_t i = 0; i < out.groups.size(); ++i) {
    resolve(i);
    out.seconds = std::max(out.seconds, out.groups[i].start_s + out.groups[i].seconds);
    out.waves = std::max(out.waves, waves_end[i]);
  }
  return out;
}

void AppendChain(Plan* plan, size_t index, const std::vector<StepKind>& chain) {
  InstancePlan& p = plan->instances[index];
  int prev = -1;
  for (StepKind k : chain) {
    Step s;
    s.id = int(plan->steps.size());
    s.instance_id = p.instance_id;
    s.kind = k;
    s.group = p.group;
    if (k == StepKind::kModify) s.client_token = MakeClientToken(plan->plan_id, p.instance_id, "modify");
    if (prev >= 0) plan->edges.emplace_back(prev, s.id);
    prev = s.id;
    p.steps.push_back(s.id);
    plan->steps.push_back(std::move(s));
  }
}

}  // namespace respec
