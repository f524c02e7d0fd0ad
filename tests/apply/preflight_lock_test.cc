// Stale plans are refused (except what respec itself touched); the lock
// stops a second apply and is taken over when its holder is gone.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "state/dir_lock.h"
#include "apply/preflight.h"
#include "apply_fixture.h"
#include "support/temp_dir.h"

using namespace respec;
using namespace respec::testing;

TEST_CASE("preflight: a plan whose instances changed is refused with the differences") {
  std::vector<Inst> insts = {{"i-a", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0},
                             {"i-b", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0},
                             {"i-c", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0},
                             {"i-d", "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0}};
  Plan plan = MakeTestPlan(insts);
  auto world_insts = insts;
  world_insts[0].from = "ecs.g7.large";  // resized by someone
  world_insts[1].status = kStopped;      // stopped by someone
  world_insts.pop_back();                // i-d released
  Harness h(world_insts);
  PreflightResult r = CheckPlanAgainstLive(plan, &h.cloud, {});
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.differences.size() == 3);
  std::set<std::string> text;
  for (const auto& d : r.differences) text.insert(d.Describe());
  REQUIRE(text.count("i-a: type was ecs.g7.xlarge when planned, now ecs.g7.large"));
  REQUIRE(text.count("i-b: status was Running when planned, now Stopped"));
  REQUIRE(text.count("i-d: no longer exists (or is not visible to this account)"));
  REQUIRE(h.cloud.Count("DescribeInstances") == 1);

  SECTION("instances respec touched (resume) are exempt") {
    PreflightResult again = CheckPlanAgainstLive(plan, &h.cloud, {"i-a", "i-b", "i-d"});
    REQUIRE(again.ok());
  }
}

TEST_CASE("preflight: batches of 100 IDs; a settled transitional status is not stale") {
  std::vector<Inst> insts;
  for (int i = 0; i < 230; ++i) insts.push_back({"i-" + std::to_string(1000 + i), "main", "ecs.g7.xlarge", "ecs.g7.xlarge", kRunning, 0});
  Plan plan = MakeTestPlan(insts);
  plan.instances[5].observed_status = kStarting;  // planned while it was starting
  Harness h(insts);
  PreflightResult r = CheckPlanAgainstLive(plan, &h.cloud, {});
  REQUIRE(r.ok());
  REQUIRE(r.calls == 3);
  for (const auto& c : h.cloud.calls) REQUIRE(c.ids <= 100);
  REQUIRE(r.live.size() == 230);
}

TEST_CASE("lock: a second apply is refused naming the holder; released and stale locks are taken") {
  respec::testing::TempDir scratch("respec-lock-test");
  const std::string dir = (scratch.path / "state").string();
  {
    ApplyLock first;
    std::string msg;
    REQUIRE(first.Acquire(dir, "2026-01-01T00:00:00Z", &msg));
    ApplyLock second;
    REQUIRE_FALSE(second.Acquire(dir, "2026-01-01T00:01:00Z", &msg));
    REQUIRE(msg.find("pid " + std::to_string(::getpid())) != std::string::npos);
    REQUIRE(msg.find("since 2026-01-01T00:00:00Z") != std::string::npos);
    REQUIRE(msg.find("host ") != std::string::npos);
    first.Release();
    REQUIRE(second.Acquire(dir, "2026-01-01T00:02:00Z", &msg));
  }
  // A holder that died (kill -9): its flock went with it, the body stays.
  pid_t child = fork();
  if (child == 0) {
    ApplyLock l;
    std::string m;
    _exit(l.Acquire(dir, "2026-01-01T00:03:00Z", &m) ? 0 : 1);  // exits without Release
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WEXITSTATUS(status) == 0);
  {
    std::ifstream in(ApplyLock::PathFor(dir));
    std::string body((std::istreambuf_iterator<char>(in)), {});
    REQUIRE(body.find(std::to_string(child)) != std::string::npos);  // stale body left behind
  }
  ApplyLock taker;
  std::string msg;
  REQUIRE(taker.Acquire(dir, "2026-01-01T00:04:00Z", &msg));
  std::ifstream in(ApplyLock::PathFor(dir));
  std::string body((std::istreambuf_iterator<char>(in)), {});
  REQUIRE(body.find(std::to_string(::getpid())) != std::string::npos);
  taker.Release();
}
