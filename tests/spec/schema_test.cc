// The compiled-in schema is the file editors use, byte for byte, and it is
// complete enough for editor completion (a description on every property).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spec/fleet_schema.h"
#include "spec/spec_test_util.h"

namespace respec {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("the compiled-in fleet schema is schemas/fleet.schema.json byte for byte") {
  std::string file = ReadFile(testing::SourceDir() + "/schemas/fleet.schema.json");
  REQUIRE_FALSE(file.empty());
  INFO("cmake/embed.cmake must copy schemas/fleet.schema.json exactly");
  CHECK(std::string(FleetSchemaText()) == file);
}

void CheckDescriptions(const nlohmann::json& schema, const nlohmann::json& node, const std::string& where) {
  if (!node.is_object()) return;
  if (auto props = node.find("properties"); props != node.end()) {
    for (auto it = props->begin(); it != props->end(); ++it) {
      const nlohmann::json& p = it.value();
      bool described = p.contains("description");
      if (!described && p.contains("$ref")) {
        std::string ref = p["$ref"].get<std::string>();
        described = schema.at(nlohmann::json::json_pointer(ref.substr(1))).contains("description");
      }
      INFO(where + "." + it.key());
      CHECK(described);
      CheckDescriptions(schema, p, where + "." + it.key());
    }
  }
  for (const char* k : {"items", "additionalProperties", "then", "else"})
    if (node.contains(k)) CheckDescriptions(schema, node[k], where);
}

TEST_CASE("every property has a description for editors") {
  auto schema = nlohmann::json::parse(FleetSchemaText());
  CheckDescriptions(schema, schema, "");
  for (auto it = schema["definitions"].begin(); it != schema["definitions"].end(); ++it)
    CheckDescriptions(schema, it.value(), it.key());
}

TEST_CASE("the examples are valid") {
  VirtualClock clock;  // 2026-01-01: every time in the examples is later
  for (const char* name : {"single-instance", "web-canary", "multi-region", "blocked"}) {
    FleetSpec spec;
    std::vector<Diagnostic> diags;
    std::string path = testing::SourceDir() + "/examples/" + name + ".yaml";
    INFO(path);
    CHECK(LoadFleetSpec(path, clock, &spec, &diags));
    for (const Diagnostic& d : diags) FAIL_CHECK(d.ToString());
    CHECK_FALSE(spec.groups.empty());
  }
}

TEST_CASE("the examples say what the emulator's world holds") {
  VirtualClock clock;
  FleetSpec spec;
  std::vector<Diagnostic> diags;
  REQUIRE(LoadFleetSpec(testing::SourceDir() + "/examples/multi-region.yaml", clock, &spec, &diags));
  REQUIRE(spec.groups.size() == 3);
  CHECK(spec.groups[0].regions == std::vector<std::string>{"cn-hangzhou", "cn-shanghai"});
  CHECK(spec.groups[0].targets[0].selector == std::vector<Tag>{{"role", "api"}});
  CHECK(spec.groups[1].regions == std::vector<std::string>{"cn-shanghai"});
  CHECK(spec.groups[1].targets[0].instance_ids == std::vector<std::string>{"i-uf6db00000000000001"});
  CHECK(spec.groups[1].targets[0].instance_type == "ecs.r7.xlarge");
  CHECK(spec.groups[2].targets[0].instance_ids == std::vector<std::string>{"i-bp1batch00000000001"});
  CHECK(spec.groups[2].targets[0].options.power_state == PowerState::kKeep);
}

}  // namespace
}  // namespace respec
