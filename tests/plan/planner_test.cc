// Whole-plan behaviour: target resolution, API call budget and
// de-duplication, constraints, determinism and ClientTokens.
#include <fmt/format.h>

#include "plan_fixture.h"
#include "plan/graph.h"
#include "plan/plan_file.h"
#include "plan/steps.h"

using namespace respec;
using namespace respec::testing;

namespace {

emulator::WorldInstance Tagged(const std::string& id, const std::string& type, std::vector<Tag> tags) {
  auto wi = Inst(id, type);
  wi.instance.tags = std::move(tags);
  return wi;
}

}  // namespace

TEST_CASE("explicit IDs beat selectors; more tags beat fewer; ties asking different types block") {
  auto w = emulator::DefaultWorld();
  w.instances.push_back(Tagged("i-explicit01", "ecs.g6.large", {{"role", "web"}, {"env", "prod"}}));
  w.instances.push_back(Tagged("i-twotags001", "ecs.g6.large", {{"role", "web"}, {"env", "prod"}}));
  w.instances.push_back(Tagged("i-onetag0001", "ecs.g6.large", {{"role", "web"}}));
  w.instances.push_back(Tagged("i-tied000001", "ecs.g6.large", {{"role", "api"}, {"tier", "x"}}));
  Env env(std::move(w));
  std::string yaml = R"(version: 1
regions: [cn-hangzhou]
groups:
  base:
    targets:
      - selector: {role: web}
        instanceType: ecs.g6.xlarge
      - selector: {role: api}
        instanceType: ecs.g6.xlarge
  prod:
    targets:
      - selector: {role: web, env: prod}
        instanceType: ecs.g6.2xlarge
      - instanceIds: [i-explicit01]
        instanceType: ecs.g6.4xlarge
      - selector: {tier: x}
        instanceType: ecs.g6.2xlarge
)";
  Plan p = env.MakeOk(Spec(yaml, env.clock));
  CHECK(Find(p, "i-explicit01").target_type == "ecs.g6.4xlarge");
  CHECK(Find(p, "i-twotags001").target_type == "ecs.g6.2xlarge");
  CHECK(Find(p, "i-twotags001").group == "prod");
  CHECK(Find(p, "i-onetag0001").target_type == "ecs.g6.xlarge");
  CHECK(Find(p, "i-onetag0001").group == "base");
  const auto& tied = Find(p, "i-tied000001");
  REQUIRE(tied.verdict == Verdict::kBlocked);
  CHECK(tied.blockers[0].code == "Spec.AmbiguousTarget");
  INFO(tied.blockers[0].reason);
  CHECK(tied.blockers[0].reason.find("fleet.yaml:8:") != std::string::npos);
  CHECK(tied.blockers[0].reason.find("fleet.yaml:16:") != std::string::npos);
  CHECK(p.instances.size() == 4);  // each instance once
}

TEST_CASE("explicit IDs are read in batches of 100 and validation calls are de-duplicated") {
  auto w = emulator::DefaultWorld();
  std::string ids;
  for (int i = 0; i < 250; ++i) {
    std::string id = fmt::format("i-batch{:05d}", i);
    auto wi = Inst(id, i % 2 ? "ecs.g6.large" : "ecs.g6.xlarge");
    wi.instance.zone = i < 200 ? "cn-hangzhou-h" : "cn-hangzhou-i";
    w.instances.push_back(std::move(wi));
    ids += (i ? ", " : "") + id;
  }
  Env env(std::move(w));
  Plan p = env.MakeOk(Spec("version: 1\nregions: [cn-hangzhou]\ngroups:\n  g:\n    targets:\n      - instanceIds: [" +
                               ids + "]\n        instanceType: ecs.g6.2xlarge\n",
                           env.clock));
  CHECK(env.cloud->calls("DescribeInstances") == 3);
  CHECK(env.cloud->max_ids == 100);
  CHECK(env.cloud->calls("DescribeInstanceTypes") == 1);
  // (zone h, zone i) x (g6.large, g6.xlarge) -> g6.2xlarge, all upgrades
  CHECK(env.cloud->calls("DescribeResourcesModification") == 4);
  CHECK(env.cloud->calls("DescribeInstanceModificationPrice") == 2);  // per region, not zone
  CHECK(CountPlan(p).upgrades == 250);
  int estimated = 0;
  for (const auto& ip : p.instances)
    if (ip.price && ip.priced_on != ip.instance_id) ++estimated;
  CHECK(estimated == 248);
  CHECK(env.cloud->total() <= 0.015 * 250 + 9);
}

TEST_CASE("selectors push tags down and page to the end") {
  auto w = emulator::DefaultWorld();
  for (int i = 0; i < 230; ++i)
    w.instances.push_back(Tagged(fmt::format("i-sel{:05d}", i), "ecs.g6.large",
                                 {{"role", i % 2 ? "web" : "db"}}));
  Env env(std::move(w));
  Plan p = env.MakeOk(Spec("version: 1\nregions: [cn-hangzhou]\ngroups:\n  g:\n    targets:\n"
                           "      - selector: {role: web}\n        instanceType: ecs.g6.xlarge\n",
                           env.clock));
  CHECK(p.instances.size() == 115);
  CHECK(env.cloud->calls("DescribeInstances") == 2);  // 115 tagged: 100 + 15, not 230
}

TEST_CASE("maxUnavailable percentage resolves against changed instances; maxFailures defaults") {
  auto w = emulator::DefaultWorld();
  for (int i = 0; i < 10; ++i)
    w.instances.push_back(Tagged(fmt::format("i-pct{:05d}", i), "ecs.g6.large", {{"role", "web"}}));
  w.instances.push_back(Tagged("i-canary0001", "ecs.g6.large", {{"role", "canary"}}));
  Env env(std::move(w));
  Plan p = env.MakeOk(Spec(R"(version: 1
regions: [cn-hangzhou]
groups:
  canary:
    targets:
      - selector: {role: canary}
        instanceType: ecs.g6.xlarge
  web:
    dependsOn: [canary]
    maxUnavailable: "34%"
    targets:
      - selector: {role: web}
        instanceType: ecs.g6.xlarge
)",
                           env.clock));
  REQUIRE(p.groups.size() == 2);
  CHECK(p.groups[0].name == "canary");
  CHECK(p.groups[0].max_unavailable == 1);
  CHECK(p.groups[0].max_failures == 0);   // web depends on it
  CHECK(p.groups[1].max_unavailable == 3);  // floor(10 * 34%)
  CHECK(p.groups[1].max_failures == 3);  // leaf: its maxUnavailable
  auto sched = EstimateSchedule(p);
  CHECK(sched.groups[1].waves == 4);  // ceil(10 / 3)
  CHECK(sched.groups[1].start_s > 0);
  CHECK(sched.waves == 5);
  CHECK(sched.groups[1].first_wave.size() == 3);
  auto g = CheckPlanGraph(p);
  REQUIRE(g.ok);
  // canary's reboot step comes before every web step
  int canary_last = Find(p, "i-canary0001").steps.back();
  auto pos = [&](int id) { return std::find(g.order.begin(), g.order.end(), id) - g.order.begin(); };
  for (const auto& ip : p.instances)
    if (ip.group == "web")
      for (int s : ip.steps) CHECK(pos(canary_last) < pos(s));
  CHECK(g.edge_count < 4 * p.steps.size() + 10);  // O(n), not O(n^2)
}

TEST_CASE("the same spec, live state and clock give byte-identical plan files") {
  auto make = [](int advance_s) {
    auto w = emulator::GenerateWorld(300, 7);
    Env env(std::move(w));
    env.clock.Advance(std::chrono::seconds(advance_s));
    auto spec = Spec(R"(version: 1
regions: [cn-hangzhou]
groups:
  web:
    targets:
      - selector: {role: web}
        instanceType: ecs.g7.2xlarge
  db:
    dependsOn: [web]
    targets:
      - selector: {role: db}
        instanceType: ecs.r7.2xlarge
)",
                     env.clock);
    return PlanToJson(env.MakeOk(spec));
  };
  std::string a = make(0), b = make(0), c = make(60);
  CHECK(a == b);
  CHECK(a != c);
  // A later plan of the same spec gets new ClientTokens.
  std::vector<std::string> errs;
  Plan pa, pc;
  REQUIRE(PlanFromJson(a, "a", &pa, &errs));
  REQUIRE(PlanFromJson(c, "c", &pc, &errs));
  REQUIRE(!pa.steps.empty());
  std::string ta, tc;
  for (const auto& s : pa.steps) if (s.kind == StepKind::kModify) { ta = s.client_token; break; }
  for (const auto& s : pc.steps) if (s.kind == StepKind::kModify) { tc = s.client_token; break; }
  CHECK(!ta.empty());
  CHECK(ta != tc);
  CHECK(pa.plan_id != pc.plan_id);
}

TEST_CASE("ClientTokens are ASCII, at most 64 characters, one per modify step") {
  CHECK(MakeClientToken("p", "i-1", "modify") == MakeClientToken("p", "i-1", "modify"));
  CHECK(MakeClientToken("p", "i-1", "modify") != MakeClientToken("p", "i-2", "modify"));
  CHECK(MakeClientToken("q", "i-1", "modify") != MakeClientToken("p", "i-1", "modify"));
  std::string t = MakeClientToken("p", "i-1", "modify");
  CHECK(t.size() <= 64);
  for (char ch : t) CHECK((ch >= 0x21 && ch <= 0x7e));
}

TEST_CASE("dependsOn cycles are refused with the cycle named") {
  Plan p;
  p.groups = {{"a", 1, {"c"}, 0}, {"b", 1, {"a"}, 0}, {"c", 1, {"b"}, 0}, {"d", 1, {}, 0}};
  auto g = CheckPlanGraph(p);
  CHECK_FALSE(g.ok);
  CHECK(g.error.find("dependsOn cycle") != std::string::npos);
  for (const char* name : {"a", "b", "c"}) CHECK(g.error.find(name) != std::string::npos);
  CHECK(g.error.find("-> d") == std::string::npos);
  CHECK(g.error.find("d ->") == std::string::npos);
  Plan q;
  q.groups = {{"a", 1, {"zz"}, 0}};
  auto h = CheckPlanGraph(q);
  CHECK_FALSE(h.ok);
  CHECK(h.error.find("unknown group zz") != std::string::npos);
}

TEST_CASE("a failing DescribeInstances fails the plan with the error") {
  struct Failing : CloudWrapper {
    using CloudWrapper::CloudWrapper;
    Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest&) override {
      auto e = MakeCloudError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404);
      e.request_id = "REQ-1";
      e.action = "DescribeInstances";
      return e;
    }
  };
  Env env(emulator::DefaultWorld());
  Failing f(env.model.get());
  auto out = MakePlan(Spec(One("i-abcdef01", "ecs.g6.large"), env.clock), &f, env.clock);
  REQUIRE_FALSE(out.ok());
  REQUIRE(!out.errors.empty());
  CHECK(out.errors[0].find("InvalidAccessKeyId.NotFound") != std::string::npos);
  CHECK(out.errors[0].find("REQ-1") != std::string::npos);
}

TEST_CASE("a 10,000-instance fleet with half changed costs at most 0.015 calls per instance") {
  Env env(emulator::GenerateWorld(10000, 42));
  Plan p = env.MakeOk(Spec(R"(version: 1
regions: [cn-hangzhou]
groups:
  web:
    targets:
      - selector: {role: web}
        instanceType: ecs.g7.2xlarge
  api:
    dependsOn: [web]
    targets:
      - selector: {role: api}
        instanceType: ecs.c7.2xlarge
)",
                           env.clock));
  CHECK(CountPlan(p).changes() > 4000);
  INFO("calls: " << env.cloud->total());
  CHECK(env.cloud->total() <= 150);
  CHECK(env.cloud->calls("DescribeInstances") <= 52);
}

TEST_CASE("prices follow each instance's remaining term, de-duplicated by expiry day") {
  auto w = emulator::DefaultWorld();
  auto near = Inst("i-term00001", "ecs.g6.large");
  near.instance.expired_time = "2026-01-31T16:00Z";  // a month left
  auto near2 = Inst("i-term00002", "ecs.g6.large");
  near2.instance.expired_time = "2026-01-31T16:00Z";
  auto far = Inst("i-term00003", "ecs.g6.large");
  far.instance.expired_time = "2030-12-31T16:00Z";  // five years left
  w.instances = {near, near2, far};
  Env env(std::move(w));
  Plan p = env.MakeOk(Spec("version: 1\nregions: [cn-hangzhou]\ngroups:\n  g:\n    targets:\n"
                           "      - instanceIds: [i-term00001, i-term00002, i-term00003]\n"
                           "        instanceType: ecs.g6.xlarge\n",
                           env.clock));
  CHECK(env.cloud->calls("DescribeInstanceModificationPrice") == 2);
  const auto& a = Find(p, "i-term00001");
  const auto& b = Find(p, "i-term00002");
  const auto& c = Find(p, "i-term00003");
  REQUIRE(a.price);
  REQUIRE(b.price);
  REQUIRE(c.price);
  CHECK(a.price->trade == b.price->trade);
  CHECK(b.priced_on == "i-term00001");
  CHECK(c.priced_on == "i-term00003");
  CHECK(c.price->trade > 10 * a.price->trade);
}

TEST_CASE("upgrades past the price-call budget are noted as not priced, and the plan warns") {
  auto w = emulator::DefaultWorld();
  w.instances = {Inst("i-pair00001", "ecs.g6.large"), Inst("i-pair00002", "ecs.g6.xlarge"),
                 Inst("i-pair00003", "ecs.g6.xlarge")};
  Env env(std::move(w));
  PlannerOptions o;
  o.max_price_calls = 1;
  Plan p = env.MakeOk(Spec("version: 1\nregions: [cn-hangzhou]\ngroups:\n  g:\n    targets:\n"
                           "      - instanceIds: [i-pair00001, i-pair00002, i-pair00003]\n"
                           "        instanceType: ecs.g6.2xlarge\n",
                           env.clock),
                      o);
  CHECK(env.cloud->calls("DescribeInstanceModificationPrice") == 1);
  auto has_note = [](const InstancePlan& ip, const std::string& what) {
    for (const auto& n : ip.notes)
      if (n.find(what) != std::string::npos) return true;
    return false;
  };
  // The pair with the most upgrades (g6.xlarge, two) is priced first, though
  // g6.large comes first by name; g6.large is past the budget.
  const auto& a = Find(p, "i-pair00002");
  const auto& c = Find(p, "i-pair00001");
  REQUIRE(a.price);
  REQUIRE(Find(p, "i-pair00003").price);
  CHECK_FALSE(has_note(a, "not priced"));
  CHECK_FALSE(c.price);
  CHECK(has_note(c, "not priced: the price-call budget (1 calls"));
  bool warned = false;
  for (const auto& wmsg : p.warnings) warned |= wmsg.find("1 upgrade(s) of 1 kind(s) of change not priced") == 0;
  CHECK(warned);
}

TEST_CASE("one DescribeResourcesModification per (zone, type, direction), whatever the targets") {
  auto w = emulator::DefaultWorld();
  std::string yaml = "version: 1\nregions: [cn-hangzhou]\ngroups:\n  g:\n    targets:\n";
  const char* targets[] = {"ecs.g6.xlarge", "ecs.g6.2xlarge", "ecs.g7.xlarge", "ecs.c7.2xlarge"};
  for (int t = 0; t < 4; ++t) {
    std::string ids;
    for (int i = 0; i < 5; ++i) {
      std::string id = fmt::format("i-four{}{:04d}", t, i);
      w.instances.push_back(Inst(id, "ecs.g6.large"));
      ids += (i ? ", " : "") + id;
    }
    yaml += fmt::format("      - instanceIds: [{}]\n        instanceType: {}\n", ids, targets[t]);
  }
  Env env(std::move(w));
  Plan p = env.MakeOk(Spec(yaml, env.clock));
  CHECK(CountPlan(p).upgrades == 20);
  // Four targets, one (zone, from-type, direction): one listing.
  CHECK(env.cloud->calls("DescribeResourcesModification") == 1);
}

TEST_CASE("the catalog is read once for a multi-region fleet, 100 types a page") {
  auto w = emulator::DefaultWorld();
  auto sh = Inst("i-shanghai1", "ecs.g6.large");
  sh.instance.region = "cn-shanghai";
  sh.instance.zone = "cn-shanghai-e";
  w.instances = {Inst("i-hangzhou1", "ecs.g6.large"), sh};
  size_t types = w.catalog.size();
  Env env(std::move(w));
  Plan p = env.MakeOk(Spec("version: 1\nregions: [cn-hangzhou, cn-shanghai]\ngroups:\n  g:\n"
                           "    targets:\n      - instanceIds: [i-hangzhou1, i-shanghai1]\n"
                           "        instanceType: ecs.g6.xlarge\n",
                           env.clock));
  CHECK(CountPlan(p).upgrades == 2);
  CHECK(env.cloud->calls("DescribeInstanceTypes") == int((types + 99) / 100));
  Plan q = env.MakeOk(Spec(One("i-hangzhou1", "ecs.g6.nosuch"), env.clock));
  const auto& ip = Find(q, "i-hangzhou1");
  REQUIRE(ip.verdict == Verdict::kBlocked);
  CHECK(ip.blockers[0].reason.find("not an ECS instance type") != std::string::npos);
  CHECK(ip.blockers[0].reason.find("cn-hangzhou catalog") == std::string::npos);
}

TEST_CASE("validation failures other than auth become warnings, not blockers") {
  struct Flaky : CloudWrapper {
    using CloudWrapper::CloudWrapper;
    Result<ResourcesModificationResult> DescribeResourcesModification(const ResourcesModificationRequest&) override {
      auto e = MakeCloudError("InternalError", "", 500);
      e.request_id = "REQ-RM";
      return e;
    }
  };
  auto w = emulator::DefaultWorld();
  w.instances.push_back(Inst("i-flaky0001", "ecs.g6.large"));
  Env env(std::move(w));
  Flaky f(env.model.get());
  auto out = MakePlan(Spec(One("i-flaky0001", "ecs.g6.xlarge"), env.clock), &f, env.clock);
  REQUIRE(out.ok());
  const auto& ip = Find(*out.plan, "i-flaky0001");
  CHECK(ip.verdict == Verdict::kChange);
  CHECK(HasNote(ip, "not validated"));
  REQUIRE(out.plan->warnings.size() == 1);
  CHECK(out.plan->warnings[0].find("REQ-RM") != std::string::npos);
}
