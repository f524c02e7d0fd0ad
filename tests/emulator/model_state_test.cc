#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "test_world.h"
#include "support/temp_dir.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

namespace {

// One scratch directory per test run (mkdtemp), removed at exit.
std::string TempPath(const std::string& name) {
  static respec::testing::TempDir dir("respec-state-test");
  return (dir.path / name).string();
}

World StateWorld() {
  World w = DefaultWorld();
  w.instances.push_back(MakeInstance("i-bp1run", "cn-hangzhou-h", "ecs.g7.large", kRunning, {{"role", "web"}}));
  w.instances.push_back(MakeInstance("i-bp1stop", "cn-hangzhou-i", "ecs.g7.xlarge", kStopped));
  return w;
}

}  // namespace

TEST_CASE("State: save and load round-trips instances, orders, tokens and transitions in flight") {
  VirtualClock clock;
  Model a(StateWorld(), &clock);
  auto up = Modify("i-bp1run", "ecs.g7.xlarge");
  up.client_token = "tok-up";
  up.reboot_when_finished = true;
  auto first = a.ModifyPrepayInstanceSpec(up);
  REQUIRE(first.ok());
  REQUIRE(a.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.g7.large", "downgrade")).ok());
  std::string path = TempPath("state.json");
  std::string err;
  REQUIRE(a.SaveState(path, &err));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp." + std::to_string(::getpid())));

  // A fresh model from the bare world, then the saved state.
  Model b(StateWorld(), &clock);
  REQUIRE(b.LoadState(path, &err));
  REQUIRE(b.Orders().size() == 2);
  CHECK(b.Orders()[0].order_id == first->order_id);
  CHECK(b.Orders()[0].client_token == "tok-up");
  auto inst = b.Instances();
  REQUIRE(inst.size() == 2);
  CHECK(inst[1].downgrades_used == 1);
  CHECK(inst[0].instance.tags == std::vector<Tag>{{"role", "web"}});
  // The order still in flight completes and RebootWhenFinished fires after the load.
  CHECK(b.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.2xlarge")).error().code == "LastOrderProcessing");
  clock.Advance(Millis(10000));
  CHECK(Describe(b, "i-bp1run").type == "ecs.g7.xlarge");
  clock.Advance(Millis(5000));
  CHECK(b.EffectiveType("i-bp1run") == "ecs.g7.xlarge");
  // The token is remembered: a retry gets the same OrderId, a changed one is refused.
  CHECK(b.ModifyPrepayInstanceSpec(up)->order_id == first->order_id);
  up.instance_type = "ecs.g7.4xlarge";
  CHECK(b.ModifyPrepayInstanceSpec(up).error().code == "IdempotenceParamNotMatch");
  // Both models continue identically (same random streams): the next order ids agree.
  clock.Advance(Millis(10000));
  auto na = a.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.c7.large", "downgrade"));
  Model c(StateWorld(), &clock);
  REQUIRE(c.LoadState(path, &err));
  auto nc = c.ModifyPrepayInstanceSpec(Modify("i-bp1stop", "ecs.c7.large", "downgrade"));
  REQUIRE(na.ok());
  REQUIRE(nc.ok());
  CHECK(na->order_id == nc->order_id);
}

TEST_CASE("State: bad files are reported, not thrown, and leave the model unchanged") {
  VirtualClock clock;
  Model m(StateWorld(), &clock);
  std::string err;
  CHECK_FALSE(m.LoadState(TempPath("does-not-exist.json"), &err));
  CHECK(err.find("does-not-exist.json") != std::string::npos);
  for (const char* text : {"{not json", "[]", "{\"version\": 2}", "{\"version\": 1, \"instances\": 3}",
                           "{\"version\": 1, \"instances\": [{\"id\": 5}], \"orders\": [], \"tokens\": {}}"}) {
    INFO(text);
    std::string path = TempPath("bad.json");
    std::ofstream(path) << text;
    err.clear();
    CHECK_FALSE(m.LoadState(path, &err));
    CHECK(err.find("bad.json") != std::string::npos);
  }
  CHECK(m.Instances().size() == 2);
  CHECK_FALSE(m.SaveState("/nonexistent-dir/state.json", &err));
  CHECK(err.find("/nonexistent-dir/state.json") != std::string::npos);
}

TEST_CASE("State: a bad phase or a missing order is a message naming the file, not an exception") {
  VirtualClock clock;
  Model a(StateWorld(), &clock);
  REQUIRE(a.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge")).ok());
  std::string path = TempPath("edited.json");
  std::string err;
  REQUIRE(a.SaveState(path, &err));
  nlohmann::json saved;
  std::ifstream(path) >> saved;
  REQUIRE(saved["instances"].size() == 2);

  auto load_edited = [&](const nlohmann::json& j) {
    std::ofstream(path, std::ios::trunc) << j.dump();
    Model m(StateWorld(), &clock);
    err.clear();
    bool ok = m.LoadState(path, &err);
    CHECK(m.Orders().empty());  // unchanged on failure
    return ok;
  };
  nlohmann::json bad_phase = saved;
  bad_phase["instances"][0]["phase"] = 99;
  CHECK_FALSE(load_edited(bad_phase));
  CHECK(err.find("edited.json") != std::string::npos);
  CHECK(err.find("bad phase 99") != std::string::npos);

  nlohmann::json no_order = saved;
  no_order["orders"] = nlohmann::json::array();
  bool any_open = false;
  for (const auto& ji : no_order["instances"]) any_open |= ji.contains("open_order");
  REQUIRE(any_open);
  CHECK_FALSE(load_edited(no_order));
  CHECK(err.find("refers to a missing order") != std::string::npos);
}

TEST_CASE("The model is safe to call from several threads") {
  VirtualClock clock;
  World w = GenerateWorld(400, 2);
  Model m(w, &clock);
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < 400; i += 8) {
        const auto& in = w.instances[size_t(i)].instance;
        auto r = Modify(in.id, in.type_family + ".8xlarge");
        r.client_token = "tok-" + in.id;
        // Two attempts with the same token: one order per instance.
        if (m.ModifyPrepayInstanceSpec(r).ok()) ++accepted;
        (void)m.ModifyPrepayInstanceSpec(r);
        (void)m.DescribeInstances(ListRequest("cn-hangzhou"));
        clock.Advance(Millis(1));
      }
    });
  for (auto& th : threads) th.join();
  CHECK(accepted == 400);
  CHECK(m.Orders().size() == 400);
}

TEST_CASE("FindAccessKey finds the world's keys") {
  VirtualClock clock;
  Model m(DefaultWorld(), &clock);
  const AccessKey* k = m.FindAccessKey("LTAI5tRespecDemoKey0001");
  REQUIRE(k);
  CHECK(k->secret == "respec-demo-secret-not-real");
  CHECK(m.FindAccessKey("LTAI-nope") == nullptr);
}

TEST_CASE("State: the seed-error triggers of an instance survive a save and load") {
  VirtualClock clock;
  World w = StateWorld();
  WorldInstance& run = w.instances[0];
  run.triggers.order_creation_failures = 2;
  run.triggers.purchase_history = true;
  run.ram_role = "app-role";
  run.private_ips = 4;
  run.ipv6_addresses = 2;
  w.instances[1].triggers.purchase_history = false;
  w.instances[1].triggers.billing_method_supported = false;
  Model a(w, &clock);
  CHECK(a.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge")).error().code == "OrderCreationFailed");
  std::string path = TempPath("triggers.json");
  std::string err;
  REQUIRE(a.SaveState(path, &err));

  Model b(StateWorld(), &clock);  // the bare world has no triggers: they come from the state
  REQUIRE(b.LoadState(path, &err));
  auto inst = b.Instances();
  REQUIRE(inst.size() == 2);
  CHECK(inst[0].ram_role == "app-role");
  CHECK(inst[0].private_ips == 4);
  CHECK(inst[0].ipv6_addresses == 2);
  CHECK(inst[1].triggers.billing_method_supported == false);
  CHECK(inst[1].triggers.purchase_history == false);
  // One failure was used before the save; one is left.
  CHECK(b.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge")).error().code == "OrderCreationFailed");
  CHECK(b.ModifyPrepayInstanceSpec(Modify("i-bp1run", "ecs.g7.xlarge")).ok());
}
