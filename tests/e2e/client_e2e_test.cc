// The ECS client against the real emulator server, over HTTP: paging, both
// signature schemes (with and without an STS token), ModifyPrepayInstanceSpec
// through RetryingCloud under injected drops and throttling (exactly one
// order per ClientToken), and `respec -vv instances` listing the emulator's
// instances with credentials from the environment, without a secret in its
// output.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "cloud/retrying_cloud.h"
#include "ecs/ecs_cloud.h"
#include "emulator/faults.h"
#include "emulator/http/api.h"
#include "emulator/http/fault_source.h"
#include "emulator/http/server.h"
#include "emulator/model.h"
#include "emulator/world.h"

using namespace respec;
namespace eh = respec::emulator::http;

namespace {

const char* kKeyId = "LTAI5tClientE2eKey01";
const char* kSecret = "client-e2e-secret-value-0001";
const char* kStsKeyId = "STS.ClientE2eTempKey";
const char* kStsSecret = "client-e2e-sts-secret-0002";
const char* kStsToken = "CAISclientE2eToken/with+chars==";

// One emulator: model on a virtual clock, the real HTTP server on loopback.
struct Emulator {
  explicit Emulator(int instances, const std::string& faults = "") {
    emulator::World w = emulator::GenerateWorld(instances, 7);
    w.keys.push_back(emulator::AccessKey{kKeyId, kSecret, ""});
    w.keys.push_back(emulator::AccessKey{kStsKeyId, kStsSecret, kStsToken});
    model = std::make_unique<emulator::Model>(w, &model_clock);
    eh::ApiOptions o;
    o.default_qps = 0;  // unlimited: throttling here comes from the fault spec
    std::string error;
    if (!faults.empty()) REQUIRE(eh::MakeFaultSource(faults, 3, &o, &keep_faults, &error));
    api = std::make_unique<eh::Api>(model.get(), &wall, o);
    eh::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    server = std::make_unique<eh::Server>(api.get(), so);
    REQUIRE(server->Start(&error));
  }
  ~Emulator() { server->Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }

  VirtualClock model_clock;
  SystemClock wall;
  std::shared_ptr<void> keep_faults;
  std::unique_ptr<emulator::Model> model;
  std::unique_ptr<eh::Api> api;
  std::unique_ptr<eh::Server> server;
};

std::unique_ptr<ecs::EcsCloud> Client(const Emulator& emu, ecs::SignatureVersion v, bool sts,
                                      Clock* clock) {
  Credentials c;
  c.access_key_id = sts ? kStsKeyId : kKeyId;
  c.access_key_secret = sts ? kStsSecret : kSecret;
  if (sts) c.security_token = kStsToken;
  ecs::EcsOptions o;
  o.endpoint = emu.url();
  o.signature = v;
  o.transport.total_timeout = Millis(10000);
  std::string error, warning;
  auto cloud = ecs::EcsCloud::Create(c, o, clock, &error, &warning);
  REQUIRE(cloud);
  return cloud;
}

std::set<std::string> ModelIds(const Emulator& emu) {
  std::set<std::string> ids;
  for (const auto& w : emu.model->Instances())
    if (!w.released) ids.insert(w.instance.id);
  return ids;
}

}  // namespace

TEST_CASE("e2e: list every instance with NextToken paging, both signatures, AK and STS") {
  Emulator emu(237);
  SystemClock clock;
  for (auto v : {ecs::SignatureVersion::kV3, ecs::SignatureVersion::kRpc1}) {
    for (bool sts : {false, true}) {
      INFO((v == ecs::SignatureVersion::kV3 ? "V3" : "RPC 1.0") << (sts ? " STS" : " AK"));
      auto cloud = Client(emu, v, sts, &clock);
      std::set<std::string> ids;
      DescribeInstancesRequest req;
      req.region = "cn-hangzhou";
      req.max_results = 100;
      int pages = 0;
      for (;;) {
        auto page = cloud->DescribeInstances(req);
        REQUIRE(page.ok());
        CHECK(!page->request_id.empty());
        ++pages;
        for (const auto& i : page->instances) {
          CHECK(i.charge_type == "PrePaid");
          CHECK(!i.type.empty());
          ids.insert(i.id);
        }
        if (page->next_token.empty()) break;
        req.next_token = page->next_token;
        REQUIRE(pages < 10);
      }
      CHECK(pages == 3);
      CHECK(ids == ModelIds(emu));
    }
  }
}

TEST_CASE("e2e: PageNumber paging and tag filters reach the emulator") {
  Emulator emu(57);
  SystemClock clock;
  auto cloud = Client(emu, ecs::SignatureVersion::kV3, false, &clock);
  std::set<std::string> ids;
  for (int p = 1; p <= 6; ++p) {
    DescribeInstancesRequest req;
    req.region = "cn-hangzhou";
    req.page_number = p;
    req.page_size = 10;
    auto page = cloud->DescribeInstances(req);
    REQUIRE(page.ok());
    CHECK(page->total_count == 57);
    for (const auto& i : page->instances) ids.insert(i.id);
  }
  CHECK(ids.size() == 57);

  DescribeInstancesRequest tagged;
  tagged.region = "cn-hangzhou";
  tagged.tags = {{"env", "prod"}};
  auto page = cloud->DescribeInstances(tagged);
  REQUIRE(page.ok());
  int prod = 0;
  for (const auto& w : emu.model->Instances())
    for (const auto& t : w.instance.tags) prod += t == Tag{"env", "prod"};
  CHECK(static_cast<int>(page->instances.size()) == prod);
  for (const auto& i : page->instances)
    CHECK(std::find(i.tags.begin(), i.tags.end(), Tag{"env", "prod"}) != i.tags.end());
}

TEST_CASE("e2e: a wrong secret is an auth error, typed, and not retried") {
  Emulator emu(3);
  SystemClock clock;
  Credentials c;
  c.access_key_id = kKeyId;
  c.access_key_secret = "wrong-secret";
  ecs::EcsOptions o;
  o.endpoint = emu.url();
  std::string error, warning;
  auto base = ecs::EcsCloud::Create(c, o, &clock, &error, &warning);
  RetryingCloud cloud(base.get(), RetryPolicy{}, RateSettings{}, &clock, 1);
  DescribeInstancesRequest req;
  req.region = "cn-hangzhou";
  auto r = cloud.DescribeInstances(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "SignatureDoesNotMatch");
  CHECK(r.error().category == ErrorCategory::kAuth);
  CHECK(!r.error().request_id.empty());
  CHECK(cloud.Total().attempts == 1);
  CHECK(r.error().message.find("wrong-secret") == std::string::npos);
}

TEST_CASE("e2e: ModifyPrepayInstanceSpec through RetryingCloud under drops and throttling "
          "places exactly one order per instance") {
  // A third of the answers are lost after the server acted; a fifth are
  // throttled. (A lost answer on a kept-alive connection also makes libcurl
  // resend the identical request, which the server refuses as
  // SignatureNonceUsed: the client must treat that as ambiguous too.)
  Emulator emu(12, "drop=0.3,throttling=0.2");
  SystemClock clock;
  auto base = Client(emu, ecs::SignatureVersion::kV3, false, &clock);
  RetryPolicy p;
  p.max_attempts = 16;
  p.base_delay = Millis(5);
  p.max_delay = Millis(40);
  p.last_order_delay = Millis(20);
  RateSettings rate;
  rate.default_qps = 1000;
  RetryingCloud cloud(base.get(), p, rate, &clock, 9);

  std::map<std::string, std::string> order_of;
  for (const auto& w : emu.model->Instances()) {
    const Instance& inst = w.instance;
    ResourcesModificationRequest q;
    q.region = inst.region;
    q.instance_id = inst.id;
    q.operation = "Upgrade";
    auto cands = cloud.DescribeResourcesModification(q);
    REQUIRE(cands.ok());
    std::string target;
    for (const auto& c : cands->candidates)
      if (c.status == "Available" && c.type != inst.type) target = c.type;
    if (target.empty()) continue;
    ModifyPrepaySpecRequest m;
    m.region = inst.region;
    m.instance_id = inst.id;
    m.instance_type = target;
    m.operator_type = "upgrade";
    m.client_token = "e2e-plan/" + inst.id + "/modify";
    m.auto_pay = true;
    auto r = cloud.ModifyPrepayInstanceSpec(m);
    INFO(inst.id << " -> " << target << ": " << (r.ok() ? "" : r.error().Describe()));
    REQUIRE(r.ok());
    CHECK(!r->order_id.empty());
    order_of[m.client_token] = r->order_id;
  }
  REQUIRE(order_of.size() >= 5);
  // The server saw drops (else this test proves nothing) ...
  auto c = cloud.Counters()["ModifyPrepayInstanceSpec"];
  CHECK(c.attempts > c.calls);
  // ... yet placed exactly one order per ClientToken, the one we were told.
  std::map<std::string, int> orders_per_token;
  for (const auto& o : emu.model->Orders()) {
    ++orders_per_token[o.client_token];
    if (order_of.count(o.client_token)) CHECK(order_of[o.client_token] == o.order_id);
  }
  CHECK(orders_per_token.size() == order_of.size());
  for (const auto& [token, n] : orders_per_token) {
    INFO(token);
    CHECK(n == 1);
  }
}

TEST_CASE("e2e: an ambiguous StopInstance is resolved by reading the state") {
  Emulator emu(6, "drop=1");
  SystemClock clock;
  auto base = Client(emu, ecs::SignatureVersion::kRpc1, true, &clock);
  RetryPolicy p;
  p.base_delay = Millis(5);
  p.max_delay = Millis(20);
  RetryingCloud cloud(base.get(), p, RateSettings{}, &clock, 4);
  std::string id;
  for (const auto& w : emu.model->Instances())
    if (w.instance.status == kRunning) id = w.instance.id;
  REQUIRE(!id.empty());
  // Every answer is lost, DescribeInstances' too: the state check cannot
  // read the state, so the call finally fails as ambiguous — but the server
  // stopped the instance once (repeats meet a Stopping instance and are
  // refused there), and the state checks were tried.
  auto r = cloud.StopInstance("cn-hangzhou", id);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().ambiguous);
  CHECK(cloud.Counters()["StopInstance"].state_checks >= 1);
  std::string status;
  for (const auto& w : emu.model->Instances())
    if (w.instance.id == id) status = w.instance.status;
  CHECK((status == kStopping || status == kStopped));
}

TEST_CASE("e2e: respec -vv instances lists the emulator's instances; no secret in its output") {
  const char* bin = std::getenv("RESPEC_BIN");
  // Catch2 2 has no "skipped": a missing binary fails rather than pass unchecked.
  if (!bin) FAIL("RESPEC_BIN is not set: run through ctest, or set RESPEC_BIN=build/respec");
  Emulator emu(130);
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("respec-client-e2e-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (bool sts : {false, true}) {
    std::string cmd = "cd '" + dir.string() + "' && env -i PATH=/usr/bin:/bin HOME='" + dir.string() +
                      "' XDG_CONFIG_HOME='" + dir.string() + "' ALIBABA_CLOUD_ACCESS_KEY_ID=" +
                      (sts ? kStsKeyId : kKeyId) + " ALIBABA_CLOUD_ACCESS_KEY_SECRET=" +
                      (sts ? kStsSecret : kSecret) +
                      (sts ? std::string(" ALIBABA_CLOUD_SECURITY_TOKEN='") + kStsToken + "'" : "") + " '" +
                      bin + "' -vv --endpoint " + emu.url() + " instances --region cn-hangzhou 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    REQUIRE(f);
    std::string out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
    int status = pclose(f);
    INFO(out.substr(0, 3000));
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    for (const auto& id : ModelIds(emu)) CHECK(out.find(id) != std::string::npos);
    CHECK(out.find("130 instances") != std::string::npos);
    CHECK(out.find("ecs: DescribeInstances") != std::string::npos);  // -vv logged the calls
    CHECK(out.find("params:") != std::string::npos);
    CHECK(out.find(sts ? kStsSecret : kSecret) == std::string::npos);
    CHECK(out.find(kStsToken) == std::string::npos);
    CHECK(out.find("CAISclientE2eToken") == std::string::npos);
    CHECK(out.find("Signature=") == std::string::npos);
    CHECK(out.find("ACS3-HMAC-SHA256 Credential") == std::string::npos);
  }
  fs::remove_all(dir);
}
