// The spec loader: what a valid file turns into, and the exact message for
// each kind of bad input.
#include <catch2/catch.hpp>

#include "spec/spec_test_util.h"
#include "spec/text_checks.h"

namespace respec {
namespace {

using testing::LoadText;
using Catch::Matchers::Contains;

const char* kValid = R"(version: 1
regions: [cn-hangzhou]
maxParallel: 5
defaults:
  reboot: manual
  autoPay: false
groups:
  canary:
    maxUnavailable: 1
    maxFailures: 0
    targets:
      - selector: {role: web, env: prod, canary: "true"}
        instanceType: ecs.c7.xlarge
  web:
    dependsOn: [canary]
    region: cn-shanghai
    maxUnavailable: 34%
    targets:
      - selector: {role: web, env: prod}
        instanceType: ecs.c7.xlarge
        reboot: {at: "2026-12-01T10:00+08:00"}  # China time; sent as 02:00Z
      - instanceIds: [i-bp1demo000000000001]
        instanceType: ecs.g6.xlarge
        autoPay: true
        migrateAcrossZone: true
        systemDiskCategory: cloud_ssd
        endTime: "2027-01-01T00:00Z"
        operation: upgrade
        powerState: stopped
        forceStop: true
)";

TEST_CASE("a valid spec fills every field, with defaults merged and regions resolved") {
  auto r = LoadText(kValid);
  INFO(r.messages.size());
  REQUIRE(r.messages.empty());
  REQUIRE(r.ok);
  const FleetSpec& s = r.spec;
  CHECK(s.path == "f.yaml");
  CHECK(s.sha256.size() == 64);
  CHECK(s.max_parallel == 5);
  CHECK(s.regions == std::vector<std::string>{"cn-hangzhou"});
  REQUIRE(s.groups.size() == 2);
  const Group& canary = s.groups[0];
  CHECK(canary.name == "canary");
  CHECK(canary.pos.line == 8);
  CHECK(canary.pos.column == 3);
  CHECK(canary.regions == std::vector<std::string>{"cn-hangzhou"});
  CHECK(canary.max_unavailable.value == 1);
  CHECK_FALSE(canary.max_unavailable.percent);
  CHECK(canary.max_failures == 0);
  REQUIRE(canary.targets.size() == 1);
  const Target& ct = canary.targets[0];
  CHECK(ct.pos.line == 12);
  CHECK(ct.selector == std::vector<Tag>{{"role", "web"}, {"env", "prod"}, {"canary", "true"}});
  CHECK(ct.instance_type == "ecs.c7.xlarge");
  CHECK(ct.options.reboot == RebootPolicy::kManual);
  CHECK(ct.options.auto_pay == std::optional<bool>(false));
  CHECK(ct.options.power_state == PowerState::kKeep);
  CHECK_FALSE(ct.options.force_stop);  // off by default

  const Group& web = s.groups[1];
  CHECK(web.regions == std::vector<std::string>{"cn-shanghai"});
  CHECK(web.depends_on == std::vector<std::string>{"canary"});
  CHECK(web.max_unavailable.value == 34);
  CHECK(web.max_unavailable.percent);
  CHECK(web.max_failures == -1);
  REQUIRE(web.targets.size() == 2);
  CHECK(web.targets[0].options.reboot == RebootPolicy::kAt);
  CHECK(web.targets[0].options.reboot_at == "2026-12-01T02:00Z");
  CHECK(web.targets[0].options.auto_pay == std::optional<bool>(false));
  const Target& t = web.targets[1];
  CHECK(t.instance_ids == std::vector<std::string>{"i-bp1demo000000000001"});
  CHECK(t.selector.empty());
  CHECK(t.options.reboot == RebootPolicy::kManual);  // from defaults
  CHECK(t.options.auto_pay == std::optional<bool>(true));
  CHECK(t.options.migrate_across_zone);
  CHECK(t.options.system_disk_category == "cloud_ssd");
  CHECK(t.options.end_time == "2027-01-01T00:00Z");
  CHECK(t.options.operation == "upgrade");
  CHECK(t.options.power_state == PowerState::kStopped);
  CHECK(t.options.force_stop);
}

TEST_CASE("the hash is of the file's bytes") {
  auto a = LoadText(kValid);
  auto b = LoadText(std::string(kValid) + "# a comment changes the bytes\n");
  REQUIRE(a.ok);
  REQUIRE(b.ok);
  CHECK(a.spec.sha256 != b.spec.sha256);
  CHECK(a.spec.sha256 == LoadText(kValid).spec.sha256);
}

TEST_CASE("empty files") {
  for (const char* text : {"", "   \n\n", "# only a comment\n", "---\n"}) {
    auto r = LoadText(text);
    CHECK_FALSE(r.ok);
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0] == "f.yaml:1:1: the file is empty: a fleet spec needs at least \"version: 1\" and \"groups\"");
  }
}

TEST_CASE("YAML syntax errors carry yaml-cpp's line and column") {
  auto r = LoadText("version: 1\ngroups:\n  web: [a, b\n");
  CHECK_FALSE(r.ok);
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:4:1: YAML syntax error: end of sequence flow not found");
  r = LoadText("version: 1\n  groups: x\n");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:2:9: YAML syntax error: illegal map value");
}

TEST_CASE("a second YAML document is refused") {
  auto r = LoadText("version: 1\n---\nversion: 2\n");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:2:1: a fleet spec is one YAML document, but a second one starts here");
}

TEST_CASE("not UTF-8: the byte, its offset, line and column") {
  auto r = LoadText("version: 1\ngroups:\n  w\xff: {}\n");
  CHECK_FALSE(r.ok);
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:3:4: not valid UTF-8: byte 0xFF at offset 22");
  r = LoadText(std::string("\xff\xfev\0e\0", 6));
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:1:1: not valid UTF-8: byte 0xFF at offset 0 (the file looks like UTF-16; save it as UTF-8)");
  // Overlong encodings and surrogates are not UTF-8 either.
  CHECK(LoadText("a: \xc0\xaf\n").messages.at(0) == "f.yaml:1:4: not valid UTF-8: byte 0xC0 at offset 3");
  CHECK(LoadText("a: \xed\xa0\x80\n").messages.at(0) == "f.yaml:1:4: not valid UTF-8: byte 0xED at offset 3");
  // Real UTF-8 is fine.
  CHECK(LoadText(std::string(kValid) + "# 杭州 ✓\n").ok);
}

TEST_CASE("deep nesting is refused before the parser can recurse") {
  auto r = LoadText("version: 1\ngroups: " + std::string(100000, '[') + "\n");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:2:73: nesting too deep: more than 64 levels of [ and {");
  std::string dashes;
  for (int i = 0; i < 20000; ++i) dashes += "- ";
  r = LoadText(dashes + "x\n");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:1:1: nesting too deep: this line is indented 40000 columns (at most 256)");
  // Brackets in quotes and comments do not count.
  CHECK(LoadText(std::string(kValid) + "# " + std::string(100, '[') + "\n").ok);
}

TEST_CASE("oversized text is refused by size") {
  std::string big(kMaxSpecBytes + 1, ' ');
  auto r = LoadText(big);
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml: file is too large: 8388609 bytes; a fleet spec may be at most 8388608 bytes (8 MiB)");
}

TEST_CASE("aliases cannot blow up memory") {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    text += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
    prev = c;
  }
  auto r = LoadText(text);
  CHECK_FALSE(r.ok);
  REQUIRE(r.messages.size() == 1);
  CHECK_THAT(r.messages[0], Contains("too many values: more than 200000 (an alias counts each time it is used)"));
}

TEST_CASE("duplicate keys are reported at the second one") {
  auto r = LoadText("version: 1\nversion: 1\ngroups: {}\n");
  CHECK_FALSE(r.ok);
  REQUIRE(r.messages.size() >= 1);
  CHECK(r.messages[0] == "f.yaml:2:1: version: duplicate key \"version\" (first at line 1); the first one is used");
}

}  // namespace
}  // namespace respec

namespace respec {
namespace {

TEST_CASE("overlong values are refused before any pattern runs on them") {
  auto r = LoadText("version: 1\ngroups:\n  web:\n    targets:\n      - selector: {role: web}\n        instanceType: ecs." +
                    std::string(60000, 'a') + "\n");
  CHECK_FALSE(r.ok);
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:6:23: groups.web.targets[0].instanceType: value is too long: 60004 bytes (at most 4096)");
}

}  // namespace
}  // namespace respec

namespace respec {
namespace {

TEST_CASE("inputs that once hung or confused the YAML layer (found by fuzzing)") {
  // yaml-cpp's LoadAll never returns on a lone ",".
  auto r = LoadText(",");
  CHECK_FALSE(r.ok);
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:1:1: expected a mapping, got nothing");
  r = LoadText("~\n");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:1:1: expected a mapping, got nothing");
  // Document markers: a leading "---" is fine, "..." then more content is not.
  CHECK(LoadText(std::string("%YAML 1.2\n---\n") + "version: 1\ngroups: {w: {targets: [{selector: {a: b}, instanceType: ecs.g6.large}]}}\n...\n").ok);
  r = LoadText("version: 1\n...\nversion: 2\n");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:3:1: a fleet spec is one YAML document, but a second one starts here");
}

}  // namespace
}  // namespace respec
