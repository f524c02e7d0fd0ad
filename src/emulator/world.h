// The emulator's world: access keys, regions and zones, the instance-type
// catalog, stock, the account and its instances. Loaded from YAML validated
// against schemas/world.schema.json, built in (DefaultWorld), or generated
// (GenerateWorld) for benchmarks. Plain data; the Model owns the live copy.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cloud/cloud.h"
#include "cloud/error.h"

namespace respec::emulator {

struct AccessKey {
  std::string id;
  std::string secret;
  std::string security_token;  // non-empty: an STS key; requests must carry this token
};

struct Zone {
  std::string id;     // e.g. cn-hangzhou-h
  std::string name;
};

struct Region {
  std::string id;     // e.g. cn-hangzhou
  std::string name;
  std::vector<Zone> zones;
};

struct CatalogType {
  InstanceType type;            // id, family, cpu, memory, local storage
  bool retired = false;         // InstanceType.Offline for new changes
  double monthly_price = 0;     // CNY per month, for DescribeInstanceModificationPrice
};

// Stock per (zone, type): "WithStock" unless listed.
struct StockEntry {
  std::string zone;
  std::string type;
  std::string status_category;  // WithStock | WithoutStock | ClosedWithStock | ClosedWithoutStock
};

struct Image {
  std::string id;                           // "m-..." = marketplace
  std::vector<std::string> allowed_families;  // empty = any
};

struct WorldInstance {
  Instance instance;          // as DescribeInstances shows it
  int downgrades_used = 0;    // towards the limit of 3
  bool released = false;      // gone: DescribeInstances hides it, actions say Released
};

struct Account {
  bool in_arrears = false;        // Account.Arrearage on upgrade
  bool billing_method = true;     // false: BillingMethodNotFound
};

struct World {
  std::vector<AccessKey> keys;
  std::vector<Region> regions;
  std::vector<CatalogType> catalog;
  std::vector<StockEntry> stock;
  std::vector<Image> images;
  Account account;
  std::vector<WorldInstance> instances;
  std::map<std::string, double> qps_limits;  // per action; absent = default_qps
  double default_qps = 100;
  // false: a Running instance's new type shows as soon as its order
  // completes; true: only after the next API restart (docs/emulator.md).
  bool type_visible_after_restart = false;
};

// Loads and validates a world file. On failure returns false and fills
// `errors` with "FILE:LINE:COL: message" lines.
bool LoadWorld(const std::string& path, World* world, std::vector<std::string>* errors);
// A realistic built-in catalog (ecs.g5/g6/g7/c7/r7 large..8xlarge, a retired
// family, a local-disk family), two regions, one demo key, no instances.
World DefaultWorld();
// DefaultWorld plus `n` PrePaid instances, deterministic for `seed`.
World GenerateWorld(int n, uint64_t seed);

}  // namespace respec::emulator
