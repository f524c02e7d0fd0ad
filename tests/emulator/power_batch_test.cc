// Model::PowerBatch / PowerBatchWith: StopInstances, StartInstances and
// RebootInstances in the emulator's state machine, in virtual time.
// SuccessFirst acts on each eligible instance and answers one entry per
// requested instance; AllTogether refuses the whole request (and changes
// nothing) when one instance is ineligible.
#include <catch2/catch.hpp>

#include "test_world.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

namespace {

World BatchWorld() {
  World w = DefaultWorld();
  w.instances.push_back(MakeInstance("i-bp1run", "cn-hangzhou-h", "ecs.g7.large", kRunning));
  w.instances.push_back(MakeInstance("i-bp1run2", "cn-hangzhou-h", "ecs.g7.large", kRunning));
  w.instances.push_back(MakeInstance("i-bp1stop", "cn-hangzhou-i", "ecs.g7.large", kStopped));
  return w;
}

PowerBatchRequest Batch(PowerAction a, std::vector<std::string> ids, bool force = false) {
  return PowerBatchRequest{a, "cn-hangzhou", std::move(ids), force};
}

}  // namespace

TEST_CASE("PowerBatch SuccessFirst: one entry per instance, only eligible ones acted on") {
  VirtualClock clock;
  Model m(BatchWorld(), &clock);
  auto r = m.PowerBatch(Batch(PowerAction::kStop, {"i-bp1run", "i-bp1stop", "i-nope", "i-bp1run2"}));
  REQUIRE(r.ok());
  CHECK_FALSE(r->request_id.empty());
  REQUIRE(r->instances.size() == 4);
  const auto& run = r->instances[0];
  CHECK(run.instance_id == "i-bp1run");
  CHECK_FALSE(run.error);
  CHECK(run.previous_status == kRunning);
  CHECK(run.current_status == kStopping);

  const auto& stopped = r->instances[1];
  CHECK(stopped.instance_id == "i-bp1stop");
  REQUIRE(stopped.error);
  CHECK(stopped.error->code == "IncorrectInstanceStatus");
  CHECK(stopped.error->action == "StopInstances");
  CHECK(stopped.previous_status == kStopped);
  CHECK(stopped.current_status == kStopped);

  const auto& unknown = r->instances[2];
  CHECK(unknown.instance_id == "i-nope");
  REQUIRE(unknown.error);
  CHECK(unknown.error->code == "InvalidInstanceId.NotFound");
  CHECK(unknown.previous_status.empty());
  CHECK(unknown.current_status.empty());

  CHECK(r->instances[3].instance_id == "i-bp1run2");
  CHECK_FALSE(r->instances[3].error);

  CHECK(Describe(m, "i-bp1run").status == kStopping);
  CHECK(Describe(m, "i-bp1run2").status == kStopping);
  CHECK(Describe(m, "i-bp1stop").status == kStopped);
  CHECK(m.Stops().size() == 2);
  clock.Advance(Millis(3000));
  CHECK(Describe(m, "i-bp1run").status == kStopped);

  // Start and Reboot the same way: Start acts on the Stopped ones only.
  auto s = m.PowerBatch(Batch(PowerAction::kStart, {"i-bp1stop", "i-bp1run"}));
  REQUIRE(s.ok());
  REQUIRE(s->instances.size() == 2);
  CHECK_FALSE(s->instances[0].error);
  CHECK(s->instances[0].current_status == kStarting);
  CHECK_FALSE(s->instances[1].error);  // i-bp1run is Stopped by now
  clock.Advance(Millis(4000));
  auto rb = m.PowerBatch(Batch(PowerAction::kReboot, {"i-bp1run", "i-bp1run2"}));
  REQUIRE(rb.ok());
  REQUIRE(rb->instances.size() == 2);
  CHECK_FALSE(rb->instances[0].error);
  CHECK(rb->instances[0].previous_status == kRunning);
  CHECK(rb->instances[0].current_status == kStopping);
  REQUIRE(rb->instances[1].error);  // Stopped, not Running
  CHECK(rb->instances[1].error->code == "IncorrectInstanceStatus");
  CHECK(rb->instances[1].error->action == "RebootInstances");
}

TEST_CASE("PowerBatch AllTogether: one ineligible instance refuses the whole request, nothing changes") {
  VirtualClock clock;
  Model m(BatchWorld(), &clock);
  auto r = m.PowerBatchWith(Batch(PowerAction::kStop, {"i-bp1run", "i-bp1stop", "i-bp1run2"}), true, "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "IncorrectInstanceStatus");
  CHECK(r.error().instance_id == "i-bp1stop");
  CHECK(Describe(m, "i-bp1run").status == kRunning);
  CHECK(Describe(m, "i-bp1run2").status == kRunning);
  CHECK(m.Stops().empty());

  auto unknown = m.PowerBatchWith(Batch(PowerAction::kReboot, {"i-bp1run", "i-nope"}), true, "");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == "InvalidInstanceId.NotFound");
  CHECK(Describe(m, "i-bp1run").status == kRunning);

  // All eligible: all acted on, one entry each.
  auto ok = m.PowerBatchWith(Batch(PowerAction::kStop, {"i-bp1run", "i-bp1run2"}), true, "");
  REQUIRE(ok.ok());
  REQUIRE(ok->instances.size() == 2);
  CHECK_FALSE(ok->instances[0].error);
  CHECK_FALSE(ok->instances[1].error);
  CHECK(Describe(m, "i-bp1run").status == kStopping);
  CHECK(Describe(m, "i-bp1run2").status == kStopping);
}

TEST_CASE("PowerBatch refuses an empty list, more than 100 IDs, and a missing or unknown region") {
  VirtualClock clock;
  Model m(BatchWorld(), &clock);
  auto empty = m.PowerBatch(Batch(PowerAction::kStop, {}));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == "InvalidParameter");

  std::vector<std::string> many = {"i-bp1run"};
  for (int n = 2; n <= 100; ++n) many.push_back("i-nope" + std::to_string(n));
  auto hundred = m.PowerBatch(Batch(PowerAction::kStop, many));
  REQUIRE(hundred.ok());  // 100 is the limit, not over it
  CHECK(hundred->instances.size() == 100);
  clock.Advance(Millis(3000));
  REQUIRE(m.PowerBatch(Batch(PowerAction::kStart, {"i-bp1run"})).ok());
  clock.Advance(Millis(4000));

  many.push_back("i-bp1run2");
  auto over = m.PowerBatch(Batch(PowerAction::kStop, many));
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == "InvalidParameter");
  CHECK(over.error().message.find("101") != std::string::npos);
  CHECK(Describe(m, "i-bp1run").status == kRunning);  // nothing done
  CHECK(Describe(m, "i-bp1run2").status == kRunning);

  auto no_region = Batch(PowerAction::kStop, {"i-bp1run"});
  no_region.region = "";
  auto nr = m.PowerBatch(no_region);
  REQUIRE_FALSE(nr.ok());
  CHECK(nr.error().code == "MissingParameter");
  CHECK(nr.error().message.find("RegionId") != std::string::npos);

  auto wrong = Batch(PowerAction::kStop, {"i-bp1run"});
  wrong.region = "cn-nowhere";
  auto wr = m.PowerBatch(wrong);
  REQUIRE_FALSE(wr.ok());
  CHECK(wr.error().code == "InvalidRegionId.NotFound");

  // A real region the instance is not in: that entry is NotFound.
  auto other = Batch(PowerAction::kStop, {"i-bp1run"});
  other.region = "cn-shanghai";
  auto ot = m.PowerBatch(other);
  REQUIRE(ot.ok());
  REQUIRE(ot->instances.size() == 1);
  REQUIRE(ot->instances[0].error);
  CHECK(ot->instances[0].error->code == "InvalidInstanceId.NotFound");
  CHECK(ot->instances[0].previous_status.empty());  // not shown from another region
  CHECK(Describe(m, "i-bp1run").status == kRunning);
  CHECK(m.Stops().size() == 1);  // only the one stop of the 100-ID request
}

TEST_CASE("PowerBatch Start applies a hidden type as StartInstance does") {
  VirtualClock clock;
  World w = BatchWorld();
  w.type_visible_after_restart = true;
  Model m(std::move(w), &clock);
  REQUIRE(m.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.2xlarge")).ok());
  clock.Advance(Millis(3600000));  // the order completed while Running: the type is hidden
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.large");
  REQUIRE(m.PowerBatch(Batch(PowerAction::kStop, {"i-bp1run"})).ok());
  clock.Advance(Millis(3000));
  CHECK(Describe(m, "i-bp1run").status == kStopped);
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.large");
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.large");
  auto s = m.PowerBatch(Batch(PowerAction::kStart, {"i-bp1run"}));
  REQUIRE(s.ok());
  REQUIRE(s->instances.size() == 1);
  CHECK_FALSE(s->instances[0].error);
  CHECK(Describe(m, "i-bp1run").type == "ecs.g7.2xlarge");
  CHECK(m.EffectiveType("i-bp1run") == "ecs.g7.2xlarge");
}

TEST_CASE("PowerBatch stops are recorded with force and the stopped mode") {
  VirtualClock clock;
  Model m(BatchWorld(), &clock);
  REQUIRE(m.PowerBatch(Batch(PowerAction::kStop, {"i-bp1run"}, /*force=*/true)).ok());
  REQUIRE(m.PowerBatchWith(Batch(PowerAction::kStop, {"i-bp1run2"}), false, "KeepCharging").ok());
  auto stops = m.Stops();
  REQUIRE(stops.size() == 2);
  CHECK(stops[0].instance_id == "i-bp1run");
  CHECK(stops[0].force_stop);
  CHECK(stops[0].stopped_mode.empty());
  CHECK(stops[1].instance_id == "i-bp1run2");
  CHECK_FALSE(stops[1].force_stop);
  CHECK(stops[1].stopped_mode == "KeepCharging");
  // Starts and reboots are not stops.
  clock.Advance(Millis(3000));
  REQUIRE(m.PowerBatch(Batch(PowerAction::kStart, {"i-bp1run", "i-bp1stop"})).ok());
  CHECK(m.Stops().size() == 2);
}
