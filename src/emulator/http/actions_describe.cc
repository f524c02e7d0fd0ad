// Read-only actions: regions, zones, instances, statuses, types, what an
// instance may change to, and what a change costs.
#include <fmt/format.h>

#include "emulator/http/actions.h"

namespace respec::emulator::http {
namespace {

constexpr int kMaxTags = 20;
constexpr int kMaxInstanceIds = 100;

// InstanceIds: a JSON array of strings, at most 100.
bool ParseInstanceIds(const std::string& text, std::vector<std::string>* out, CloudError* err) {
  Json ids = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (ids.is_discarded() || !ids.is_array()) {
    *err = InvalidParameter("InstanceIds", "expected a JSON array of instance IDs such as "
                                           "[\"i-bp1...\", \"i-bp2...\"]");
    return false;
  }
  if (ids.size() > kMaxInstanceIds) {
    *err = InvalidParameter("InstanceIds", fmt::format("{} IDs given, at most {} are allowed",
                                                       ids.size(), kMaxInstanceIds));
    return false;
  }
  for (const Json& id : ids) {
    if (!id.is_string()) {
      *err = InvalidParameter("InstanceIds", "every element must be a string");
      return false;
    }
    out->push_back(id.get<std::string>());
  }
  return true;
}

}  // namespace

Result<Json> HandleDescribeRegions(const ActionContext& c) {
  auto regions = c.model.DescribeRegions();
  if (!regions.ok()) return regions.error();
  Json list = Json::array();
  for (const Region& r : regions.value()) {
    list.push_back(Json{{"RegionId", r.id},
                        {"LocalName", r.name},
                        {"RegionEndpoint", "ecs." + r.id + ".aliyuncs.com"},
                        {"Status", "available"}});
  }
  return Json{{"Regions", Json{{"Region", list}}}};
}

Result<Json> HandleDescribeZones(const ActionContext& c) {
  auto zones = c.model.DescribeZones(c.params.Get("RegionId"));
  if (!zones.ok()) return zones.error();
  Json list = Json::array();
  for (const Zone& z : zones.value())
    list.push_back(Json{{"ZoneId", z.id}, {"LocalName", z.name}, {"ZoneType", "AvailabilityZone"}});
  return Json{{"Zones", Json{{"Zone", list}}}};
}

Result<Json> HandleDescribeInstances(const ActionContext& c) {
  const Params& p = c.params;
  DescribeInstancesRequest req;
  CloudError err;
  req.region = p.Get("RegionId");
  bool empty_id_filter = false;
  if (const std::string* ids = p.Find("InstanceIds")) {
    if (!ParseInstanceIds(*ids, &req.instance_ids, &err)) return err;
    // The API documents "[]" as a filter that matches nothing.
    empty_id_filter = req.instance_ids.empty();
  }
  bool any_tag = false;
  for (const auto& kv : p.list()) any_tag |= kv.first.rfind("Tag.", 0) == 0;
  for (int n = 1; any_tag && n <= kMaxTags; ++n) {
    const std::string* key = p.Find(fmt::format("Tag.{}.Key", n));
    const std::string* value = p.Find(fmt::format("Tag.{}.Value", n));
    if (!key && value) return MissingParameter(fmt::format("Tag.{}.Key", n));
    if (key) req.tags.emplace_back(*key, value ? *value : std::string());
  }
  req.status = p.Get("Status");
  req.zone = p.Get("ZoneId");
  req.charge_type = p.Get("InstanceChargeType");
  bool token_paging = p.Has("NextToken") || p.Has("MaxResults");
  if (token_paging) {
    req.next_token = p.Get("NextToken");
    req.max_results = p.Int("MaxResults", 10, 1, 100, &err);
  } else {
    req.page_number = p.Int("PageNumber", 1, 1, 1'000'000, &err);
    req.page_size = p.Int("PageSize", 10, 1, 100, &err);
  }
  if (!err.code.empty()) return err;

  auto page = c.model.DescribeInstances(req);
  if (!page.ok()) return page.error();
  if (empty_id_filter) page->instances.clear(), page->total_count = 0, page->next_token.clear();
  Json j = Json::object();
  if (c.format == Format::kJson && c.raw_json_members) {
    // The hot path: instances as text, no tree per instance.
    std::string& raw = *c.raw_json_members;
    raw.reserve(raw.size() + 700 * page->instances.size() + 32);
    raw += "\"Instances\":{\"Instance\":[";
    for (size_t k = 0; k < page->instances.size(); ++k) {
      if (k) raw += ',';
      AppendInstanceJsonText(page->instances[k], &raw);
    }
    raw += "]}";
  } else {
    Json list = Json::array();
    for (const Instance& i : page->instances) list.push_back(InstanceJson(i));
    j["Instances"] = Json{{"Instance", list}};
  }
  j["TotalCount"] = page->total_count;
  j["PageNumber"] = token_paging ? 1 : (page->page_number ? page->page_number : req.page_number);
  j["PageSize"] = token_paging ? req.max_results : (page->page_size ? page->page_size : req.page_size);
  j["NextToken"] = page->next_token;
  return j;
}

Result<Json> HandleDescribeInstanceStatus(const ActionContext& c) {
  CloudError err;
  int page_number = c.params.Int("PageNumber", 1, 1, 1'000'000, &err);
  int page_size = c.params.Int("PageSize", 10, 1, 50, &err);
  if (!err.code.empty()) return err;
  int total = 0;
  auto st = c.model.DescribeInstanceStatus(c.params.Get("RegionId"), page_number, page_size, &total);
  if (!st.ok()) return st.error();
  Json list = Json::array();
  for (const auto& s : st.value())
    list.push_back(Json{{"InstanceId", s.instance_id}, {"Status", s.status}});
  return Json{{"InstanceStatuses", Json{{"InstanceStatus", list}}},
              {"TotalCount", total},
              {"PageNumber", page_number},
              {"PageSize", page_size}};
}

Result<Json> HandleDescribeInstanceTypes(const ActionContext& c) {
  CloudError err;
  DescribeInstanceTypesRequest req;
  req.region = c.params.Get("RegionId");
  req.next_token = c.params.Get("NextToken");
  // Range-checked by the model, so its cap error reaches the client as is.
  req.max_results = c.params.Int("MaxResults", kInstanceTypesMaxResults, 0, 1 << 30, &err);
  if (!err.code.empty()) return err;
  auto page = c.model.DescribeInstanceTypes(req);
  if (!page.ok()) return page.error();
  Json list = Json::array();
  for (const InstanceType& t : page->types) {
    list.push_back(Json{{"InstanceTypeId", t.id},
                        {"InstanceTypeFamily", t.family},
                        {"CpuCoreCount", t.cpu},
                        {"MemorySize", t.memory_gib},
                        {"LocalStorageCategory", t.local_storage_category},
                        {"LocalStorageAmount", t.local_storage_amount}});
  }
  return Json{{"InstanceTypes", Json{{"InstanceType", list}}}, {"NextToken", page->next_token}};
}

Result<Json> HandleDescribeResourcesModification(const ActionContext& c) {
  const Params& p = c.params;
  if (p.Get("DestinationResource") != "InstanceType")
    return InvalidParameter("DestinationResource",
                            "the emulator supports only DestinationResource=InstanceType");
  CloudError err;
  ResourcesModificationRequest req;
  req.region = p.Get("RegionId");
  req.instance_id = p.Get("ResourceId");
  req.operation = p.Has("OperationType") ? p.Get("OperationType") : "Upgrade";
  if (req.operation != "Upgrade" && req.operation != "Downgrade")
    return InvalidParameter("OperationType", "expected Upgrade or Downgrade");
  req.target_type = p.Get("InstanceType");
  req.migrate_across_zone = p.Bool("MigrateAcrossZone", &err).value_or(false);
  if (!err.code.empty()) return err;
  auto res = c.model.DescribeResourcesModification(req);
  if (!res.ok()) return res.error();
  Json supported = Json::array();
  for (const auto& cand : res->candidates) {
    supported.push_back(Json{{"Value", cand.type},
                             {"Status", cand.status},
                             {"StatusCategory", cand.status_category}});
  }
  Json resource{{"Type", "InstanceType"}, {"SupportedResources", Json{{"SupportedResource", supported}}}};
  Json zone{{"RegionId", req.region},
            {"ZoneId", res->zone},
            {"Status", "Available"},
            {"StatusCategory", "WithStock"},
            {"AvailableResources", Json{{"AvailableResource", Json::array({resource})}}}};
  return Json{{"AvailableZones", Json{{"AvailableZone", Json::array({zone})}}}};
}

Result<Json> HandleDescribeInstanceModificationPrice(const ActionContext& c) {
  ModificationPriceRequest req;
  req.region = c.params.Get("RegionId");
  req.instance_id = c.params.Get("InstanceId");
  req.target_type = c.params.Get("InstanceType");
  if (req.target_type.empty()) return MissingParameter("InstanceType");
  auto price = c.model.DescribeInstanceModificationPrice(req);
  if (!price.ok()) return price.error();
  Json pr{{"OriginalPrice", price->original},
          {"DiscountPrice", price->discount},
          {"TradePrice", price->trade},
          {"Currency", price->currency}};
  return Json{{"PriceInfo", Json{{"Price", pr}, {"Rules", Json{{"Rule", Json::array()}}}}}};
}

}  // namespace respec::emulator::http
