// Observed truth and never leaving an instance stopped (issue 10): every
// statement of the summary comes from a live read after respec's last
// action; an instance respec stopped (or may have) is started again from a
// fresh read, within its own budget, and the summary says what is true.
#include <catch2/catch.hpp>

#include "apply_fixture.h"

using namespace respec;
using namespace respec::testing;

namespace {

Inst Down(const std::string& id) { return Inst{id, "main", "ecs.g7.2xlarge", "ecs.g7.xlarge", kRunning, 0}; }
Inst Up(const std::string& id) { return Inst{id, "main", "ecs.g7.xlarge", "ecs.g7.2xlarge", kRunning, 0}; }

const InstanceOutcome& Outcome(const Summary& s, const std::string& id) {
  for (const auto& o : s.instances)
    if (o.instance_id == id) return o;
  FAIL("no outcome for " << id);
  return s.instances.front();
}

bool AnyDone(const Harness& h) {
  for (const auto& e : h.reporter.events)
    if (e.kind == EventKind::kInstanceDone) return true;
  return false;
}

}  // namespace

TEST_CASE("the summary reports the live state read after respec's last action") {
  std::vector<Inst> insts = {Up("i-late")};
  Harness h(insts);
  bool stopped_behind = false;
  // Once respec is done with it, someone stops the instance: the summary must say so.
  h.cloud.before = [&](const std::string& action, const std::string& id) {
    if (action == "DescribeInstances" && AnyDone(h) && !stopped_behind) {
      stopped_behind = true;
      REQUIRE(h.model.StopInstance("cn-hangzhou", "i-late").ok());
      h.clock.Advance(Millis(10000));
    }
    (void)id;
  };
  Summary s = h.Run(MakeTestPlan(insts));
  REQUIRE(stopped_behind);
  const auto& o = Outcome(s, "i-late");
  CHECK(o.final_status == kStopped);
  CHECK(o.kind == InstanceOutcomeKind::kFailed);
  CHECK(o.action.find("start it by hand") != std::string::npos);
  REQUIRE(o.error);  // a failed outcome always carries an error (schemas/events.schema.json)
  CHECK(o.error->code == "Respec.LiveMismatch");
  CHECK(s.exit_code == 1);
}

TEST_CASE("an instance the final read misses is reported unknown, with why, and the exit code is non-zero") {
  std::vector<Inst> insts = {Up("i-blind")};
  Harness h(insts);
  h.cloud.fail = [&](const std::string& action, const std::string&) -> std::optional<CloudError> {
    if (action == "DescribeInstances" && AnyDone(h)) return MakeCloudError("InternalError", "read failed");
    return std::nullopt;
  };
  Summary s = h.Run(MakeTestPlan(insts));
  const auto& o = Outcome(s, "i-blind");
  CHECK(o.final_status == "unknown");
  CHECK(o.action.find("unknown") != std::string::npos);
  CHECK(o.action.find("InternalError") != std::string::npos);
  REQUIRE(o.error);
  CHECK(o.error->code == "Respec.NotObserved");
  CHECK(s.changed == 0);
  CHECK(s.exit_code == 1);
}

TEST_CASE("already applied needs the journal AND the live type: a cloud that lost the change is not") {
  std::vector<Inst> insts = {Up("i-lost1"), Down("i-lost2")};
  Plan plan = MakeTestPlan(insts, {{"main", 2, {}, 0}});
  MemoryStateStore store;
  {
    Harness first(insts);
    REQUIRE(first.Run(plan, {}, &store).exit_code == 0);
  }
  // A second cloud at the state before apply (the emulator restarted from an older state file).
  Harness h(insts);
  JournalState st = h.JournalOf(plan, &store);
  REQUIRE(st.finished.size() == 2);
  SECTION("with preflight's live view: the chains run again") {
    ExecutorOptions opt;
    opt.resume = st;
    opt.live = h.Truth();
    Summary s = h.Run(plan, opt, &store);
    CHECK(s.already == 0);
    CHECK(s.changed == 2);
    CHECK(s.exit_code == 0);
    for (const auto& i : insts) CHECK(h.Truth()[i.id].type == i.to);
  }
  SECTION("without it: the final read refuses the journal's claim") {
    ExecutorOptions opt;
    opt.resume = st;
    Summary s = h.Run(plan, opt, &store);
    CHECK(s.already == 0);
    CHECK(s.exit_code == 1);
    CHECK(Outcome(s, "i-lost1").action.find("ecs.g7.xlarge") != std::string::npos);
  }
}

TEST_CASE("a stop whose effect shows after the step timeout: re-read, then restored from a fresh read") {
  std::vector<Inst> insts = {Down("i-slow")};
  emulator::Timing slow;
  slow.stop = Millis(20000);
  Harness h(insts, 7, slow);
  ExecutorOptions opt;
  opt.step_timeout = Millis(8000);
  Summary s = h.Run(MakeTestPlan(insts), opt);
  const auto& o = Outcome(s, "i-slow");
  REQUIRE(o.kind == InstanceOutcomeKind::kFailed);
  REQUIRE(o.error);
  CHECK(o.error->code == "Respec.StepTimeout");
  CHECK(h.Truth()["i-slow"].status == kRunning);
  CHECK(o.final_status == kRunning);
  CHECK(o.action == "started again");
  CHECK(s.exit_code == 1);
}

TEST_CASE("an ambiguous stop (no answer, but it happened) is compensated from a fresh read") {
  std::vector<Inst> insts = {Down("i-amb")};
  Harness h(insts);
  h.cloud.fail = [&](const std::string& action, const std::string& id) -> std::optional<CloudError> {
    if (action != "StopInstance" || h.cloud.Count("StopInstance") > 1) return std::nullopt;
    REQUIRE(h.model.StopInstance("cn-hangzhou", id).ok());  // the server got it ...
    CloudError e = MakeCloudError("Transport.ConnectionFailed", "connection reset");  // ... the answer was lost
    e.ambiguous = true;
    return e;
  };
  Summary s = h.Run(MakeTestPlan(insts));
  const auto& o = Outcome(s, "i-amb");
  CHECK(o.kind == InstanceOutcomeKind::kFailed);
  CHECK(h.Truth()["i-amb"].status == kRunning);
  CHECK(o.final_status == kRunning);
  CHECK(o.action == "started again");
  CHECK(s.exit_code == 1);
}

TEST_CASE("restoring the power state retries the start within its own budget") {
  std::vector<Inst> insts = {Down("i-stubborn")};
  Harness h(insts);
  int start_failures = 0;
  int allowed = 0;
  h.cloud.fail = [&](const std::string& action, const std::string&) -> std::optional<CloudError> {
    if (action == "ModifyPrepayInstanceSpec") return MakeCloudError("InstanceDowngrade.QuotaExceed", "");
    if (action == "StartInstance" && start_failures < allowed) {
      ++start_failures;
      return MakeCloudError("InternalError", "try later");
    }
    return std::nullopt;
  };
  ExecutorOptions opt;
  opt.restore_attempts = 4;
  SECTION("three failed starts, then it comes back") {
    allowed = 3;
    Summary s = h.Run(MakeTestPlan(insts), opt);
    const auto& o = Outcome(s, "i-stubborn");
    CHECK(o.error->code == "InstanceDowngrade.QuotaExceed");
    CHECK(h.Truth()["i-stubborn"].status == kRunning);
    CHECK(o.action == "started again");
    CHECK(h.cloud.Count("StartInstance") == 4);
  }
  SECTION("the budget runs out: the summary says it is Stopped, with the live status") {
    allowed = 100;
    Summary s = h.Run(MakeTestPlan(insts), opt);
    const auto& o = Outcome(s, "i-stubborn");
    CHECK(h.cloud.Count("StartInstance") == 4);
    CHECK(h.Truth()["i-stubborn"].status == kStopped);
    CHECK(o.final_status == kStopped);
    CHECK(o.action.find("left Stopped") != std::string::npos);
    CHECK(o.action.find("start it by hand") != std::string::npos);
    CHECK(s.exit_code == 1);
  }
}

TEST_CASE("the restoring read outlasts a step timeout: respec keeps looking within its restore budget") {
  // The modify fails for good after the stop; then DescribeInstances is down
  // for longer than a step timeout (but well within the restore budget).
  // Compensation must keep reading and start the instance, not give up with
  // "could not confirm its power state" and leave it Stopped.
  std::vector<Inst> insts = {Down("i-dark")};
  Harness h(insts);
  std::optional<TimePoint> outage_until;
  h.cloud.fail = [&](const std::string& action, const std::string&) -> std::optional<CloudError> {
    if (action == "ModifyPrepayInstanceSpec") {
      if (!outage_until) outage_until = h.clock.Now() + Millis(180000);
      return MakeCloudError("InstanceDowngrade.QuotaExceed", "");
    }
    if (action == "DescribeInstances" && outage_until && h.clock.Now() < *outage_until)
      return MakeCloudError("InternalError", "the API is having a bad day");
    return std::nullopt;
  };
  ExecutorOptions opt;
  opt.step_timeout = Millis(20000);
  Summary s = h.Run(MakeTestPlan(insts), opt);
  REQUIRE(outage_until);
  const auto& o = Outcome(s, "i-dark");
  CHECK(o.kind == InstanceOutcomeKind::kFailed);
  CHECK(h.Truth()["i-dark"].status == kRunning);
  CHECK(o.final_status == kRunning);
  CHECK(o.action == "started again");
  CHECK(s.exit_code == 1);
}

TEST_CASE("a stop whose effect shows just after the step timeout completes the step") {
  // The last regular poll sees Stopping; the effect lands before the timeout's re-read.
  std::vector<Inst> insts = {Down("i-edge")};
  emulator::Timing t;
  t.stop = Millis(7500);
  Harness h(insts, 7, t);
  ExecutorOptions opt;
  opt.step_timeout = Millis(8000);
  Summary s = h.Run(MakeTestPlan(insts), opt);
  bool late = false;
  for (const auto& e : h.reporter.events)
    late |= e.kind == EventKind::kStepSucceeded && e.message == "observed after the step timeout";
  CHECK(late);
  CHECK(s.exit_code == 0);
  CHECK(Outcome(s, "i-edge").kind == InstanceOutcomeKind::kChanged);
  CHECK(h.Truth()["i-edge"].type == "ecs.g7.xlarge");
  CHECK(h.Truth()["i-edge"].status == kRunning);
}

TEST_CASE("an unpaid order (autoPay: false) is reported as its own outcome within the order deadline") {
  std::vector<Inst> insts = {Up("i-unpaid")};
  Harness h(insts);
  Plan plan = MakeTestPlan(insts);
  plan.instances[0].options.auto_pay = false;
  Summary s = h.Run(plan);
  const auto& o = Outcome(s, "i-unpaid");
  REQUIRE(o.kind == InstanceOutcomeKind::kOrderPending);  // its own outcome, not "failed"
  CHECK(s.order_pending == 1);
  CHECK(s.failed == 0);
  CHECK(s.changed == 0);
  REQUIRE(o.error);
  CHECK(o.error->code == "Respec.OrderPending");
  CHECK(o.error->message.find("order " + o.order_id + " placed; it waits for payment in the console") !=
        std::string::npos);
  CHECK_FALSE(o.order_id.empty());
  CHECK(s.elapsed_s < 120);  // virtual time: bounded by the order deadline, not the 30-minute step timeout
  CHECK(h.cloud.Count("RebootInstance") == 0);
  CHECK(h.Truth()["i-unpaid"].status == kRunning);
  CHECK(o.final_status == kRunning);
  CHECK(s.exit_code == 1);
}

// Issue 12 item 3: whether DescribeInstances shows the new type of a Running
// upgrade before its restart is undocumented. Both readings converge; a
// type still old after the restart is reported as what was observed.
namespace {

// When the order went out, when RebootInstance came, and the model's type then.
struct RestartSeen {
  std::optional<std::string> type_at_reboot;
  TimePoint modify_at{}, reboot_at{};
  RestartSeen(Harness& h, const std::string& who) {
    h.cloud.before = [this, &h, who](const std::string& action, const std::string& id) {
      if (id != who) return;
      if (action == "ModifyPrepayInstanceSpec") modify_at = h.clock.Now();
      if (action == "RebootInstance" && !type_at_reboot) reboot_at = h.clock.Now(), type_at_reboot = h.Truth()[id].type;
    };
  }
};

}  // namespace

TEST_CASE("a Running whenFinished upgrade restarts once the new type shows (type visible before the restart)") {
  std::vector<Inst> insts = {Up("i-vis")};
  Harness h(insts);
  RestartSeen seen(h, "i-vis");
  Summary s = h.Run(MakeTestPlan(insts));
  REQUIRE(seen.type_at_reboot);
  CHECK(*seen.type_at_reboot == "ecs.g7.2xlarge");  // waited for the type, as the seeds' order says
  CHECK(seen.reboot_at - seen.modify_at < TypeVisibleBound(WaiterOptions{}));
  CHECK(h.cloud.Count("RebootInstance") == 1);
  const auto& o = Outcome(s, "i-vis");
  CHECK(o.kind == InstanceOutcomeKind::kChanged);
  CHECK(s.exit_code == 0);
}

TEST_CASE("a Running whenFinished upgrade whose type shows only after the restart: restart at the bound, then confirm") {
  std::vector<Inst> insts = {Up("i-hid")};
  Harness h(insts, 7, {}, [](emulator::World* w) { w->type_visible_after_restart = true; });
  RestartSeen seen(h, "i-hid");
  Summary s = h.Run(MakeTestPlan(insts));
  REQUIRE(seen.type_at_reboot);
  CHECK(*seen.type_at_reboot == "ecs.g7.xlarge");  // restarted before the type showed
  // Restarted at the bound (virtual time), not after the 60 s order deadline or the step timeout.
  CHECK(seen.reboot_at - seen.modify_at >= TypeVisibleBound(WaiterOptions{}));
  CHECK(seen.reboot_at - seen.modify_at < TypeVisibleBound(WaiterOptions{}) + Millis(5000));
  CHECK(h.cloud.Count("RebootInstance") == 1);
  const auto& o = Outcome(s, "i-hid");
  CHECK(o.kind == InstanceOutcomeKind::kChanged);
  CHECK(o.final_status == kRunning);
  CHECK(h.Truth()["i-hid"].type == "ecs.g7.2xlarge");
  CHECK(s.exit_code == 0);
}

TEST_CASE("the type still old after the restart: not changed, the observation said, exit non-zero") {
  std::vector<Inst> insts = {Up("i-old")};
  emulator::Timing slow;  // the order completes long after respec's restart
  slow.order_min = slow.order_max = Millis(120000);
  Harness h(insts, 7, slow, [](emulator::World* w) { w->type_visible_after_restart = true; });
  Summary s = h.Run(MakeTestPlan(insts));
  CHECK(h.cloud.Count("RebootInstance") == 1);
  const auto& o = Outcome(s, "i-old");
  CHECK(o.kind == InstanceOutcomeKind::kFailed);
  REQUIRE(o.error);
  CHECK(o.error->code == "Respec.TypeNotConfirmed");
  CHECK(o.error->message.find("after the restart it is still ecs.g7.xlarge (Running), not ecs.g7.2xlarge") !=
        std::string::npos);
  CHECK(o.error->message.find("order " + o.order_id) != std::string::npos);
  CHECK(o.final_status == kRunning);
  CHECK(h.Truth()["i-old"].status == kRunning);
  CHECK(s.changed == 0);
  CHECK(s.exit_code == 1);
}

TEST_CASE("resumed after the order, before the restart: the restart still confirms the type") {
  std::vector<Inst> insts = {Up("i-res")};
  Harness h(insts);
  Plan plan = MakeTestPlan(insts);
  // An earlier run's journal: the modify step done (the order accepted), no
  // restart yet; here the cloud never shows the new type (no order exists).
  ExecutorOptions opt;
  opt.resume.steps_done.insert(plan.instances[0].steps[0]);
  opt.resume.order_ids["i-res"] = "123456";
  opt.live = h.Truth();
  Summary s = h.Run(plan, opt);
  CHECK(h.cloud.Count("ModifyPrepayInstanceSpec") == 0);
  CHECK(h.cloud.Count("RebootInstance") == 1);
  const auto& o = Outcome(s, "i-res");
  CHECK(o.kind == InstanceOutcomeKind::kFailed);
  REQUIRE(o.error);
  CHECK(o.error->code == "Respec.TypeNotConfirmed");
  CHECK(o.error->message.find("still ecs.g7.xlarge") != std::string::npos);
  CHECK(s.exit_code == 1);
}
