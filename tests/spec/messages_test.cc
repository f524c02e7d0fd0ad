// Exact messages for each kind of mistake an operator makes in a spec, and
// that one run reports all of them.
#include <catch2/catch.hpp>

#include "core/timefmt.h"
#include "spec/spec_test_util.h"

namespace respec {
namespace {

using testing::LoadText;

// A valid spec with one group; tests splice mistakes into it.
std::string Spec(const std::string& group_body, const std::string& top = "") {
  return "version: 1\nregions: [cn-hangzhou]\n" + top + "groups:\n  web:\n" + group_body;
}
const std::string kTarget = "    targets:\n      - instanceIds: [i-bp1demo000000000001]\n        instanceType: ecs.g6.xlarge\n";

std::vector<std::string> Messages(const std::string& text) {
  auto r = LoadText(text);
  CHECK_FALSE(r.ok);
  return r.messages;
}

TEST_CASE("unknown keys, with a did-you-mean suggestion") {
  auto m = Messages(Spec("    maxUnavalable: 2\n" + kTarget));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:5:5: groups.web.maxUnavalable: unknown key \"maxUnavalable\"; did you mean \"maxUnavailable\"?");
  m = Messages(Spec(kTarget + "        instanceTyp: ecs.g6.large\n        rebot: manual\n"));
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "f.yaml:8:9: groups.web.targets[0].instanceTyp: unknown key \"instanceTyp\"; did you mean \"instanceType\"?");
  CHECK(m[1] == "f.yaml:9:9: groups.web.targets[0].rebot: unknown key \"rebot\"; did you mean \"reboot\"?");
  m = Messages(Spec(kTarget, "colour: blue\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:3:1: colour: unknown key \"colour\" (known keys: defaults, groups, maxParallel, regions, version)");
}

TEST_CASE("missing keys") {
  auto m = Messages("regions: [cn-hangzhou]\n");
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "f.yaml:1:1: missing required key \"groups\"");
  CHECK(m[1] == "f.yaml:1:1: missing required key \"version\"");
  m = Messages(Spec("    targets:\n      - instanceIds: [i-bp1demo000000000001]\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:6:9: groups.web.targets[0]: missing required key \"instanceType\"");
}

TEST_CASE("wrong types") {
  auto m = Messages(Spec("    maxFailures: lots\n" + kTarget, "maxParallel: \"5\"\n"));
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "f.yaml:3:14: maxParallel: maxParallel must be an integer from 1 to 1000");
  CHECK(m[1] == "f.yaml:6:18: groups.web.maxFailures: maxFailures must be an integer of 0 or more, got \"lots\"");
  m = Messages(Spec("    targets: {instanceType: ecs.g6.large}\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:5:14: groups.web.targets: targets must be a list of targets");
  m = Messages(Spec("    targets:\n      - selector: {role: web, canary: true}\n        instanceType: ecs.g6.xlarge\n        autoPay: yes\n"));
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "f.yaml:6:39: groups.web.targets[0].selector.canary: tag values are strings: write true in quotes");
  CHECK(m[1] == "f.yaml:8:18: groups.web.targets[0].autoPay: autoPay must be true or false, got \"yes\"");
  m = Messages("version: 1\ngroups: [web]\n");
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:2:9: groups: expected a mapping, got a list");
  m = Messages("- version: 1\n");
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:1:1: expected a mapping, got a list");
}

TEST_CASE("version must be 1") {
  auto m = Messages(kTarget.empty() ? "" : "version: 2\ngroups:\n  web:\n" + kTarget);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:1:10: version: version must be 1");
}

TEST_CASE("malformed instance IDs and instance types") {
  auto m = Messages(Spec("    targets:\n      - instanceIds: [i-BP1demo000000000001, bp1demo000000000001, i-abc]\n"
                         "        instanceType: ecs.g6\n"));
  REQUIRE(m.size() == 4);
  CHECK(m[0] == "f.yaml:6:23: groups.web.targets[0].instanceIds[0]: malformed instance ID \"i-BP1demo000000000001\": "
                "expected i- followed by 6 to 30 lowercase letters or digits");
  CHECK(m[1] == "f.yaml:6:46: groups.web.targets[0].instanceIds[1]: malformed instance ID \"bp1demo000000000001\": "
                "expected i- followed by 6 to 30 lowercase letters or digits");
  CHECK(m[2] == "f.yaml:6:67: groups.web.targets[0].instanceIds[2]: malformed instance ID \"i-abc\": "
                "expected i- followed by 6 to 30 lowercase letters or digits");
  CHECK(m[3] == "f.yaml:7:23: groups.web.targets[0].instanceType: malformed instance type \"ecs.g6\": "
                "expected ecs.FAMILY.SIZE, e.g. ecs.g6.xlarge");
}

TEST_CASE("enumerations: reboot, powerState, systemDiskCategory, operation") {
  auto m = Messages(Spec(kTarget + "        reboot: later\n        powerState: off\n"
                         "        systemDiskCategory: cloud_essd\n        operation: sidegrade\n"));
  REQUIRE(m.size() == 4);
  CHECK(m[0] == "f.yaml:8:17: groups.web.targets[0].reboot: reboot must be whenFinished, manual or "
                "{at: \"yyyy-MM-ddTHH:mmZ\"}, got \"later\"");
  CHECK(m[1] == "f.yaml:9:21: groups.web.targets[0].powerState: powerState must be keep, running or stopped, got \"off\"");
  CHECK(m[2] == "f.yaml:10:29: groups.web.targets[0].systemDiskCategory: systemDiskCategory must be cloud_efficiency "
                "or cloud_ssd, got \"cloud_essd\"");
  CHECK(m[3] == "f.yaml:11:20: groups.web.targets[0].operation: operation must be upgrade or downgrade, got \"sidegrade\"");
}

TEST_CASE("times: RFC 3339 with Z or an offset, a real date, in the future") {
  auto m = Messages(Spec(kTarget + "        reboot: {at: \"2026-12-01 02:00\"}\n        endTime: \"2027-01-01T00:00+8:00\"\n"));
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "f.yaml:8:22: groups.web.targets[0].reboot.at: reboot time \"2026-12-01 02:00\" is not an RFC 3339 "
                "time, e.g. 2026-12-01T02:00Z or 2026-12-01T10:00+08:00");
  CHECK(m[1] == "f.yaml:9:18: groups.web.targets[0].endTime: endTime \"2027-01-01T00:00+8:00\" is not an RFC 3339 "
                "time, e.g. 2027-01-01T00:00Z or 2027-01-01T08:00+08:00");
  m = Messages(Spec(kTarget + "        reboot: {at: \"2026-12-01T10:00:30+08:00\"}\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:8:22: groups.web.targets[0].reboot.at: reboot time 2026-12-01T10:00:30+08:00 has seconds; "
                "the API takes whole minutes");
  // 08:00 in China on New Year's Day is midnight UTC, and it is now midnight UTC: the past.
  m = Messages(Spec(kTarget + "        reboot: {at: \"2026-01-01T08:00+08:00\"}\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:8:22: groups.web.targets[0].reboot.at: reboot time 2026-01-01T08:00+08:00 is in the past "
                "(it is now 2026-01-01T00:00Z)");
  m = Messages(Spec(kTarget + "        reboot: {at: \"2025-12-31T23:59Z\"}\n        endTime: \"2026-02-30T00:00Z\"\n"));
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "f.yaml:8:22: groups.web.targets[0].reboot.at: reboot time 2025-12-31T23:59Z is in the past "
                "(it is now 2026-01-01T00:00Z)");
  CHECK(m[1] == "f.yaml:9:18: groups.web.targets[0].endTime: endTime \"2026-02-30T00:00Z\" is not a valid date and time");
  m = Messages(Spec(kTarget, "defaults:\n  endTime: \"2025-06-01T00:00Z\"\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:4:12: defaults.endTime: endTime 2025-06-01T00:00Z is in the past (it is now 2026-01-01T00:00Z)");
  m = Messages(Spec(kTarget + "        reboot: {}\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:8:17: groups.web.targets[0].reboot: reboot: {at: ...} needs the time, e.g. {at: \"2026-12-01T02:00Z\"}");
}

TEST_CASE("the past is read from the clock") {
  std::string text = Spec(kTarget + "        reboot: {at: \"2026-06-01T00:00Z\"}\n");
  VirtualClock clock;
  CHECK(LoadText(text, clock).ok);
  clock.Set(*ParseUtcTime("2026-06-01T00:01Z"));
  auto r = LoadText(text, clock);
  CHECK_FALSE(r.ok);
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:8:22: groups.web.targets[0].reboot.at: reboot time 2026-06-01T00:00Z is in the past "
                         "(it is now 2026-06-01T00:01Z)");
}

TEST_CASE("maxUnavailable: a count of at least 1 or 1% to 100%") {
  for (const char* bad : {"0", "\"0%\"", "101%", "-3", "half", "2.5", "\"50\""}) {
    auto m = Messages(Spec(std::string("    maxUnavailable: ") + bad + "\n" + kTarget));
    REQUIRE(m.size() == 1);
    CHECK(m[0].rfind("f.yaml:5:21: groups.web.maxUnavailable: maxUnavailable must be a count of at least 1 or a "
                     "percentage from \"1%\" to \"100%\", got ", 0) == 0);
  }
  CHECK(Messages(Spec("    maxUnavailable: 101%\n" + kTarget))[0].find("got \"101%\"") != std::string::npos);
  for (const char* good : {"1", "7", "1%", "25%", "100%", "\"100%\""}) {
    auto r = LoadText(Spec(std::string("    maxUnavailable: ") + good + "\n" + kTarget));
    CHECK(r.ok);
  }
}

TEST_CASE("an instance claimed by two targets") {
  std::string text = Spec(kTarget + "  db:\n    targets:\n      - instanceIds: [i-bp1demo000000000001]\n"
                                    "        instanceType: ecs.r7.xlarge\n");
  auto m = Messages(text);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:10:23: groups.db.targets[0].instanceIds[0]: instance i-bp1demo000000000001 is claimed by two "
                "targets with different types: ecs.r7.xlarge here, ecs.g6.xlarge at "
                "groups.web.targets[0].instanceIds[0] (line 6)");
  // With the same type it is only a warning.
  auto r = LoadText(Spec(kTarget + "      - instanceIds: [i-bp1demo000000000001]\n        instanceType: ecs.g6.xlarge\n"));
  CHECK(r.ok);
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0] == "f.yaml:8:23: warning: groups.web.targets[1].instanceIds[0]: instance i-bp1demo000000000001 is "
                         "also listed at groups.web.targets[0].instanceIds[0] (line 6); the first listing decides its group");
}

TEST_CASE("targets pick by instanceIds or selector, exactly one") {
  auto m = Messages(Spec("    targets:\n      - instanceType: ecs.g6.xlarge\n"
                         "      - instanceIds: [i-bp1demo000000000001]\n        selector: {role: web}\n"
                         "        instanceType: ecs.g6.xlarge\n"));
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "f.yaml:6:9: groups.web.targets[0]: a target needs instanceIds or selector to pick its instances");
  CHECK(m[1] == "f.yaml:8:9: groups.web.targets[1].selector: a target picks instances by instanceIds or by selector, "
                "not both");
  m = Messages(Spec("    targets:\n      - selector: {}\n        instanceType: ecs.g6.xlarge\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:6:19: groups.web.targets[0].selector: selector is empty: it would pick every instance");
}

TEST_CASE("dependsOn: unknown groups and cycles, named") {
  auto m = Messages(Spec("    dependsOn: [canry]\n" + kTarget + "  canary:\n    targets:\n"
                         "      - selector: {canary: \"true\"}\n        instanceType: ecs.g6.xlarge\n"));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:5:17: groups.web.dependsOn[0]: dependsOn names unknown group \"canry\"; did you mean \"canary\"?");

  std::string cycle = "version: 1\ngroups:\n"
                      "  canary:\n    dependsOn: [web]\n" + kTarget.substr(0, 0) +
                      "    targets:\n      - selector: {canary: \"true\"}\n        instanceType: ecs.g6.xlarge\n"
                      "  web:\n    dependsOn: [canary]\n"
                      "    targets:\n      - selector: {role: web}\n        instanceType: ecs.g6.xlarge\n";
  m = Messages(cycle);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:4:17: groups.canary.dependsOn[0]: dependsOn cycle: canary -> web -> canary");

  m = Messages(Spec("    dependsOn: [web]\n" + kTarget));
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:5:17: groups.web.dependsOn[0]: dependsOn cycle: web -> web");

  std::string three = "version: 1\ngroups:\n"
                      "  a: {dependsOn: [b], targets: [{selector: {x: a}, instanceType: ecs.g6.large}]}\n"
                      "  b: {dependsOn: [c], targets: [{selector: {x: b}, instanceType: ecs.g6.large}]}\n"
                      "  c: {dependsOn: [a], targets: [{selector: {x: c}, instanceType: ecs.g6.large}]}\n";
  m = Messages(three);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:3:19: groups.a.dependsOn[0]: dependsOn cycle: a -> c -> b -> a");
}

TEST_CASE("group names and regions") {
  auto m = Messages("version: 1\ngroups:\n  web tier:\n" + kTarget);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "f.yaml:3:3: groups.web tier: group name \"web tier\" must be 1 to 63 letters, digits, '-' or '_', "
                "starting with a letter or digit");
  m = Messages(Spec("    region: cn-shanghai\n    regions: [cn-beijing]\n" + kTarget, "").replace(11, 22, "regions: [Hangzhou]"));
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "f.yaml:2:11: regions[0]: malformed region ID \"Hangzhou\": expected something like cn-hangzhou");
  CHECK(m[1] == "f.yaml:6:5: groups.web.regions: use region or regions in a group, not both");
}

TEST_CASE("every problem is reported in one run, in file order") {
  std::string text = "version: 1\nregions: [cn-hangzhou]\nmaxParalel: 3\ngroups:\n  web:\n"
                     "    maxUnavailable: 0\n    dependsOn: [db]\n"
                     "    targets:\n      - instanceIds: [i-XX]\n        instanceType: c7.large\n"
                     "        reboot: {at: \"2020-01-01T00:00Z\"}\n";
  auto m = Messages(text);
  REQUIRE(m.size() == 6);
  CHECK(m[0].rfind("f.yaml:3:1: maxParalel: unknown key", 0) == 0);
  CHECK(m[1].rfind("f.yaml:6:21: groups.web.maxUnavailable:", 0) == 0);
  CHECK(m[2].rfind("f.yaml:7:17: groups.web.dependsOn[0]: dependsOn names unknown group \"db\"", 0) == 0);
  CHECK(m[3].rfind("f.yaml:9:23: groups.web.targets[0].instanceIds[0]: malformed instance ID", 0) == 0);
  CHECK(m[4].rfind("f.yaml:10:23: groups.web.targets[0].instanceType: malformed instance type", 0) == 0);
  CHECK(m[5].rfind("f.yaml:11:22: groups.web.targets[0].reboot.at: reboot time 2020-01-01T00:00Z is in the past", 0) == 0);
}

}  // namespace
}  // namespace respec
