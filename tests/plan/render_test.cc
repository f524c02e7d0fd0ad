// Renderers: structure (PlanView) and the exact lines a reviewer reads.
#include "plan_fixture.h"
#include "plan/render.h"
#include "core/version.h"
#include "plan/plan_file.h"

using namespace respec;
using namespace respec::testing;

namespace {

Plan FleetPlan(int web) {
  auto w = emulator::DefaultWorld();
  for (int i = 0; i < web; ++i) {
    auto wi = Inst(fmt::format("i-web{:05d}", i), "ecs.g6.large");
    wi.instance.name = fmt::format("web-{}", i);
    w.instances.push_back(wi);
  }
  w.instances.push_back(Inst("i-down00001", "ecs.g6.2xlarge"));
  w.instances.push_back(Inst("i-same00001", "ecs.g6.xlarge"));
  auto ex = Inst("i-expired01", "ecs.g6.large");
  ex.instance.expired_time = "2025-01-01T00:00Z";
  w.instances.push_back(ex);
  std::string ids;
  for (int i = 0; i < web; ++i) ids += fmt::format("{}i-web{:05d}", i ? ", " : "", i);
  Env env(std::move(w));
  return env.MakeOk(Spec("version: 1\nregions: [cn-hangzhou]\ngroups:\n  web:\n    targets:\n      - instanceIds: [" +
                             ids + "]\n        instanceType: ecs.g6.xlarge\n  other:\n    dependsOn: [web]\n"
                             "    targets:\n      - instanceIds: [i-down00001, i-same00001, i-expired01]\n"
                             "        instanceType: ecs.g6.xlarge\n",
                         env.clock));
}

}  // namespace

TEST_CASE("view counts and the summary line") {
  Plan p = FleetPlan(3);
  PlanView v = BuildView(p);
  CHECK(v.counts.upgrades == 3);
  CHECK(v.counts.downgrades == 1);
  CHECK(v.counts.blocked == 1);
  CHECK(v.counts.unchanged == 1);
  CHECK(v.summary == "Plan: 4 to resize (3 upgrades, 1 downgrade), 1 blocked, 1 unchanged");
  REQUIRE(v.changes.size() == 4);
  CHECK(v.changes[0].actions == "modify, restart when finished");
  CHECK(v.changes[3].actions == "stop, modify (downgrade), start");
  REQUIRE(v.blocked.size() == 1);
  CHECK(v.blocked[0].details[0].find("renew first") != std::string::npos);
  CHECK(v.groups[0].priced);
  CHECK(v.price_total > 0);
}

TEST_CASE("text output in Terraform's spirit, colour only when asked") {
  Plan p = FleetPlan(2);
  std::string t = RenderText(p, {});
  CHECK(t.find("three downgrade refunds (1 instance)") != std::string::npos);
  CHECK(t.find("  ~ i-web00000 (web-0) ecs.g6.large -> ecs.g6.xlarge  upgrade  Running: modify, restart when finished\n") !=
        std::string::npos);
  CHECK(t.find("  ! i-expired01 (n-expired01) instance expired at 2025-01-01T00:00Z") != std::string::npos);
  CHECK(t.find(" \u2014 renew first") != std::string::npos);
  CHECK(t.find("Plan: 3 to resize (2 upgrades, 1 downgrade), 1 blocked, 1 unchanged\n") != std::string::npos);
  CHECK(t.find("uses one of the instance's three downgrade refunds") != std::string::npos);
  CHECK(t.find("Schedule") != std::string::npos);
  CHECK(t.find("Price estimate") != std::string::npos);
  CHECK(t.find("\x1b[") == std::string::npos);
  CHECK(t.find("No changes") == std::string::npos);
  RenderOptions c;
  c.color = true;
  CHECK(RenderText(p, c).find("\x1b[33m") != std::string::npos);
}

TEST_CASE("markdown folds large change lists into details") {
  std::string small = RenderMarkdown(FleetPlan(2), {});
  CHECK(small.find("<details>") == std::string::npos);
  CHECK(small.find("| Group | Upgrades |") != std::string::npos);
  CHECK(small.find("#### Blocked") != std::string::npos);
  std::string large = RenderMarkdown(FleetPlan(30), {});
  CHECK(large.find("<details><summary>31 change(s)</summary>") != std::string::npos);
}

TEST_CASE("DOT shows steps, chains and the group join") {
  Plan p = FleetPlan(1);
  std::string d = RenderDot(p);
  CHECK(d.rfind("digraph respec_plan {", 0) == 0);
  CHECK(d.find("s0 -> s1;") != std::string::npos);
  CHECK(d.find("\"join_0\" -> \"join_1\"") != std::string::npos);
  CHECK(d.find("cluster_1") != std::string::npos);
  CHECK(MakeRenderer(PlanFormat::kDot)->Render(p) == d);
}

TEST_CASE("markdown names the plan id, the plan's content digest, the spec and the respec version") {
  Plan p = FleetPlan(2);
  std::string md = RenderMarkdown(p, {});
  CHECK(md.find("Plan `" + p.plan_id + "`") != std::string::npos);
  REQUIRE_FALSE(PlanDigest(p).empty());
  CHECK(md.find("digest `" + PlanDigest(p) + "`") != std::string::npos);
  CHECK(md.find("spec sha256 `" + p.spec_sha256 + "`") != std::string::npos);
  CHECK(md.find(std::string("respec ") + kVersion) != std::string::npos);
  p.digest = "sha256:carried";
  CHECK(RenderMarkdown(p, {}).find("digest `sha256:carried`") != std::string::npos);
  CHECK(md.find("Folded") == std::string::npos);
}

TEST_CASE("markdown of a 10,000-instance plan stays under the limit by folding rows into group summaries") {
  Plan p = FleetPlan(10000);
  RenderOptions unlimited;
  unlimited.markdown_max_chars = 0;
  const std::string full = RenderMarkdown(p, unlimited);
  REQUIRE(full.size() > 500000);  // a row per instance: far over any comment limit
  const std::string md = RenderMarkdown(p, {});
  WARN("10k plan Markdown: " << full.size() << " bytes unfolded, " << md.size() << " bytes folded");
  CHECK(md.size() <= 60000);
  CHECK(md.find("**Folded to fit a comment** (at most 60000 characters): the 10002 per-instance row(s) are "
                "summarised per group, type change and actions") != std::string::npos);
  // The group summary keeps the counts a reviewer needs.
  CHECK(md.find("| web | 10000 | ecs.g6.large | ecs.g6.xlarge | upgrade | Running: modify, restart when finished |") !=
        std::string::npos);
  CHECK(md.find("i-web09999") == std::string::npos);
  CHECK(md.find("Plan `" + p.plan_id + "`") != std::string::npos);
  // A smaller cap folds further, down to the group table; every cap holds.
  for (size_t cap : {20000u, 3000u, 1200u, 300u}) {
    RenderOptions o;
    o.markdown_max_chars = cap;
    std::string small = RenderMarkdown(p, o);
    INFO(cap);
    CHECK(small.size() <= cap);
    CHECK((small.find("Folded to fit") != std::string::npos || small.find("Cut to fit") != std::string::npos));
  }
}
