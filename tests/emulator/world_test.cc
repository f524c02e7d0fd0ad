#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "emulator/world.h"
#include "emulator/world_schema.h"
#include "emulator/world_yaml.h"
#include "support/temp_dir.h"

using namespace respec;
using namespace respec::emulator;

namespace {

std::string SourceDir() {
  const char* env = std::getenv("RESPEC_SOURCE_DIR");
  return env ? env : RESPEC_SOURCE_DIR;
}

// Writes `text` to a fresh temp file and returns its path.
std::string TempWorld(const std::string& name, const std::string& text) {
  // One scratch directory per test run (mkdtemp), removed at exit.
  static respec::testing::TempDir dir("respec-world-test");
  auto path = (dir.path / name).string();
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> LoadErrors(const std::string& name, const std::string& text) {
  World w;
  std::vector<std::string> errors;
  std::string path = TempWorld(name, text);
  bool ok = LoadWorld(path, &w, &errors);
  if (ok) return {};
  // Messages start with the path as given; keep just the file name.
  std::string dir = path.substr(0, path.size() - name.size());
  for (auto& e : errors) {
    if (e.rfind(dir, 0) == 0) e = e.substr(dir.size());
    UNSCOPED_INFO(e);
  }
  return errors;
}

bool AnyContains(const std::vector<std::string>& errs, const std::string& needle) {
  for (const auto& e : errs)
    if (e.find(needle) != std::string::npos) return true;
  return false;
}

const CatalogType* FindType(const World& w, const std::string& id) {
  for (const auto& c : w.catalog)
    if (c.type.id == id) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("DefaultWorld has the realistic catalog, regions and the demo key") {
  World w = DefaultWorld();
  REQUIRE(w.keys.size() == 1);
  CHECK(w.keys[0].id == "LTAI5tRespecDemoKey0001");
  REQUIRE(w.regions.size() == 2);
  CHECK(w.regions[0].zones.size() == 2);
  for (const char* fam : {"ecs.g5", "ecs.g6", "ecs.g7", "ecs.c7", "ecs.r7"}) {
    int ratio = std::string(fam) == "ecs.c7" ? 2 : std::string(fam) == "ecs.r7" ? 8 : 4;
    for (auto [size, cpu] : {std::pair{"large", 2}, {"xlarge", 4}, {"2xlarge", 8}, {"3xlarge", 12},
                             {"4xlarge", 16}, {"6xlarge", 24}, {"8xlarge", 32}}) {
      std::string id = std::string(fam) + "." + size;
      INFO(id);
      const CatalogType* t = FindType(w, id);
      REQUIRE(t);
      CHECK(t->type.cpu == cpu);
      CHECK(t->type.memory_gib == double(cpu * ratio));
      CHECK_FALSE(t->retired);
      CHECK(t->monthly_price > 0);
    }
  }
  // Prices grow with size within a family.
  CHECK(FindType(w, "ecs.g7.xlarge")->monthly_price == 2 * FindType(w, "ecs.g7.large")->monthly_price);
  CHECK(FindType(w, "ecs.n1.small")->retired);
  CHECK(FindType(w, "ecs.i2.xlarge")->type.local_storage_category == "local_ssd_pro");
}

TEST_CASE("GenerateWorld is deterministic for a seed and varies with it") {
  World a = GenerateWorld(500, 7), b = GenerateWorld(500, 7), c = GenerateWorld(500, 8);
  REQUIRE(a.instances.size() == 500);
  int stopped = 0, differ = 0;
  for (size_t i = 0; i < a.instances.size(); ++i) {
    const Instance& x = a.instances[i].instance;
    const Instance& y = b.instances[i].instance;
    CHECK(x.id == y.id);
    CHECK(x.type == y.type);
    CHECK(x.zone == y.zone);
    CHECK(x.status == y.status);
    CHECK(x.tags == y.tags);
    CHECK(x.charge_type == "PrePaid");
    CHECK(x.region == "cn-hangzhou");
    CHECK(x.cpu > 0);
    if (x.status == kStopped) ++stopped;
    if (x.type != c.instances[i].instance.type) ++differ;
  }
  CHECK(a.instances[0].instance.id == "i-bp100000000000000001");
  CHECK(stopped > 0);
  CHECK(stopped < 100);  // mostly Running
  CHECK(differ > 100);
}

TEST_CASE("examples/world.yaml loads with the demo instances") {
  World w;
  std::vector<std::string> errors;
  bool ok = LoadWorld(SourceDir() + "/examples/world.yaml", &w, &errors);
  for (const auto& e : errors) UNSCOPED_INFO(e);
  REQUIRE(ok);
  CHECK(w.instances.size() == 19);
  auto find = [&](const std::string& id) -> const WorldInstance* {
    for (const auto& wi : w.instances)
      if (wi.instance.id == id) return &wi;
    return nullptr;
  };
  const WorldInstance* db = find("i-uf6db00000000000001");
  REQUIRE(db);
  CHECK(db->downgrades_used == 1);
  CHECK(db->instance.region == "cn-shanghai");
  CHECK(db->instance.cpu == 8);
  CHECK(db->instance.memory_mib == 64 * 1024);
  const WorldInstance* web1 = find("i-bp1web0000000000001");
  REQUIRE(web1);
  CHECK(web1->instance.tags == std::vector<Tag>{{"canary", "true"}, {"env", "prod"}, {"role", "web"}});
  CHECK(find("i-bp1postpaid00000001")->instance.charge_type == "PostPaid");
  CHECK(find("i-bp1batch00000000001")->instance.status == kStopped);
  CHECK(find("i-bp1expired000000001")->instance.lock_reasons == std::vector<std::string>{"financial"});
  CHECK(find("i-bp1market0000000001")->instance.image_id == "m-bp1market00000001");
  REQUIRE(w.stock.size() == 1);
  CHECK(w.stock[0].status_category == "WithoutStock");
  REQUIRE(w.images.size() == 1);
  CHECK(w.keys.at(0).secret == "respec-demo-secret-not-real");
  CHECK(w.qps_limits.at("ModifyPrepayInstanceSpec") == 20);
}

TEST_CASE("The embedded schema equals schemas/world.schema.json") {
  std::ifstream f(SourceDir() + "/schemas/world.schema.json");
  REQUIRE(f);
  nlohmann::json file = nlohmann::json::parse(f);
  CHECK(file == nlohmann::json::parse(WorldSchemaText()));
}

TEST_CASE("World errors name FILE:LINE:COL") {
  SECTION("YAML syntax") {
    auto errs = LoadErrors("syntax.yaml", "instances:\n  - id: [unclosed\n");
    REQUIRE_FALSE(errs.empty());
    CHECK(errs[0].find("syntax.yaml:") == 0);
  }
  SECTION("unknown key, at the key") {
    auto errs = LoadErrors("unknown.yaml", "version: 1\ninstancez: []\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("unknown.yaml:2:1:") == 0);
    CHECK(errs[0].find("unknown key \"instancez\"") != std::string::npos);
  }
  SECTION("enum value") {
    auto errs = LoadErrors("status.yaml",
                           "instances:\n  - id: i-bp1x\n    zone: cn-hangzhou-h\n    type: ecs.g7.large\n"
                           "    status: Sleeping\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("status.yaml:5:13: instances[0].status:") == 0);
    CHECK(errs[0].find("Running") != std::string::npos);
  }
  SECTION("a seed-error trigger out of range") {
    auto errs = LoadErrors("ips.yaml", "instances:\n  - id: i-bp1x\n    zone: cn-hangzhou-h\n"
                                       "    type: ecs.g7.large\n    private_ips: 0\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("ips.yaml:5:18: instances[0].private_ips:") == 0);
  }
  SECTION("wrong type") {
    auto errs = LoadErrors("type.yaml", "instances:\n  - id: i-bp1x\n    zone: cn-hangzhou-h\n"
                                        "    type: ecs.g7.large\n    downgrades_used: two\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("type.yaml:5:22: instances[0].downgrades_used:") == 0);
  }
  SECTION("missing required key") {
    auto errs = LoadErrors("missing.yaml", "instances:\n  - id: i-bp1x\n    zone: cn-hangzhou-h\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("missing.yaml:2:5: instances[0]:") == 0);
    CHECK(errs[0].find("type") != std::string::npos);
  }
  SECTION("unknown zone and type, duplicate id") {
    auto errs = LoadErrors("refs.yaml",
                           "instances:\n"
                           "  - {id: i-bp1a, zone: cn-hangzhou-z, type: ecs.g7.large}\n"
                           "  - {id: i-bp1a, zone: cn-hangzhou-h, type: ecs.g9.huge}\n");
    CHECK(AnyContains(errs, "refs.yaml:2:24: instances[0].zone: unknown zone \"cn-hangzhou-z\""));
    CHECK(AnyContains(errs, "refs.yaml:3:10: instances[1].id: duplicate instance id"));
    CHECK(AnyContains(errs, "refs.yaml:3:45: instances[1].type: unknown instance type \"ecs.g9.huge\""));
  }
  SECTION("bad expiry date") {
    auto errs = LoadErrors("time.yaml", "instances:\n  - {id: i-bp1a, zone: cn-hangzhou-h, type: ecs.g7.large, "
                                        "expired_time: 2026-02-30T00:00Z}\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("instances[0].expired_time") != std::string::npos);
  }
  SECTION("duplicate keys") {
    auto errs = LoadErrors("dup.yaml", "version: 1\nversion: 1\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].find("dup.yaml:2:1: duplicate key") == 0);
  }
  SECTION("missing file") {
    World w;
    std::vector<std::string> errors;
    CHECK_FALSE(LoadWorld("/nonexistent/world.yaml", &w, &errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("/nonexistent/world.yaml:") == 0);
  }
  SECTION("not a mapping") {
    auto errs = LoadErrors("list.yaml", "- a\n- b\n");
    REQUIRE(errs.size() == 1);
  }
}

TEST_CASE("A world file can extend the catalog and replace keys and regions") {
  World w;
  std::vector<std::string> errors;
  bool ok = LoadWorld(TempWorld("extend.yaml",
                                "access_keys:\n  - {id: AK1, secret: s1, security_token: tok}\n"
                                "regions:\n  - {id: ap-south-1, zones: [{id: ap-south-1a}]}\n"
                                "catalog:\n  - {id: ecs.g8i.large, cpu: 2, memory_gib: 8, monthly_price: 290}\n"
                                "  - {id: ecs.g7.large, cpu: 2, memory_gib: 8, retired: true}\n"
                                "instances:\n  - {id: i-x1, zone: ap-south-1a, type: ecs.g8i.large}\n"),
                      &w, &errors);
  for (const auto& e : errors) UNSCOPED_INFO(e);
  REQUIRE(ok);
  CHECK(w.keys.size() == 1);
  CHECK(w.keys[0].security_token == "tok");
  CHECK(w.regions.size() == 1);
  REQUIRE(FindType(w, "ecs.g8i.large"));
  CHECK(FindType(w, "ecs.g8i.large")->type.family == "ecs.g8i");
  CHECK(FindType(w, "ecs.g7.large")->retired);
  CHECK(FindType(w, "ecs.c7.large"));  // built-in catalog kept
  CHECK(w.instances[0].instance.region == "ap-south-1");
}

TEST_CASE("World YAML scalars resolve with the YAML 1.2 core schema") {
  MarkedJson doc;
  std::vector<std::string> errors;
  REQUIRE(ParseMarkedYaml("a: 12\nb: -3\nc: 7.5\nd: .5\ne: 5.\nf: 1e3\ng: \"12\"\nh: true\ni: ~\n"
                          "j: 1.2.3\nk: 0x1F\nl: '-'\nm: +4\nn: e5\n",
                          "t.yaml", &doc, &errors));
  const auto& r = doc.root;
  CHECK(r["a"] == 12);
  CHECK(r["b"] == -3);
  CHECK(r["c"] == 7.5);
  CHECK(r["d"] == 0.5);
  CHECK(r["e"] == 5.0);
  CHECK(r["f"] == 1000.0);
  CHECK(r["g"] == "12");  // quoted: a string
  CHECK(r["h"] == true);
  CHECK(r["i"].is_null());
  CHECK(r["j"] == "1.2.3");
  CHECK(r["k"] == "0x1F");
  CHECK(r["l"] == "-");
  CHECK(r["m"] == 4);
  CHECK(r["n"] == "e5");
  CHECK(doc.MarkOf("/c").line == 3);
  CHECK(doc.MarkOf("/c").column == 4);
  CHECK(PointerToPath(r, "/c") == "c");
}

TEST_CASE("Hostile world files are errors, not crashes") {
  std::string deep(100000, '[');
  CHECK_FALSE(LoadErrors("deep.yaml", deep).empty());
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    laughs += fmt::format("{}: &{} [*{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}]\n", c, c, char(c - 1),
                          char(c - 1), char(c - 1), char(c - 1), char(c - 1), char(c - 1), char(c - 1),
                          char(c - 1), char(c - 1), char(c - 1));
  auto errs = LoadErrors("laughs.yaml", laughs);
  REQUIRE_FALSE(errs.empty());
  CHECK(errs[0].find("too large") != std::string::npos);
  CHECK_FALSE(LoadErrors("binary.yaml", std::string("\x00\xff\xfe\x01: [", 6)).empty());
  CHECK_FALSE(LoadErrors("empty.yaml", "").empty());
  CHECK_FALSE(LoadErrors("two.yaml", "a: 1\n---\nb: 2\n").empty());
  CHECK_FALSE(LoadErrors("comma.yaml", ",").empty());  // YAML::LoadAll would loop forever
  CHECK(LoadErrors("marker.yaml", "---\nversion: 1\n...\n").empty());
  CHECK_FALSE(LoadErrors("tags.yaml", "instances:\n  - {id: i-x, zone: cn-hangzhou-h, type: ecs.g7.large, "
                                      "tags: {a: [1]}}\n").empty());
}
