// Plans that cannot lie: size and nesting caps before parsing, the content
// digest, and the self-consistency checks (plan/plan_check.h), on the plan
// the planner makes for a small mixed fleet (an upgrade, a downgrade of a
// Running instance, a blocked instance).
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "plan_fixture.h"
#include "plan/plan_check.h"
#include "plan/plan_file.h"
#include "plan/render.h"
#include "support/temp_dir.h"

using namespace respec;
using namespace respec::testing;

namespace {

Plan MixedPlan() {
  auto w = emulator::DefaultWorld();
  w.instances.push_back(Inst("i-chk00001", "ecs.g6.large"));    // upgrade: modify, reboot
  w.instances.push_back(Inst("i-chk00002", "ecs.g6.2xlarge"));  // downgrade: stop, modify, start
  auto blocked = Inst("i-chk00003", "ecs.g6.large");
  blocked.instance.charge_type = "PostPaid";
  w.instances.push_back(blocked);
  Env env(std::move(w));
  return env.MakeOk(Spec(R"(version: 1
regions: [cn-hangzhou]
groups:
  db:
    targets:
      - instanceIds: [i-chk00003]
        instanceType: ecs.g6.xlarge
  web:
    dependsOn: [db]
    maxUnavailable: 2
    targets:
      - instanceIds: [i-chk00001, i-chk00002]
        instanceType: ecs.g6.xlarge
)",
                         env.clock));
}

std::vector<std::string> Load(const std::string& text) {
  Plan out;
  std::vector<std::string> errs;
  bool ok = PlanFromJson(text, "p.json", &out, &errs);
  if (ok) CHECK(errs.empty());
  if (!ok) CHECK_FALSE(errs.empty());
  return errs;
}

bool Mentions(const std::vector<std::string>& errs, const std::string& what) {
  for (const auto& e : errs)
    if (e.find(what) != std::string::npos) return true;
  return false;
}

std::vector<std::string> Check(const Plan& p) {
  std::vector<std::string> errs;
  CheckPlanConsistency(p, "p.json", &errs);
  return errs;
}

size_t IndexOf(const Plan& p, const std::string& id) {
  for (size_t i = 0; i < p.instances.size(); ++i)
    if (p.instances[i].instance_id == id) return i;
  FAIL("no instance " << id);
  return 0;
}

int StepOf(const Plan& p, const std::string& id, StepKind kind) {
  for (const auto& s : p.steps)
    if (s.instance_id == id && s.kind == kind) return s.id;
  FAIL("no step");
  return -1;
}

}  // namespace

TEST_CASE("the planner's plan is consistent, carries its digest and its catalog") {
  Plan p = MixedPlan();
  INFO(fmt::format("{}", fmt::join(Check(p), "\n")));
  CHECK(Check(p).empty());
  CHECK(p.digest.rfind("sha256:", 0) == 0);
  CHECK(p.digest.size() == 7 + 64);
  CHECK(p.digest == PlanDigest(p));
  CHECK(p.catalog.at("cn-hangzhou").count("ecs.g6.xlarge") == 1);
  std::string text = PlanToJson(p);
  auto j = nlohmann::json::parse(text);
  CHECK(j["format_version"] == 2);
  CHECK(j["digest"] == p.digest);
  CHECK(Load(text).empty());
  CHECK(Load(Reseal(j)).empty());  // the documented canonical form is the one respec uses
}

TEST_CASE("an edited plan is refused by its digest, naming both digests") {
  Plan p = MixedPlan();
  auto j = nlohmann::json::parse(PlanToJson(p));
  SECTION("modify steps renamed stop") {
    for (auto& s : j["steps"])
      if (s["kind"] == "modify") s["kind"] = "stop";
  }
  SECTION("target_type edited after review") { j["instances"][1]["target_type"] = "ecs.g6.8xlarge"; }
  SECTION("the summary edited") { j["summary"]["to_resize"] = 0; }
  SECTION("the digest itself edited") { j["digest"] = "sha256:" + std::string(64, '0'); }
  auto errs = Load(j.dump(2));
  REQUIRE(errs.size() == 1);
  CHECK(Mentions(errs, "p.json: /digest: mismatch: the file says sha256:"));
  CHECK(Mentions(errs, "but its content is sha256:"));
  CHECK(Mentions(errs, "edited after it was made"));
}

TEST_CASE("a plan without a digest, or of format_version 1, is refused") {
  auto j = nlohmann::json::parse(PlanToJson(MixedPlan()));
  j.erase("digest");
  CHECK(Mentions(Load(j.dump()), "/digest: missing"));
  j["format_version"] = 1;
  auto errs = Load(j.dump());
  REQUIRE(errs.size() == 1);
  CHECK(Mentions(errs, "p.json: format_version 1 is no longer accepted: it carries no content digest"));
}

TEST_CASE("size and nesting are refused before parsing") {
  std::vector<std::string> errs;
  Plan out;
  SECTION("a million levels of [") {
    std::string deep(1000000, '[');
    deep += std::string(1000000, ']');
    CHECK_FALSE(PlanFromJson(deep, "deep.json", &out, &errs));
    CHECK(Mentions(errs, "deep.json: nesting too deep at byte 32: more than 32 levels"));
  }
  SECTION("brackets inside strings do not count") {
    auto j = nlohmann::json::parse(PlanToJson(MixedPlan()));
    j["warnings"].push_back(std::string(100, '[') + "\"{");
    CHECK(Load(Reseal(j)).empty());
  }
  SECTION("a text over the cap") {
    std::string big(kMaxPlanBytes + 1, ' ');
    CHECK_FALSE(PlanFromJson(big, "big.json", &out, &errs));
    CHECK(Mentions(errs, "big.json: file is too large: 67108865 bytes; a plan may be at most 67108864 bytes"));
  }
  SECTION("a 200 MB file is refused by its size, unread") {
    TempDir dir;
    std::string path = dir.Write("huge.json", "");
    REQUIRE(truncate(path.c_str(), 200L << 20) == 0);  // sparse: costs no disk
    CHECK_FALSE(LoadPlanFile(path, &out, &errs));
    CHECK(Mentions(errs, path + ": file is too large: 209715200 bytes; a plan may be at most"));
  }
  SECTION("a directory") {
    TempDir dir;
    CHECK_FALSE(LoadPlanFile(dir.path.string(), &out, &errs));
    CHECK(Mentions(errs, "is a directory, not a plan file"));
  }
}

TEST_CASE("self-consistency: tampered plans that carry a recomputed digest are refused") {
  auto j = nlohmann::json::parse(PlanToJson(MixedPlan()));
  std::string want;
  SECTION("modify renamed stop") {
    for (auto& s : j["steps"])
      if (s["kind"] == "modify") s["kind"] = "stop";
    want = "has two stop steps";
  }
  SECTION("duplicate instance") {
    j["instances"].push_back(j["instances"][0]);
    j["instances"].back()["steps"] = nlohmann::json::array();
    j["instances"].back()["verdict"] = "unchanged";
    want = "appears twice (also /instances/0)";
  }
  SECTION("edge cycle") {
    auto e = j["edges"][0];
    j["edges"].push_back({e[1], e[0]});
    want = "step cycle: ";
  }
  SECTION("group cycle") {
    j["groups"][0]["depends_on"] = {"web"};
    want = "dependsOn cycle: db -> web -> db";
  }
  SECTION("target not in the catalog") {
    for (auto& i : j["instances"])
      if (i["verdict"] == "change") i["target_type"] = "ecs.g6.8xlarge";
    want = "target type ecs.g6.8xlarge is not in the plan's catalog for region cn-hangzhou";
  }
  auto errs = Load(Reseal(j));
  INFO(fmt::format("{}", fmt::join(errs, "\n")));
  CHECK(Mentions(errs, want));
}

TEST_CASE("self-consistency checks, one lie at a time") {
  Plan p = MixedPlan();
  const size_t up = IndexOf(p, "i-chk00001"), down = IndexOf(p, "i-chk00002");
  REQUIRE(p.instances[down].direction == Direction::kDowngrade);
  std::string want;
  SECTION("no instance twice") {
    p.instances.push_back(p.instances[IndexOf(p, "i-chk00003")]);
    want = "/instances/3/instance_id: i-chk00003 appears twice (also /instances/0)";
  }
  SECTION("unknown group") {
    p.instances[IndexOf(p, "i-chk00003")].group = "nope";
    want = "/instances/0/group: i-chk00003 is in unknown group \"nope\"";
  }
  SECTION("self-dependency") {
    p.groups[1].depends_on = {"web"};
    want = "/groups/1/depends_on/0: group web depends on itself";
  }
  SECTION("dependency on an unknown group") {
    p.groups[1].depends_on = {"cache"};
    want = "group web depends on unknown group cache";
  }
  SECTION("group cycle named") {
    p.groups[0].depends_on = {"web"};
    want = "/groups: dependsOn cycle: db -> web -> db";
  }
  SECTION("edge cycle named") {
    int stop = StepOf(p, "i-chk00002", StepKind::kStop), modify = StepOf(p, "i-chk00002", StepKind::kModify);
    p.edges.emplace_back(modify, stop);
    want = fmt::format("step cycle: {} (i-chk00002 stop) -> {} (i-chk00002 modify) -> {} (i-chk00002 stop)", stop,
                       modify, stop);
  }
  SECTION("self edge") {
    p.edges.emplace_back(0, 0);
    want = "depends on itself";
  }
  SECTION("an edge between two instances") {
    p.edges.emplace_back(StepOf(p, "i-chk00001", StepKind::kModify), StepOf(p, "i-chk00002", StepKind::kStop));
    want = "does not join two consecutive steps of one instance's chain";
  }
  SECTION("a chain link without its edge") {
    p.edges.pop_back();
    want = "no edge";
  }
  SECTION("a change without a modify step") {
    for (auto& s : p.steps)
      if (s.kind == StepKind::kModify && s.instance_id == "i-chk00001") s.kind = StepKind::kStop, s.client_token.clear();
    want = "i-chk00001 is a change without a modify step";
  }
  SECTION("modify without a ClientToken") {
    p.steps[size_t(StepOf(p, "i-chk00001", StepKind::kModify))].client_token.clear();
    want = "the modify step of i-chk00001 has no ClientToken";
  }
  SECTION("a ClientToken used twice") {
    p.steps[size_t(StepOf(p, "i-chk00001", StepKind::kModify))].client_token =
        p.steps[size_t(StepOf(p, "i-chk00002", StepKind::kModify))].client_token;
    want = "is used twice";
  }
  SECTION("a ClientToken on a stop") {
    p.steps[size_t(StepOf(p, "i-chk00002", StepKind::kStop))].client_token = "rs-x";
    want = "only a modify step carries a ClientToken (this is stop)";
  }
  SECTION("a downgrade of a Running instance without its stop") {
    auto& chain = p.instances[down].steps;
    int stop = StepOf(p, "i-chk00002", StepKind::kStop);
    chain.erase(chain.begin());
    p.steps[size_t(stop)].instance_id = "i-chk00001";  // hide it in another chain
    want = "i-chk00002 is a downgrade of a Running instance without a stop before modify";
  }
  SECTION("a downgrade that is never started again") {
    p.steps[size_t(StepOf(p, "i-chk00002", StepKind::kStart))].kind = StepKind::kWaitStable;
    want = "wait_stable must be the first step";
  }
  SECTION("start before modify") {
    auto& chain = p.instances[down].steps;
    std::swap(chain[1], chain[2]);
    want = "i-chk00002: start comes before modify";
  }
  SECTION("stopped, must end Running, no start") {
    p.steps[size_t(StepOf(p, "i-chk00002", StepKind::kStart))].kind = StepKind::kReboot;
    want = "i-chk00002 is stopped and must end Running, but has no start after modify";
  }
  SECTION("a blocked instance with steps") {
    p.instances[IndexOf(p, "i-chk00003")].steps = p.instances[up].steps;
    want = "i-chk00003 is blocked but has steps";
  }
  SECTION("a direction that contradicts the catalog") {
    p.instances[down].direction = Direction::kUpgrade;
    want = "i-chk00002: the plan says upgrade, but its catalog makes ecs.g6.2xlarge -> ecs.g6.xlarge a downgrade";
  }
  SECTION("a target outside the catalog") {
    p.instances[up].target_type = "ecs.g6.8xlarge";
    want = "/instances/1/target_type: i-chk00001: target type ecs.g6.8xlarge is not in the plan's catalog";
  }
  SECTION("a step of no listed instance") {
    p.steps[0].instance_id = "i-ghost";
    want = "i-ghost is not an instance of the plan";
  }
  SECTION("a step in the wrong group") {
    p.steps[0].group = "db";
    want = "/steps/0/group: is \"db\"";
  }
  auto errs = Check(p);
  INFO(fmt::format("{}", fmt::join(errs, "\n")));
  CHECK(Mentions(errs, "p.json: "));
  CHECK(Mentions(errs, want));
}

TEST_CASE("show prints the digest in text and markdown; json carries it") {
  Plan p = MixedPlan();
  for (auto f : {PlanFormat::kText, PlanFormat::kMarkdown, PlanFormat::kJson}) {
    std::string out = MakeRenderer(f, {})->Render(p);
    CHECK(out.find(p.digest) != std::string::npos);
  }
}

TEST_CASE("outside text in a plan reaches the terminal without control characters") {
  Plan p = MixedPlan();
  p.instances[IndexOf(p, "i-chk00001")].name = "web\x1b[2J\x1b]0;owned\x07-1";
  auto& blocked = p.instances[IndexOf(p, "i-chk00003")];
  REQUIRE(!blocked.blockers.empty());
  blocked.blockers[0].reason = "bad\x1b[31m\rthing";
  p.warnings.push_back("api said \x1b[1Ahidden");
  for (auto f : {PlanFormat::kText, PlanFormat::kMarkdown}) {
    std::string out = MakeRenderer(f, {})->Render(p);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\r') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find("web-1") != std::string::npos);
    CHECK(out.find("bad thing") != std::string::npos);
  }
}

// Found by tests/cli/apply_soak_test.sh: `respec plan` decides a mixed
// change's direction with DescribeResourcesModification (no `operation` in
// the spec), and `respec apply` refused that very plan ("is a mixed change
// and the plan's operation is \"\", not upgrade").
TEST_CASE("a mixed change whose direction the API decided is consistent; an operation that contradicts it is not") {
  auto w = emulator::DefaultWorld();
  w.instances.push_back(Inst("i-mix00001", "ecs.r7.large"));  // 2 vCPU 16 GiB -> 4 vCPU 8 GiB
  Env env(std::move(w));
  Plan p = env.MakeOk(Spec(R"(version: 1
regions: [cn-hangzhou]
groups:
  g:
    targets:
      - instanceIds: [i-mix00001]
        instanceType: ecs.c7.xlarge
)",
                           env.clock));
  REQUIRE(p.instances.size() == 1);
  REQUIRE(p.instances[0].verdict == Verdict::kChange);
  REQUIRE(p.instances[0].direction != Direction::kNone);
  CHECK(p.instances[0].options.operation.empty());
  INFO(fmt::format("{}", fmt::join(Check(p), "\n")));
  CHECK(Check(p).empty());
  p.instances[0].options.operation = p.instances[0].direction == Direction::kUpgrade ? "downgrade" : "upgrade";
  CHECK(Mentions(Check(p), "is a mixed change and the plan's operation is"));
}
