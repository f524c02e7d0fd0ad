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
#include "core/clock.h"

namespace respec::emulator {

struct AccessKey {
  AccessKey() = default;
  AccessKey(std::string i, std::string s, std::string t)
      : id(std::move(i)), secret(std::move(s)), security_token(std::move(t)) {}
  std::string id;
  std::string secret;
  std::string security_token;  // non-empty: an STS key; requests must carry this token
  std::optional<TimePoint> expires;  // issued by the STS door: refused from then on
  std::string principal;       // issued keys: the assumed role's ARN (for chained roles)
};

// The STS and metadata doors (emulator/http/sts_door.h, metadata_door.h).
struct StsRole {
  std::string arn;
  std::vector<std::string> trusted;         // access key ids, role ARNs, "*"
  std::vector<std::string> oidc_providers;  // provider ARNs
  int max_session_duration = 3600;
};

struct OidcProvider {
  std::string arn;
  std::string issuer;
  std::vector<std::string> client_ids;
};

struct StsWorld {
  std::vector<StsRole> roles;
  std::vector<OidcProvider> oidc_providers;
  int credential_lifetime_seconds = 0;  // > 0: cap on issued lifetimes
  std::string instance_role;            // served by the metadata door; "" = none
  bool metadata_hardened = true;
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
  bool authorized = true;       // false: InvalidInstanceType.ValueUnauthorized as a target
  // Addresses per network interface (DescribeInstanceTypes'
  // EniPrivateIpAddressQuantity / EniIpv6AddressQuantity); unset = no limit.
  // A target with fewer than the instance holds: InvalidOperation.Ipv4CountExceeded,
  // .Ipv6CountExceeded; ipv6 0 and the instance has IPv6: .Ipv6NotSupport.
  std::optional<int> private_ip_quantity;
  std::optional<int> ipv6_quantity;
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

// World-file triggers for seed error codes that have no cause elsewhere in the
// model; each is documented in docs/emulator.md ("Seed error codes").
struct InstanceTriggers {
  bool purchase_history = true;          // false: InvalidInstance.PurchaseNotFound
  bool billing_method_supported = true;  // false: InvalidBillingMethod.ValueNotSupported
  int order_creation_failures = 0;       // the next N orders: OrderCreationFailed
};

struct WorldInstance {
  Instance instance;          // as DescribeInstances shows it
  int downgrades_used = 0;    // towards the limit of 3
  bool released = false;      // gone: DescribeInstances hides it, actions say Released
  std::string ram_role;       // attached RAM role; see Account::pass_role
  int private_ips = 1;        // IPv4 addresses on the primary interface
  int ipv6_addresses = 0;
  InstanceTriggers triggers;
};

struct Account {
  bool in_arrears = false;        // Account.Arrearage on upgrade
  bool billing_method = true;     // false: BillingMethodNotFound
  // false: the caller may not pass RAM roles, so changing an instance with a
  // RAM role attached gets InvalidUser.PassRoleForbidden.
  bool pass_role = true;
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
  StsWorld sts;
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
