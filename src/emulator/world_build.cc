// Second half of LoadWorld: turns a schema-valid world document into a
// World, checking what a schema cannot (references between sections,
// duplicates, real times). Every problem names FILE:LINE:COL.
#include <fmt/format.h>

#include <map>
#include <set>

#include "core/timefmt.h"
#include "emulator/world.h"
#include "emulator/world_yaml.h"

namespace respec::emulator {
namespace {

using nlohmann::json;

constexpr const char* kDefaultExpiry = "2030-12-31T16:00Z";
constexpr const char* kDefaultImage = "aliyun_3_x64_20G_alibase_20240528.vhd";

std::string Str(const json& o, const char* key, const std::string& dflt = "") {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : dflt;
}

bool Bool(const json& o, const char* key, bool dflt) {
  auto it = o.find(key);
  return it != o.end() && it->is_boolean() ? it->get<bool>() : dflt;
}

std::string ScalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

struct Builder {
  const MarkedJson& doc;
  const std::string& file;
  World* w;
  std::vector<std::string>* errors;

  void Error(const std::string& ptr, const std::string& msg) { errors->push_back(FormatAt(doc, file, ptr, msg)); }

  void Keys(const json& keys) {
    w->keys.clear();
    std::set<std::string> ids;
    for (size_t i = 0; i < keys.size(); ++i) {
      const json& k = keys[i];
      AccessKey key{Str(k, "id"), Str(k, "secret"), Str(k, "security_token")};
      if (!ids.insert(key.id).second) Error(fmt::format("/access_keys/{}/id", i), "duplicate access key id");
      w->keys.push_back(std::move(key));
    }
  }

  void Sts(const json& j) {
    StsWorld& s = w->sts;
    s.credential_lifetime_seconds = j.value("credential_lifetime_seconds", 0);
    s.instance_role = Str(j, "instance_role");
    s.metadata_hardened = Bool(j, "metadata_hardened", true);
    std::set<std::string> providers;
    if (j.contains("oidc_providers"))
      for (size_t i = 0; i < j["oidc_providers"].size(); ++i) {
        const json& o = j["oidc_providers"][i];
        OidcProvider p{Str(o, "arn"), Str(o, "issuer"), o["client_ids"].get<std::vector<std::string>>()};
        if (!providers.insert(p.arn).second)
          Error(fmt::format("/sts/oidc_providers/{}/arn", i), "duplicate OIDC provider arn");
        s.oidc_providers.push_back(std::move(p));
      }
    std::set<std::string> roles;
    if (j.contains("roles"))
      for (size_t i = 0; i < j["roles"].size(); ++i) {
        const json& r = j["roles"][i];
        StsRole role;
        role.arn = Str(r, "arn");
        if (r.contains("trusted")) role.trusted = r["trusted"].get<std::vector<std::string>>();
        if (r.contains("oidc_providers")) role.oidc_providers = r["oidc_providers"].get<std::vector<std::string>>();
        role.max_session_duration = r.value("max_session_duration", 3600);
        if (!roles.insert(role.arn).second) Error(fmt::format("/sts/roles/{}/arn", i), "duplicate role arn");
        for (size_t k = 0; k < role.oidc_providers.size(); ++k)
          if (!providers.count(role.oidc_providers[k]))
            Error(fmt::format("/sts/roles/{}/oidc_providers/{}", i, k), "no such OIDC provider under sts.oidc_providers");
        s.roles.push_back(std::move(role));
      }
  }

  void Regions(const json& regions) {
    w->regions.clear();
    std::set<std::string> seen;
    for (size_t i = 0; i < regions.size(); ++i) {
      const json& r = regions[i];
      Region region{Str(r, "id"), Str(r, "name"), {}};
      if (!seen.insert(region.id).second) Error(fmt::format("/regions/{}/id", i), "duplicate region id");
      const json& zones = r["zones"];
      for (size_t z = 0; z < zones.size(); ++z) {
        Zone zone{Str(zones[z], "id"), Str(zones[z], "name")};
        if (!seen.insert(zone.id).second)
          Error(fmt::format("/regions/{}/zones/{}/id", i, z), "duplicate zone id");
        region.zones.push_back(std::move(zone));
      }
      w->regions.push_back(std::move(region));
    }
  }

  void Catalog(const json& catalog) {
    std::set<std::string> in_file;
    for (size_t i = 0; i < catalog.size(); ++i) {
      const json& c = catalog[i];
      CatalogType t;
      t.type.id = Str(c, "id");
      t.type.family = Str(c, "family", t.type.id.substr(0, t.type.id.rfind('.')));
      t.type.cpu = c["cpu"].get<int>();
      t.type.memory_gib = c["memory_gib"].get<double>();
      t.type.local_storage_category = Str(c, "local_storage_category");
      t.type.local_storage_amount = c.value("local_storage_amount", t.type.local_storage_category.empty() ? 0 : 1);
      t.retired = Bool(c, "retired", false);
      t.monthly_price = c.value("monthly_price", 0.0);
      t.authorized = Bool(c, "authorized", true);
      if (c.contains("private_ip_quantity")) t.private_ip_quantity = c["private_ip_quantity"].get<int>();
      if (c.contains("ipv6_quantity")) t.ipv6_quantity = c["ipv6_quantity"].get<int>();
      if (!in_file.insert(t.type.id).second) {
        Error(fmt::format("/catalog/{}/id", i), "duplicate instance type");
        continue;
      }
      bool replaced = false;
      for (auto& existing : w->catalog)
        if (existing.type.id == t.type.id) {
          existing = t;
          replaced = true;
        }
      if (!replaced) w->catalog.push_back(std::move(t));
    }
  }

  const CatalogType* FindType(const std::string& id) const {
    for (const auto& c : w->catalog)
      if (c.type.id == id) return &c;
    return nullptr;
  }

  const Region* RegionOfZone(const std::string& zone) const {
    for (const auto& r : w->regions)
      for (const auto& z : r.zones)
        if (z.id == zone) return &r;
    return nullptr;
  }

  std::string KnownZones() const {
    std::string s;
    for (const auto& r : w->regions)
      for (const auto& z : r.zones) s += (s.empty() ? "" : ", ") + z.id;
    return s;
  }

  void Stock(const json& stock) {
    for (size_t i = 0; i < stock.size(); ++i) {
      const json& s = stock[i];
      StockEntry e{Str(s, "zone"), Str(s, "type"), Str(s, "status")};
      if (!RegionOfZone(e.zone))
        Error(fmt::format("/stock/{}/zone", i), fmt::format("unknown zone \"{}\" (known: {})", e.zone, KnownZones()));
      if (!FindType(e.type)) Error(fmt::format("/stock/{}/type", i), fmt::format("unknown instance type \"{}\"", e.type));
      w->stock.push_back(std::move(e));
    }
  }

  void Images(const json& images) {
    for (const auto& im : images) {
      Image image{Str(im, "id"), {}};
      if (im.contains("allowed_families"))
        image.allowed_families = im["allowed_families"].get<std::vector<std::string>>();
      w->images.push_back(std::move(image));
    }
  }

  void Instances(const json& instances) {
    std::map<std::string, size_t> ids;
    for (size_t i = 0; i < instances.size(); ++i) {
      const json& j = instances[i];
      std::string at = fmt::format("/instances/{}", i);
      WorldInstance wi;
      Instance& in = wi.instance;
      in.id = Str(j, "id");
      if (auto [it, fresh] = ids.emplace(in.id, i); !fresh)
        Error(at + "/id", fmt::format("duplicate instance id (first at instances[{}])", it->second));
      in.zone = Str(j, "zone");
      const Region* region = RegionOfZone(in.zone);
      if (!region) Error(at + "/zone", fmt::format("unknown zone \"{}\" (known: {})", in.zone, KnownZones()));
      in.region = Str(j, "region", region ? region->id : "");
      if (region && in.region != region->id)
        Error(at + "/region", fmt::format("zone {} is in region {}, not {}", in.zone, region->id, in.region));
      in.type = Str(j, "type");
      if (const CatalogType* t = FindType(in.type)) {
        in.type_family = t->type.family;
        in.cpu = t->type.cpu;
        in.memory_mib = int(t->type.memory_gib * 1024);
      } else {
        Error(at + "/type", fmt::format("unknown instance type \"{}\" (not in the catalog)", in.type));
      }
      in.status = Str(j, "status", kRunning);
      in.charge_type = Str(j, "charge_type", "PrePaid");
      in.expired_time = Str(j, "expired_time", kDefaultExpiry);
      if (!ParseUtcTime(in.expired_time))
        Error(at + "/expired_time", fmt::format("\"{}\" is not a valid UTC time (yyyy-MM-ddTHH:mmZ)", in.expired_time));
      in.network_type = Str(j, "network_type", "vpc");
      in.image_id = Str(j, "image_id", kDefaultImage);
      in.eip_address = Str(j, "eip_address");
      in.io_optimized = Bool(j, "io_optimized", true);  // every family on sale is I/O optimized
      in.name = Str(j, "name", in.id);
      if (j.contains("tags"))
        for (const auto& [k, v] : j["tags"].items()) in.tags.emplace_back(k, ScalarText(v));
      if (j.contains("lock_reasons")) in.lock_reasons = j["lock_reasons"].get<std::vector<std::string>>();
      wi.downgrades_used = j.value("downgrades_used", 0);
      wi.released = Bool(j, "released", false);
      wi.ram_role = Str(j, "ram_role");
      wi.private_ips = j.value("private_ips", 1);
      wi.ipv6_addresses = j.value("ipv6_addresses", 0);
      wi.triggers.purchase_history = Bool(j, "purchase_history", true);
      wi.triggers.billing_method_supported = Bool(j, "billing_method_supported", true);
      wi.triggers.order_creation_failures = j.value("order_creation_failures", 0);
      w->instances.push_back(std::move(wi));
    }
  }
};

}  // namespace

void BuildWorld(const MarkedJson& doc, const std::string& file, World* world,
                std::vector<std::string>* errors) {
  const json& root = doc.root;
  *world = DefaultWorld();
  Builder b{doc, file, world, errors};
  try {
    if (root.contains("access_keys")) b.Keys(root["access_keys"]);
    if (root.contains("regions")) b.Regions(root["regions"]);
    if (!Bool(root, "builtin_catalog", true)) world->catalog.clear();
    if (root.contains("catalog")) b.Catalog(root["catalog"]);
    if (root.contains("stock")) b.Stock(root["stock"]);
    if (root.contains("images")) b.Images(root["images"]);
    if (root.contains("account")) {
      world->account.in_arrears = Bool(root["account"], "in_arrears", false);
      world->account.billing_method = Bool(root["account"], "billing_method", true);
      world->account.pass_role = Bool(root["account"], "pass_role", true);
    }
    world->type_visible_after_restart = Bool(root, "type_visible_after_restart", false);
    if (root.contains("qps")) {
      const json& q = root["qps"];
      world->default_qps = q.value("default", world->default_qps);
      if (q.contains("actions"))
        for (const auto& [action, limit] : q["actions"].items()) world->qps_limits[action] = limit.get<double>();
    }
    if (root.contains("instances")) b.Instances(root["instances"]);
    if (root.contains("sts")) b.Sts(root["sts"]);
  } catch (const std::exception& e) {
    // The schema should have caught any shape problem; never let one escape.
    errors->push_back(FormatAt(doc, file, "", std::string("malformed world: ") + e.what()));
  }
}

}  // namespace respec::emulator
