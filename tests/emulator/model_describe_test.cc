#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "test_world.h"

using namespace respec;
using namespace respec::emulator;
using namespace respec::emulator::testing;

namespace {

World DescribeWorld() {
  World w = GenerateWorld(250, 5);
  w.instances.push_back(MakeInstance("i-bp1zpost", "cn-hangzhou-h", "ecs.g6.large", kRunning, {{"role", "web"}}));
  w.instances.back().instance.charge_type = "PostPaid";
  w.instances.push_back(MakeInstance("i-bp1zgone", "cn-hangzhou-h", "ecs.g6.large", kRunning));
  w.instances.back().released = true;
  w.instances.push_back(MakeInstance("i-uf6one", "cn-shanghai-e", "ecs.g7.large", kRunning));
  w.instances.push_back(MakeInstance("i-bp1zlocal", "cn-hangzhou-h", "ecs.i2.xlarge", kRunning));
  w.instances.push_back(MakeInstance("i-bp1zmarket", "cn-hangzhou-h", "ecs.g6.xlarge", kRunning));
  w.instances.back().instance.image_id = "m-bp1market00000001";
  w.images.push_back({"m-bp1market00000001", {"ecs.g6", "ecs.g7"}});
  w.stock.push_back({"cn-hangzhou-h", "ecs.g7.8xlarge", "WithoutStock"});
  return w;
}

}  // namespace

TEST_CASE("DescribeInstances: NextToken paging walks every instance once, in ID order") {
  VirtualClock clock;
  Model m(DescribeWorld(), &clock);
  DescribeInstancesRequest r = ListRequest("cn-hangzhou");
  r.max_results = 100;
  std::vector<std::string> seen;
  int pages = 0;
  do {
    auto page = m.DescribeInstances(r);
    REQUIRE(page.ok());
    CHECK(page->total_count == 253);
    for (const auto& in : page->instances) seen.push_back(in.id);
    r.next_token = page->next_token;
    ++pages;
  } while (!r.next_token.empty() && pages < 10);
  CHECK(pages == 3);
  CHECK(seen.size() == 253);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == seen.size());
  CHECK(std::find(seen.begin(), seen.end(), "i-bp1zgone") == seen.end());  // released: hidden
  CHECK(std::find(seen.begin(), seen.end(), "i-uf6one") == seen.end());    // other region
}

TEST_CASE("DescribeInstances: PageNumber/PageSize paging") {
  VirtualClock clock;
  Model m(DescribeWorld(), &clock);
  DescribeInstancesRequest r = ListRequest("cn-hangzhou");
  r.page_size = 100;
  std::vector<std::string> seen;
  for (int p = 1; p <= 4; ++p) {
    r.page_number = p;
    auto page = m.DescribeInstances(r);
    REQUIRE(page.ok());
    CHECK(page->page_number == p);
    CHECK(page->page_size == 100);
    CHECK(page->total_count == 253);
    CHECK(page->next_token.empty());
    CHECK(page->instances.size() == (p < 3 ? 100u : p == 3 ? 53u : 0u));
    for (const auto& in : page->instances) seen.push_back(in.id);
  }
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 253);
  r.page_number = 1;
  r.page_size = 0;  // default 10
  CHECK(m.DescribeInstances(r)->instances.size() == 10);
  r.page_size = 101;
  auto e = m.DescribeInstances(r);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().code == "InvalidParameter");
  CHECK(e.error().message.find("PageSize") != std::string::npos);
}

TEST_CASE("DescribeInstances: filters") {
  VirtualClock clock;
  World w = DescribeWorld();
  Model m(w, &clock);
  auto list = [&](DescribeInstancesRequest r) {
    r.max_results = 100;
    std::vector<Instance> out;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = m.DescribeInstances(r);
      REQUIRE(page.ok());
      out.insert(out.end(), page->instances.begin(), page->instances.end());
      if (page->next_token.empty()) break;
      r.next_token = page->next_token;
    }
    return out;
  };
  // Expected counts straight from the world data.
  int web_prod = 0, stopped = 0, zone_i = 0;
  for (const auto& wi : w.instances) {
    const auto& in = wi.instance;
    if (wi.released || in.region != "cn-hangzhou") continue;
    bool web = false, prod = false;
    for (const auto& [k, v] : in.tags) {
      web |= k == "role" && v == "web";
      prod |= k == "env" && v == "prod";
    }
    web_prod += web && prod;
    stopped += in.status == kStopped;
    zone_i += in.zone == "cn-hangzhou-i";
  }
  REQUIRE(web_prod > 0);
  REQUIRE(stopped > 0);
  auto r = ListRequest("cn-hangzhou");
  r.tags = {{"role", "web"}, {"env", "prod"}};
  auto got = list(r);
  CHECK(int(got.size()) == web_prod);
  for (const auto& in : got) CHECK(in.tags.size() == 2);
  r = ListRequest("cn-hangzhou");
  r.status = kStopped;
  CHECK(int(list(r).size()) == stopped);
  r = ListRequest("cn-hangzhou");
  r.zone = "cn-hangzhou-i";
  CHECK(int(list(r).size()) == zone_i);
  r = ListRequest("cn-hangzhou");
  r.charge_type = "PostPaid";
  got = list(r);
  REQUIRE(got.size() == 1);
  CHECK(got[0].id == "i-bp1zpost");
  r = ListRequest("cn-shanghai");
  CHECK(list(r).size() == 1);
  // Status reflects transitions: stop one and filter again.
  REQUIRE(m.StopInstance("cn-hangzhou", "i-bp1zpost").ok());
  clock.Advance(Millis(3000));
  r = ListRequest("cn-hangzhou");
  r.status = kStopped;
  CHECK(int(list(r).size()) == stopped + 1);
}

TEST_CASE("DescribeInstances: InstanceIds (at most 100, unknown ones ignored)") {
  VirtualClock clock;
  Model m(DescribeWorld(), &clock);
  auto r = ListRequest("cn-hangzhou");
  r.instance_ids = {"i-bp100000000000000007", "i-bp100000000000000003", "i-nope", "i-bp100000000000000003",
                    "i-bp1zgone"};
  auto page = m.DescribeInstances(r);
  REQUIRE(page.ok());
  REQUIRE(page->instances.size() == 2);
  CHECK(page->instances[0].id == "i-bp100000000000000003");
  CHECK(page->total_count == 2);
  r.instance_ids.assign(101, "i-bp100000000000000003");
  auto e = m.DescribeInstances(r);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().code == "InvalidParameter");
  CHECK(e.error().message.find("InstanceIds") != std::string::npos);
  CHECK(e.error().action == "DescribeInstances");
}

TEST_CASE("DescribeInstances: bad requests") {
  VirtualClock clock;
  Model m(DescribeWorld(), &clock);
  CHECK(m.DescribeInstances(ListRequest("")).error().code == "MissingParameter");
  CHECK(m.DescribeInstances(ListRequest("cn-nowhere")).error().code == "InvalidRegionId.NotFound");
  auto r = ListRequest("cn-hangzhou");
  r.next_token = "garbage";
  CHECK(m.DescribeInstances(r).error().code == "InvalidParameter");
  r = ListRequest("cn-hangzhou");
  r.max_results = 101;
  CHECK(m.DescribeInstances(r).error().code == "InvalidParameter");
}

TEST_CASE("DescribeInstances: 100 IDs from a 10,000-instance world is cheap") {
  VirtualClock clock;
  Model m(GenerateWorld(10000, 1), &clock);
  auto r = ListRequest("cn-hangzhou");
  for (int i = 0; i < 100; ++i) r.instance_ids.push_back(fmt::format("i-bp1{:017d}", 1 + i * 97));
  auto t0 = std::chrono::steady_clock::now();
  const int calls = 1000;
  for (int i = 0; i < calls; ++i) REQUIRE(m.DescribeInstances(r)->instances.size() == 100);
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / calls;
  WARN("DescribeInstances(100 of 10,000 IDs): " << us << " us per call");
  CHECK(us < 5000);  // generous bound for a loaded 2-core machine; typically far less
}

TEST_CASE("DescribeInstanceTypes: the catalog, paged") {
  VirtualClock clock;
  Model m(DefaultWorld(), &clock);
  DescribeInstanceTypesRequest r;
  r.region = "cn-hangzhou";
  r.max_results = 10;
  std::set<std::string> ids;
  for (int guard = 0; guard < 20; ++guard) {
    auto page = m.DescribeInstanceTypes(r);
    REQUIRE(page.ok());
    CHECK(page->types.size() <= 10);
    for (const auto& t : page->types) ids.insert(t.id);
    if (page->next_token.empty()) break;
    r.next_token = page->next_token;
  }
  CHECK(ids.size() == DefaultWorld().catalog.size());
  CHECK(ids.count("ecs.r7.8xlarge"));
  r.next_token = "rt1.x";
  CHECK(m.DescribeInstanceTypes(r).error().code == "InvalidParameter");
}

TEST_CASE("DescribeResourcesModification: candidates with stock, by direction") {
  VirtualClock clock;
  World w = DescribeWorld();
  w.instances.push_back(MakeInstance("i-bp1zg7", "cn-hangzhou-h", "ecs.g7.xlarge", kRunning));
  Model m(w, &clock);
  ResourcesModificationRequest r{"cn-hangzhou", "i-bp1zg7", "Upgrade", "", false};
  auto up = m.DescribeResourcesModification(r);
  REQUIRE(up.ok());
  CHECK(up->zone == "cn-hangzhou-h");
  std::map<std::string, ModificationCandidate> by_type;
  for (const auto& c : up->candidates) by_type[c.type] = c;
  REQUIRE(by_type.count("ecs.g7.2xlarge"));
  CHECK(by_type["ecs.g7.2xlarge"].status == "Available");
  CHECK(by_type["ecs.g7.2xlarge"].status_category == "WithStock");
  REQUIRE(by_type.count("ecs.g7.8xlarge"));
  CHECK(by_type["ecs.g7.8xlarge"].status == "SoldOut");
  CHECK(by_type["ecs.g7.8xlarge"].status_category == "WithoutStock");
  // Same size, other family, cheaper: a Downgrade (the emulator's rule for
  // same-size and mixed changes is the list price; docs/api-fidelity.md).
  CHECK(by_type.count("ecs.g6.xlarge") == 0);
  ResourcesModificationRequest rd{"cn-hangzhou", "i-bp1zg7", "Downgrade", "", false};
  auto listed_down = m.DescribeResourcesModification(rd);
  REQUIRE(listed_down.ok());
  bool g6_down = false;
  for (const auto& c : listed_down->candidates) g6_down |= c.type == "ecs.g6.xlarge";
  CHECK(g6_down);
  CHECK(by_type.count("ecs.g7.xlarge") == 0);
  CHECK(by_type.count("ecs.g7.large") == 0);
  CHECK(by_type.count("ecs.n1.large") == 0);   // retired
  CHECK(by_type.count("ecs.i2.2xlarge") == 0);  // local disks
  r.operation = "Downgrade";
  auto down = m.DescribeResourcesModification(r);
  REQUIRE(down.ok());
  std::set<std::string> downs;
  for (const auto& c : down->candidates) downs.insert(c.type);
  CHECK(downs.count("ecs.g7.large"));
  CHECK(downs.count("ecs.c7.xlarge"));  // 4 vCPU, 8 GiB
  CHECK(downs.count("ecs.g7.2xlarge") == 0);
  r.target_type = "ecs.g7.large";
  auto one = m.DescribeResourcesModification(r);
  REQUIRE(one->candidates.size() == 1);
  CHECK(one->candidates[0].type == "ecs.g7.large");
  r.target_type = "ecs.g7.2xlarge";  // not a downgrade
  CHECK(m.DescribeResourcesModification(r)->candidates.empty());

  ResourcesModificationRequest market{"cn-hangzhou", "i-bp1zmarket", "Upgrade", "", false};
  auto market_result = m.DescribeResourcesModification(market);
  REQUIRE(market_result.ok());
  CHECK_FALSE(market_result->candidates.empty());
  for (const auto& c : market_result->candidates)
    CHECK((c.type.rfind("ecs.g6.", 0) == 0 || c.type.rfind("ecs.g7.", 0) == 0));
  ResourcesModificationRequest local{"cn-hangzhou", "i-bp1zlocal", "Upgrade", "", false};
  CHECK(m.DescribeResourcesModification(local)->candidates.empty());
  ResourcesModificationRequest bad{"cn-hangzhou", "i-bp1zg7", "Sideways", "", false};
  CHECK(m.DescribeResourcesModification(bad).error().code == "InvalidParameter");
  ResourcesModificationRequest unknown{"cn-hangzhou", "i-nope", "Upgrade", "", false};
  CHECK(m.DescribeResourcesModification(unknown).error().code == "InvalidInstanceId.NotFound");
}

TEST_CASE("DescribeInstanceModificationPrice: price difference for the remaining days") {
  VirtualClock clock;  // 2026-01-01T00:00Z; MakeInstance expires 2026-12-31T16:00Z
  World w = DescribeWorld();
  w.instances.push_back(MakeInstance("i-bp1zg7", "cn-hangzhou-h", "ecs.g7.large", kRunning));
  double large = 0, xlarge = 0;
  for (const auto& c : w.catalog) {
    if (c.type.id == "ecs.g7.large") large = c.monthly_price;
    if (c.type.id == "ecs.g7.xlarge") xlarge = c.monthly_price;
  }
  Model m(w, &clock);
  auto p = m.DescribeInstanceModificationPrice({"cn-hangzhou", "i-bp1zg7", "ecs.g7.xlarge"});
  REQUIRE(p.ok());
  double expected = std::round((xlarge - large) * 365 / 30.0 * 100) / 100;  // 364.67 days -> 365
  CHECK(p->original == Approx(expected));
  CHECK(p->trade == Approx(expected));
  CHECK(p->discount == 0);
  CHECK(p->currency == "CNY");
  CHECK(p->original > 0);
  clock.Advance(std::chrono::hours(24 * 180));
  auto later = m.DescribeInstanceModificationPrice({"cn-hangzhou", "i-bp1zg7", "ecs.g7.xlarge"});
  CHECK(later->original < p->original);  // fewer days left
  auto down = m.DescribeInstanceModificationPrice({"cn-hangzhou", "i-bp1zg7", "ecs.c7.large"});
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().code == "OperationDenied");
  CHECK(down.error().message.find("upgrade") != std::string::npos);
  CHECK(m.DescribeInstanceModificationPrice({"cn-hangzhou", "i-bp1zpost", "ecs.g6.xlarge"}).error().code ==
        "InvalidInstanceChargeType.ValueNotSupported");
  CHECK(m.DescribeInstanceModificationPrice({"cn-hangzhou", "i-bp1zg7", "ecs.n1.large"}).error().code ==
        "InstanceType.Offline");
  CHECK(m.DescribeInstanceModificationPrice({"cn-hangzhou", "i-bp1zg7", ""}).error().code == "MissingParameter");
}

TEST_CASE("DescribeRegions, DescribeZones, DescribeInstanceStatus") {
  VirtualClock clock;
  Model m(DescribeWorld(), &clock);
  auto regions = m.DescribeRegions();
  REQUIRE(regions.ok());
  CHECK(regions->size() == 2);
  auto zones = m.DescribeZones("cn-shanghai");
  REQUIRE(zones.ok());
  CHECK(zones->at(0).id == "cn-shanghai-e");
  CHECK(m.DescribeZones("cn-nowhere").error().code == "InvalidRegionId.NotFound");
  int total = 0;
  auto st = m.DescribeInstanceStatus("cn-hangzhou", 2, 50, &total);
  REQUIRE(st.ok());
  CHECK(total == 253);
  CHECK(st->size() == 50);
  bool toggled = m.StopInstance("cn-hangzhou", st->at(0).instance_id).ok() ||
                 m.StartInstance("cn-hangzhou", st->at(0).instance_id).ok();
  REQUIRE(toggled);
  auto again = m.DescribeInstanceStatus("cn-hangzhou", 2, 50, &total);
  CHECK(again->at(0).status != st->at(0).status);
  CHECK(m.DescribeInstanceStatus("cn-hangzhou", 1, 51, &total).error().code == "InvalidParameter");
}

TEST_CASE("ModifyInstanceSpec: PrePaid refused, PostPaid changed when Stopped") {
  VirtualClock clock;
  Model m(DescribeWorld(), &clock);
  auto pre = m.ModifyInstanceSpec("cn-hangzhou", "i-bp100000000000000001", "ecs.g7.8xlarge");
  REQUIRE_FALSE(pre.ok());
  CHECK(pre.error().code == "ChargeTypeViolation");
  CHECK(pre.error().http_status == 403);
  CHECK(pre.error().message.find("ModifyPrepayInstanceSpec") != std::string::npos);
  auto running = m.ModifyInstanceSpec("cn-hangzhou", "i-bp1zpost", "ecs.g6.xlarge");
  CHECK(running.error().code == "InvalidInstanceStatus.NotStopped");
  REQUIRE(m.StopInstance("cn-hangzhou", "i-bp1zpost").ok());
  clock.Advance(Millis(3000));
  REQUIRE(m.ModifyInstanceSpec("cn-hangzhou", "i-bp1zpost", "ecs.g6.xlarge").ok());
  CHECK(Describe(m, "i-bp1zpost").type == "ecs.g6.xlarge");
  CHECK(m.EffectiveType("i-bp1zpost") == "ecs.g6.large");
  REQUIRE(m.StartInstance("cn-hangzhou", "i-bp1zpost").ok());
  CHECK(m.EffectiveType("i-bp1zpost") == "ecs.g6.xlarge");
}

TEST_CASE("Request IDs are UUID-like, uppercase, distinct and deterministic for a seed") {
  VirtualClock clock;
  Model a(DefaultWorld(), &clock, Timing{}, 9), b(DefaultWorld(), &clock, Timing{}, 9);
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    std::string x = a.NewRequestId();
    CHECK(x == b.NewRequestId());
    CHECK(x.size() == 36);
    CHECK(x[8] == '-');
    CHECK(x.find_first_not_of("0123456789ABCDEF-") == std::string::npos);
    ids.insert(x);
  }
  CHECK(ids.size() == 100);
}
