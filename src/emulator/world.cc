// The built-in world (catalog, regions, demo key) and the synthetic fleet
// generator used by benchmarks (--generate N).
#include "emulator/world.h"

#include <fmt/format.h>

#include <chrono>
#include <random>

#include "core/timefmt.h"

namespace respec::emulator {
namespace {

struct FamilySpec {
  const char* family;
  int mem_per_cpu;      // GiB per vCPU
  double price_per_cpu; // CNY per vCPU per month (plausible list prices)
};

struct SizeSpec {
  const char* suffix;
  int cpu;
};

constexpr FamilySpec kFamilies[] = {
    {"ecs.g5", 4, 115.0}, {"ecs.g6", 4, 125.0}, {"ecs.g7", 4, 138.0},
    {"ecs.c7", 2, 100.0}, {"ecs.r7", 8, 165.0},
};

constexpr SizeSpec kSizes[] = {
    {"large", 2},    {"xlarge", 4},   {"2xlarge", 8},  {"3xlarge", 12},
    {"4xlarge", 16}, {"6xlarge", 24}, {"8xlarge", 32},
};

CatalogType MakeType(const std::string& family, const std::string& suffix, int cpu,
                     double memory_gib, double price) {
  CatalogType t;
  t.type.id = family + "." + suffix;
  t.type.family = family;
  t.type.cpu = cpu;
  t.type.memory_gib = memory_gib;
  t.monthly_price = price;
  return t;
}

std::vector<CatalogType> DefaultCatalog() {
  std::vector<CatalogType> out;
  for (const auto& f : kFamilies)
    for (const auto& s : kSizes)
      out.push_back(MakeType(f.family, s.suffix, s.cpu, double(s.cpu * f.mem_per_cpu),
                             f.price_per_cpu * s.cpu));
  // A retired generation: still described, but InstanceType.Offline as a target.
  for (auto [suffix, cpu, mem, price] :
       {std::tuple{"small", 1, 1.0, 70.0}, {"medium", 2, 4.0, 150.0}, {"large", 4, 8.0, 290.0}}) {
    CatalogType t = MakeType("ecs.n1", suffix, cpu, mem, price);
    t.retired = true;
    out.push_back(t);
  }
  // Local NVMe family: instances of it cannot change type at all.
  for (auto [suffix, cpu] : {std::pair{"xlarge", 4}, {"2xlarge", 8}}) {
    CatalogType t = MakeType("ecs.i2", suffix, cpu, double(cpu * 8), 230.0 * cpu);
    t.type.local_storage_category = "local_ssd_pro";
    t.type.local_storage_amount = 1;
    out.push_back(t);
  }
  return out;
}

std::vector<Region> DefaultRegions() {
  return {
      Region{"cn-hangzhou", "China (Hangzhou)",
             {Zone{"cn-hangzhou-h", "Hangzhou Zone H"}, Zone{"cn-hangzhou-i", "Hangzhou Zone I"}}},
      Region{"cn-shanghai", "China (Shanghai)",
             {Zone{"cn-shanghai-e", "Shanghai Zone E"}, Zone{"cn-shanghai-f", "Shanghai Zone F"}}},
  };
}

}  // namespace

World DefaultWorld() {
  World w;
  w.keys.push_back(AccessKey{"LTAI5tRespecDemoKey0001", "respec-demo-secret-not-real", ""});
  w.regions = DefaultRegions();
  w.catalog = DefaultCatalog();
  return w;
}

// ExpiredTime is a year after today's UTC date (not the exact instant), so
// the fleet is identical for a seed on any run of the same day and never
// looks expired to a VirtualClock starting in 2026.
World GenerateWorld(int n, uint64_t seed) {
  World w = DefaultWorld();
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t count) { return size_t(rng() % count); };

  const char* families[] = {"ecs.g6", "ecs.g7", "ecs.c7", "ecs.r7"};
  const char* sizes[] = {"large", "xlarge", "2xlarge", "4xlarge"};
  const char* zones[] = {"cn-hangzhou-h", "cn-hangzhou-i"};
  const char* roles[] = {"web", "api", "db", "batch"};
  const char* envs[] = {"prod", "staging"};

  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  w.instances.reserve(n > 0 ? size_t(n) : 0);
  for (int i = 0; i < n; ++i) {
    WorldInstance wi;
    Instance& in = wi.instance;
    in.id = fmt::format("i-bp1{:017d}", i + 1);
    in.region = "cn-hangzhou";
    in.zone = zones[pick(2)];
    std::string family = families[pick(4)];
    in.type = family + "." + sizes[pick(4)];
    in.type_family = family;
    for (const auto& c : w.catalog)
      if (c.type.id == in.type) {
        in.cpu = c.type.cpu;
        in.memory_mib = int(c.type.memory_gib * 1024);
      }
    in.status = pick(20) == 0 ? kStopped : kRunning;
    in.charge_type = "PrePaid";
    in.expired_time = FormatUtcMinutes(today + std::chrono::days(365 + int(pick(60))));
    in.network_type = "vpc";
    in.image_id = "aliyun_3_x64_20G_alibase_20240528.vhd";
    in.name = fmt::format("gen-{}", i + 1);
    in.tags = {{"role", roles[pick(4)]}, {"env", envs[pick(2)]}};
    w.instances.push_back(std::move(wi));
  }
  return w;
}

}  // namespace respec::emulator
