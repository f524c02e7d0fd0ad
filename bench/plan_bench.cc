// plan_bench [N [diff|all [N2]]]: the planner's in-process cost on a synthetic fleet.
//   1. diff + graph: DecideInstance for N instances (half changed), step
//      numbering, CheckPlanGraph (Boost topological sort) and the schedule
//      estimate. Target: N = 100,000 in under 1 s.
//   2. MakePlan end to end against the emulator Model (no HTTP) on N2 =
//      10,000 instances, with the API calls it made, and PlanToJson.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <tuple>
#include <string>

#include <fmt/format.h>

#include "cloud/cloud_wrapper.h"
#include "core/clock.h"
#include "emulator/model.h"
#include "emulator/world.h"
#include "plan/decide.h"
#include "plan/graph.h"
#include "plan/plan_file.h"
#include "plan/planner.h"

using namespace respec;
using Steady = std::chrono::steady_clock;

namespace {

double Ms(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Counting : CloudWrapper {
  using CloudWrapper::CloudWrapper;
  std::atomic<int> calls{0};
  std::atomic<int> instances{0}, types{0}, modification{0}, price{0};
  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& r) override {
    ++calls;
    ++instances;
    return CloudWrapper::DescribeInstances(r);
  }
  Result<DescribeInstanceTypesPage> DescribeInstanceTypes(const DescribeInstanceTypesRequest& r) override {
    ++calls;
    ++types;
    return CloudWrapper::DescribeInstanceTypes(r);
  }
  Result<ResourcesModificationResult> DescribeResourcesModification(const ResourcesModificationRequest& r) override {
    ++calls;
    ++modification;
    return CloudWrapper::DescribeResourcesModification(r);
  }
  Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest& r) override {
    ++calls;
    ++price;
    return CloudWrapper::DescribeInstanceModificationPrice(r);
  }
};

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  auto world = emulator::GenerateWorld(n, 42);
  VirtualClock clock;

  Catalog catalog;
  for (const auto& c : world.catalog) catalog.emplace(c.type.id, c.type);
  Target web, other;
  web.instance_type = "ecs.g7.2xlarge";
  other.instance_type = "ecs.r7.2xlarge";

  // 1. diff + graph on the live state as DescribeInstances returns it.
  auto t0 = Steady::now();
  Plan plan;
  plan.plan_id = std::string(64, '0');
  plan.groups = {{"web", 10, {}, 0}, {"db", 10, {"web"}, -1}};
  std::vector<std::vector<StepKind>> chains;
  plan.instances.reserve(size_t(n));
  for (const auto& wi : world.instances) {
    const Instance& in = wi.instance;
    bool is_web = (in.tags[0].second == "web" || in.tags[0].second == "api");
    const Target& t = is_web ? web : other;
    Decision d = DecideInstance(in.id, &in, t, is_web ? "web" : "db", &catalog, clock.Now());
    plan.instances.push_back(std::move(d.plan));
    chains.push_back(std::move(d.chain));
  }
  for (size_t i = 0; i < plan.instances.size(); ++i) {
    AppendChain(&plan, i, chains[i]);
  }
  auto t1 = Steady::now();
  auto check = CheckPlanGraph(plan);
  auto sched = EstimateSchedule(plan);
  auto t2 = Steady::now();
  PlanCounts c = CountPlan(plan);
  std::printf("diff+graph: %d instances (%d changes, %d blocked, %d unchanged), %zu steps, %zu vertices, "
              "%zu edges: diff %.0f ms + graph %.0f ms = %.0f ms (target < 1000 ms) %s\n",
              n, c.changes(), c.blocked, c.unchanged, plan.steps.size(), check.vertex_count, check.edge_count,
              Ms(t0, t1), Ms(t1, t2), Ms(t0, t2), check.ok ? "" : check.error.c_str());
  std::printf("schedule estimate: %d waves, %.0f s\n", sched.waves, sched.seconds);

  if (argc > 2 && std::string(argv[2]) == "diff") return 0;

  // 2. MakePlan end to end against the in-process Model, on the 10,000
  // instance fleet of the HTTP benchmark (the Model's own DescribeInstances
  // paging dominates at 100,000).
  int n2 = argc > 3 ? std::atoi(argv[3]) : 10000;
  emulator::Model model(emulator::GenerateWorld(n2, 42), &clock);
  Counting counting(&model);
  FleetSpec spec;
  spec.path = "bench.yaml";
  spec.sha256 = std::string(64, 'a');
  Group g1, g2;
  g1.name = "web";
  g1.regions = {"cn-hangzhou"};
  Target t1s = web;
  t1s.selector = {{"role", "web"}};
  g1.targets = {t1s};
  g2.name = "api";
  g2.regions = {"cn-hangzhou"};
  Target t2s = other;
  t2s.instance_type = "ecs.c7.2xlarge";
  t2s.selector = {{"role", "api"}};
  g2.targets = {t2s};
  g2.depends_on = {"web"};
  spec.groups = {g1, g2};
  auto t3 = Steady::now();
  auto out = MakePlan(spec, &counting, clock);
  auto t4 = Steady::now();
  if (!out.ok()) {
    std::fprintf(stderr, "MakePlan failed: %s\n", out.errors.empty() ? "?" : out.errors[0].c_str());
    return 1;
  }
  std::string json = PlanToJson(*out.plan);
  auto t5 = Steady::now();
  PlanCounts c2 = CountPlan(*out.plan);
  std::printf("MakePlan (in-process Model): %zu instances selected, %d changes, %d API calls "
              "(%.4f per fleet instance): %.0f ms; PlanToJson %.1f MB in %.0f ms\n",
              out.plan->instances.size(), c2.changes(), counting.calls.load(), double(counting.calls) / n2,
              Ms(t3, t4), json.size() / 1e6, Ms(t4, t5));

  // Issue 12: four targets (one per role), with mixed changes (e.g.
  // c7.4xlarge -> r7.2xlarge) whose direction DescribeResourcesModification
  // gives. Every instance of the fleet is selected.
  {
    emulator::Model model4(emulator::GenerateWorld(n2, 42), &clock);
    Counting c4(&model4);
    FleetSpec s4 = spec;
    s4.groups.clear();
    const std::pair<const char*, const char*> roles[] = {
        {"web", "ecs.g7.2xlarge"}, {"api", "ecs.c7.2xlarge"}, {"db", "ecs.r7.2xlarge"}, {"batch", "ecs.g6.4xlarge"}};
    for (const auto& [role, type] : roles) {
      Group g;
      g.name = role;
      g.regions = {"cn-hangzhou"};
      Target t;
      t.instance_type = type;
      t.selector = {{"role", role}};
      g.targets = {t};
      s4.groups.push_back(g);
    }
    for (bool with_price : {true, false}) {
      c4.calls = c4.instances = c4.types = c4.modification = c4.price = 0;
      PlannerOptions po;
      po.price = with_price;
      auto o4 = MakePlan(s4, &c4, clock, po);
      if (!o4.ok()) {
        std::fprintf(stderr, "MakePlan (four targets) failed: %s\n", o4.errors.empty() ? "?" : o4.errors[0].c_str());
        return 1;
      }
      PlanCounts k = CountPlan(*o4.plan);
      int mixed = 0;
      for (const auto& ip : o4.plan->instances)
        for (const auto& note : ip.notes)
          if (note.find("DescribeResourcesModification lists") != std::string::npos) ++mixed;
      std::printf("MakePlan four targets%s: %zu instances, %d changes (%d mixed, direction from the API), "
                  "%d blocked; %d API calls = %.4f per instance (DescribeInstances %d, DescribeInstanceTypes %d, "
                  "DescribeResourcesModification %d, DescribeInstanceModificationPrice %d)\n",
                  with_price ? "" : " (--no-price)", o4.plan->instances.size(), k.changes(), mixed, k.blocked,
                  c4.calls.load(), double(c4.calls) / n2, c4.instances.load(), c4.types.load(),
                  c4.modification.load(), c4.price.load());
      if (!with_price) continue;
      // What the fleet itself asks for: the floor under these calls.
      std::set<std::tuple<std::string, std::string>> zone_from;
      std::set<std::tuple<std::string, std::string, int>> zone_from_dir;
      std::set<std::pair<std::string, std::string>> pairs;
      std::set<std::string> priced_on;
      int prorated = 0;
      for (const auto& ip : o4.plan->instances) {
        if (ip.verdict != Verdict::kChange) continue;
        zone_from.insert({ip.zone, ip.observed_type});
        zone_from_dir.insert({ip.zone, ip.observed_type, int(ip.direction)});
        if (ip.direction == Direction::kUpgrade) pairs.insert({ip.observed_type, ip.target_type});
        if (!ip.priced_on.empty()) priced_on.insert(ip.priced_on);
        for (const auto& note : ip.notes) prorated += note.rfind("price estimated", 0) == 0;
      }
      const int pages = (n2 + 99) / 100;
      std::printf("  the fleet: %zu (zone, from-type) pairs, %zu (zone, from-type, direction) keys besides the "
                  "second list of mixed changes, %zu upgrade (from, to) pairs, %zu terms priced exactly, %d "
                  "instances prorated; floor without prices = %d DescribeInstances pages + 1 catalog page + %zu "
                  "listings = %.4f per instance\n",
                  zone_from.size(), zone_from_dir.size(), pairs.size(), priced_on.size(), prorated, pages,
                  zone_from.size(), double(pages + 1 + int(zone_from.size())) / n2);
      for (const auto& w : o4.plan->warnings) std::printf("  plan warning: %s\n", w.c_str());
    }
  }
  return 0;
}
