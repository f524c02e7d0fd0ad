// The plan file: schema validation, round trip, version refusal, no secrets.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "plan_fixture.h"
#include "plan/plan_file.h"

using namespace respec;
using namespace respec::testing;

namespace {

Plan SamplePlan() {
  auto w = emulator::DefaultWorld();
  w.instances.push_back(Inst("i-file00001", "ecs.g6.large"));
  w.instances.push_back(Inst("i-file00002", "ecs.g6.2xlarge"));
  auto blocked = Inst("i-file00003", "ecs.g6.large");
  blocked.instance.charge_type = "PostPaid";
  w.instances.push_back(blocked);
  Env env(std::move(w));
  return env.MakeOk(Spec(R"(version: 1
regions: [cn-hangzhou]
groups:
  g:
    maxUnavailable: 2
    targets:
      - instanceIds: [i-file00001, i-file00002, i-file00003]
        instanceType: ecs.g6.xlarge
        reboot: {at: "2026-03-01T01:00Z"}
)",
                              env.clock));
}

}  // namespace

TEST_CASE("a saved plan validates against the schema and loads back identically") {
  Plan p = SamplePlan();
  std::string text = PlanToJson(p);
  Plan back;
  std::vector<std::string> errs;
  INFO(fmt::format("{}", fmt::join(errs, "\n")));
  REQUIRE(PlanFromJson(text, "plan.json", &back, &errs));
  CHECK(PlanToJson(back) == text);
  CHECK(back.instances.size() == 3);
  CHECK(back.steps.size() == p.steps.size());
  CHECK(back.edges == p.edges);

  auto path = std::filesystem::temp_directory_path() / "respec_plan_file_test.json";
  std::string err;
  REQUIRE(SavePlanFile(p, path.string(), &err));
  Plan loaded;
  REQUIRE(LoadPlanFile(path.string(), &loaded, &errs));
  CHECK(PlanToJson(loaded) == text);
  std::filesystem::remove(path);
}

TEST_CASE("the plan file never holds a secret") {
  std::string text = PlanToJson(SamplePlan());
  CHECK(text.find("respec-demo-secret-not-real") == std::string::npos);
  CHECK(text.find("LTAI5tRespecDemoKey0001") == std::string::npos);
  CHECK(text.find("Signature") == std::string::npos);
}

TEST_CASE("the compiled-in schema equals schemas/plan.schema.json") {
  std::ifstream f(std::string(RESPEC_SOURCE_DIR) + "/schemas/plan.schema.json");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  CHECK(nlohmann::json::parse(ss.str()) == nlohmann::json::parse(PlanSchemaText()));
}

TEST_CASE("unknown format_version is refused before anything else") {
  auto j = nlohmann::json::parse(PlanToJson(SamplePlan()));
  j["format_version"] = 3;
  Plan out;
  std::vector<std::string> errs;
  CHECK_FALSE(PlanFromJson(j.dump(), "old.json", &out, &errs));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].find("old.json: unsupported format_version 3") != std::string::npos);
}

TEST_CASE("schema violations name the JSON path") {
  auto j = nlohmann::json::parse(PlanToJson(SamplePlan()));
  j["instances"][1]["verdict"] = "maybe";
  Plan out;
  std::vector<std::string> errs;
  CHECK_FALSE(PlanFromJson(Reseal(j), "bad.json", &out, &errs));
  REQUIRE(!errs.empty());
  bool named = false;
  for (const auto& e : errs) named |= e.find("bad.json: /instances/1/verdict") != std::string::npos;
  INFO(fmt::format("{}", fmt::join(errs, "\n")));
  CHECK(named);
}

TEST_CASE("broken files give clear errors, never a crash") {
  Plan out;
  std::vector<std::string> errs;
  CHECK_FALSE(PlanFromJson("{\"format_version\": 1,", "t.json", &out, &errs));
  CHECK(errs.back().find("t.json: not valid JSON") != std::string::npos);
  errs.clear();
  // Found by fuzz/plan_fuzz.cc: a number out of range threw past the parse_error handler.
  CHECK_FALSE(PlanFromJson("{\"format_version\": 2, \"x\": 1e3080}", "t.json", &out, &errs));
  CHECK(errs.back().find("t.json: not valid JSON: ") != std::string::npos);
  CHECK(errs.back().find("number overflow") != std::string::npos);
  errs.clear();
  CHECK_FALSE(PlanFromJson("[1,2]", "t.json", &out, &errs));
  CHECK(errs.back().find("not a respec plan file") != std::string::npos);
  errs.clear();
  auto j = nlohmann::json::parse(PlanToJson(SamplePlan()));
  j["edges"].push_back({0, 999});
  CHECK_FALSE(PlanFromJson(Reseal(j), "t.json", &out, &errs));
  CHECK(errs.back().find("/edges/") != std::string::npos);
  errs.clear();
  CHECK_FALSE(LoadPlanFile("/nonexistent/plan.json", &out, &errs));
  CHECK(errs.back().find("/nonexistent/plan.json: cannot open: No such file or directory") != std::string::npos);
}

TEST_CASE("forceStop travels from the spec into the plan file and back; absent when off") {
  for (bool force : {true, false}) {
    auto w = emulator::DefaultWorld();
    w.instances.push_back(Inst("i-force0001", "ecs.g6.2xlarge"));
    Env env(std::move(w));
    Plan p = env.MakeOk(Spec(std::string(R"(version: 1
regions: [cn-hangzhou]
groups:
  g:
    targets:
      - instanceIds: [i-force0001]
        instanceType: ecs.g6.xlarge
)") + (force ? "        forceStop: true\n" : ""),
                             env.clock));
    REQUIRE(p.instances.size() == 1);
    CHECK(p.instances[0].options.force_stop == force);
    std::string text = PlanToJson(p);
    CHECK((text.find("\"force_stop\"") != std::string::npos) == force);
    Plan back;
    std::vector<std::string> errs;
    REQUIRE(PlanFromJson(text, "plan.json", &back, &errs));
    CHECK(back.instances[0].options.force_stop == force);
    CHECK(PlanToJson(back) == text);
  }
}
