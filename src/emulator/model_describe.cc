// The read-only actions: DescribeInstances (filters, both paging styles),
// DescribeInstanceTypes, DescribeResourcesModification,
// DescribeInstanceModificationPrice, DescribeRegions/Zones/InstanceStatus.
//
// DescribeInstanceModificationPrice prices upgrades only, as the real API
// documents ("cannot be queried when the instance configurations are
// downgraded"): a downgrade target (IsUpgrade false) gets OperationDenied. The price is
// the monthly list-price difference times the remaining subscription, prorated
// by whole days (30 days a month), in CNY, without discount.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/timefmt.h"
#include "emulator/model_impl.h"

namespace respec::emulator {
namespace {

constexpr std::string_view kTokenPrefix = "rt1.";

std::string Missing(std::string_view name) {
  return fmt::format(
      "The input parameter \"{}\" that is mandatory for processing this request is not supplied.",
      name);
}

bool TagsMatch(const Instance& in, const std::vector<Tag>& want) {
  for (const auto& [k, v] : want) {
    bool found = false;
    for (const auto& [ik, iv] : in.tags)
      if (ik == k && (v.empty() || iv == v)) found = true;
    if (!found) return false;
  }
  return true;
}

}  // namespace

Result<DescribeInstancesPage> Model::DescribeInstances(const DescribeInstancesRequest& req) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  constexpr std::string_view action = "DescribeInstances";
  auto fail = [&](std::string_view code, std::string msg = {}) {
    return m.Error(code, action, "", std::move(msg));
  };
  if (req.region.empty()) return fail("MissingParameter", Missing("RegionId"));
  if (req.instance_ids.size() > 100)
    return fail("InvalidParameter",
                fmt::format("The specified parameter \"InstanceIds\" is not valid: {} IDs given, at "
                            "most 100 are allowed.",
                            req.instance_ids.size()));
  const bool by_page = req.page_number > 0 || req.page_size > 0;
  int page_number = req.page_number > 0 ? req.page_number : 1;
  int page_size = req.page_size > 0 ? req.page_size : 10;
  if (by_page && (req.page_number < 0 || page_size > 100))
    return fail("InvalidParameter",
                "The specified parameter \"PageSize\" is not valid: use 1 to 100 (PageNumber >= 1).");
  int max_results = req.max_results > 0 ? req.max_results : 10;
  if (!by_page && (req.max_results < 0 || max_results > 100))
    return fail("InvalidParameter", "The specified parameter \"MaxResults\" is not valid: use 1 to 100.");
  std::string start_after;
  if (!by_page && !req.next_token.empty()) {
    if (req.next_token.rfind(kTokenPrefix, 0) != 0)
      return fail("InvalidParameter", "The specified parameter \"NextToken\" is not valid.");
    start_after = req.next_token.substr(kTokenPrefix.size());
  }
  if (!m.FindRegion(req.region)) return fail("InvalidRegionId.NotFound");

  // Candidates in ID order: the named ones, or the whole (sorted) fleet.
  std::vector<size_t> candidates;
  if (!req.instance_ids.empty()) {
    for (const auto& id : req.instance_ids) {
      auto it = m.by_id.find(id);
      if (it != m.by_id.end()) candidates.push_back(it->second);
    }
    // Instances are stored in ID order, so sorted indices are sorted IDs.
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  } else {
    candidates.resize(m.instances.size());
    for (size_t i = 0; i < candidates.size(); ++i) candidates[i] = i;
  }

  const TimePoint now = m.Now();
  std::vector<size_t> matching;
  matching.reserve(candidates.size());
  for (size_t i : candidates) {
    LiveInstance& li = m.instances[i];
    const Instance& in = li.w.instance;
    if (li.w.released || in.region != req.region) continue;
    if (!req.zone.empty() && in.zone != req.zone) continue;
    if (!req.charge_type.empty() && in.charge_type != req.charge_type) continue;
    if (!req.tags.empty() && !TagsMatch(in, req.tags)) continue;
    m.Advance(li, now);
    if (!req.status.empty() && in.status != req.status) continue;
    matching.push_back(i);
  }

  DescribeInstancesPage page;
  page.total_count = int(matching.size());
  size_t begin = 0, end = 0;
  if (by_page) {
    begin = std::min(matching.size(), size_t(page_number - 1) * size_t(page_size));
    end = std::min(matching.size(), begin + size_t(page_size));
    page.page_number = page_number;
    page.page_size = page_size;
  } else {
    if (!start_after.empty())
      begin = size_t(std::lower_bound(matching.begin(), matching.end(), start_after,
                                      [&](size_t i, const std::string& id) {
                                        return m.instances[i].w.instance.id < id;
                                      }) -
                     matching.begin());
    end = std::min(matching.size(), begin + size_t(max_results));
    if (end < matching.size())
      page.next_token = std::string(kTokenPrefix) + m.instances[matching[end]].w.instance.id;
  }
  page.instances.reserve(end - begin);
  for (size_t k = begin; k < end; ++k) page.instances.push_back(m.instances[matching[k]].w.instance);
  page.request_id = m.NewRequestIdLocked();
  return page;
}

Result<DescribeInstanceTypesPage> Model::DescribeInstanceTypes(const DescribeInstanceTypesRequest& req) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  constexpr std::string_view action = "DescribeInstanceTypes";
  if (!req.region.empty() && !m.FindRegion(req.region))
    return m.Error("InvalidRegionId.NotFound", action, "");
  size_t begin = 0;
  if (!req.next_token.empty()) {
    const std::string& t = req.next_token;
    bool ok = t.rfind(kTokenPrefix, 0) == 0 && t.size() > kTokenPrefix.size() &&
              t.size() < kTokenPrefix.size() + 9 &&
              std::all_of(t.begin() + long(kTokenPrefix.size()), t.end(), ::isdigit);
    if (!ok) return m.Error("InvalidParameter", action, "", "The specified parameter \"NextToken\" is not valid.");
    begin = std::min(m.world.catalog.size(), size_t(std::stoul(t.substr(kTokenPrefix.size()))));
  }
  if (req.max_results < 0 || req.max_results > kInstanceTypesMaxResults)
    return m.Error("InvalidParameter", action, "",
                   fmt::format("The specified parameter \"MaxResults\" ({}) is not valid: the "
                               "maximum is {}.",
                               req.max_results, kInstanceTypesMaxResults));
  size_t count = req.max_results > 0 ? size_t(req.max_results) : size_t(kInstanceTypesMaxResults);
  size_t end = std::min(m.world.catalog.size(), begin + count);
  DescribeInstanceTypesPage page;
  for (size_t i = begin; i < end; ++i) page.types.push_back(m.world.catalog[i].type);
  if (end < m.world.catalog.size()) page.next_token = fmt::format("{}{}", kTokenPrefix, end);
  page.request_id = m.NewRequestIdLocked();
  return page;
}

Result<ResourcesModificationResult> Model::DescribeResourcesModification(
    const ResourcesModificationRequest& req) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  constexpr std::string_view action = "DescribeResourcesModification";
  const std::string& id = req.instance_id;
  auto fail = [&](std::string_view code, std::string msg = {}) {
    return m.Error(code, action, id, std::move(msg));
  };
  if (req.region.empty()) return fail("MissingParameter", Missing("RegionId"));
  if (id.empty()) return fail("MissingParameter", Missing("ResourceId"));
  if (req.operation != "Upgrade" && req.operation != "Downgrade")
    return fail("InvalidParameter",
                fmt::format("The specified parameter \"OperationType\" ({}) is not valid: use "
                            "Upgrade or Downgrade.",
                            req.operation));
  if (!m.FindRegion(req.region)) return fail("InvalidRegionId.NotFound");
  LiveInstance* li = m.Find(id);
  if (!li || li->w.released || li->w.instance.region != req.region)
    return fail("InvalidInstanceId.NotFound");
  const Instance& in = li->w.instance;
  ResourcesModificationResult out;
  out.zone = in.zone;
  const CatalogType* cur = m.FindType(in.type);
  const Image* image = m.FindImage(in.image_id);
  const bool upgrade = req.operation == "Upgrade";
  if (cur && cur->type.local_storage_category.empty()) {
    for (const CatalogType& t : m.world.catalog) {
      if (t.retired || !t.type.local_storage_category.empty() || t.type.id == in.type) continue;
      if (!req.target_type.empty() && t.type.id != req.target_type) continue;
      if (image && !image->allowed_families.empty() &&
          std::find(image->allowed_families.begin(), image->allowed_families.end(),
                    t.type.family) == image->allowed_families.end())
        continue;
      if (IsUpgrade(*cur, t) != upgrade) continue;
      std::string category = m.StockStatus(in.zone, t.type.id);
      bool available = category == "WithStock" || category == "ClosedWithStock";
      out.candidates.push_back({t.type.id, available ? "Available" : "SoldOut", category});
    }
  }
  out.request_id = m.NewRequestIdLocked();
  return out;
}

Result<Price> Model::DescribeInstanceModificationPrice(const ModificationPriceRequest& req) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  constexpr std::string_view action = "DescribeInstanceModificationPrice";
  const std::string& id = req.instance_id;
  auto fail = [&](std::string_view code, std::string msg = {}) {
    return m.Error(code, action, id, std::move(msg));
  };
  if (req.region.empty()) return fail("MissingParameter", Missing("RegionId"));
  if (id.empty()) return fail("MissingParameter", Missing("InstanceId"));
  if (req.target_type.empty()) return fail("MissingParameter", Missing("InstanceType"));
  if (!m.FindRegion(req.region)) return fail("InvalidRegionId.NotFound");
  LiveInstance* li = m.Find(id);
  if (!li || li->w.instance.region != req.region) return fail("InvalidInstanceId.NotFound");
  if (li->w.released) return fail("InvalidInstanceId.Released");
  const Instance& in = li->w.instance;
  if (in.charge_type != "PrePaid")
    return fail("InvalidInstanceChargeType.ValueNotSupported",
                fmt::format("The instance {} is pay-as-you-go; only subscription (PrePaid) "
                            "instances have a modification price. Use DescribePrice.",
                            in.id));
  const TimePoint now = m.Now();
  auto expires = ParseUtcTime(in.expired_time);
  if (!expires || *expires <= now) return fail("InvalidInstance.PreInstanceExpired");
  const CatalogType* cur = m.FindType(in.type);
  const CatalogType* target = m.FindType(req.target_type);
  if (!target) return m.ErrorRow("InvalidInstanceType.ValueNotSupported", "does not exist", action, id);
  if (target->retired)
    return fail("InstanceType.Offline",
                fmt::format("The instance type {} is retired (offline).", target->type.id));
  if (!cur) return fail("InvalidInstanceType.ValueNotSupported",
                        fmt::format("The current instance type {} has no price.", in.type));
  if (!IsUpgrade(*cur, *target))
    return fail("OperationDenied",
                fmt::format("DescribeInstanceModificationPrice prices upgrades only; {} is a downgrade from "
                            "{} (a downgrade is refunded, not priced).",
                            target->type.id, cur->type.id));
  using namespace std::chrono;
  double days = std::ceil(duration<double>(*expires - now).count() / 86400.0);
  double diff = std::max(0.0, target->monthly_price - cur->monthly_price);
  Price p;
  p.original = std::round(diff * days / 30.0 * 100.0) / 100.0;
  p.discount = 0;
  p.trade = p.original;
  p.currency = "CNY";
  p.request_id = m.NewRequestIdLocked();
  return p;
}

Result<std::vector<Region>> Model::DescribeRegions() {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->world.regions;
}

Result<std::vector<Zone>> Model::DescribeZones(const std::string& region) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  if (region.empty()) return m.Error("MissingParameter", "DescribeZones", "", Missing("RegionId"));
  const Region* r = m.FindRegion(region);
  if (!r) return m.Error("InvalidRegionId.NotFound", "DescribeZones", "");
  return r->zones;
}

Result<std::vector<InstanceStatusEntry>> Model::DescribeInstanceStatus(const std::string& region,
                                                                       int page_number, int page_size,
                                                                       int* total_count) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  constexpr std::string_view action = "DescribeInstanceStatus";
  if (region.empty()) return m.Error("MissingParameter", action, "", Missing("RegionId"));
  if (page_number < 0 || page_size < 0 || page_size > 50)
    return m.Error("InvalidParameter", action, "",
                   "The specified parameter \"PageSize\" is not valid: use 1 to 50 (PageNumber >= 1).");
  if (!m.FindRegion(region)) return m.Error("InvalidRegionId.NotFound", action, "");
  if (page_number == 0) page_number = 1;
  if (page_size == 0) page_size = 10;
  const TimePoint now = m.Now();
  std::vector<InstanceStatusEntry> all;
  int total = 0;
  size_t begin = size_t(page_number - 1) * size_t(page_size);
  for (auto& li : m.instances) {
    if (li.w.released || li.w.instance.region != region) continue;
    size_t k = size_t(total++);
    if (k < begin || k >= begin + size_t(page_size)) continue;
    m.Advance(li, now);
    all.push_back({li.w.instance.id, li.w.instance.status});
  }
  if (total_count) *total_count = total;
  return all;
}

}  // namespace respec::emulator
