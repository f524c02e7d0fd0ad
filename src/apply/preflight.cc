#include "apply/preflight.h"

#include <fmt/format.h>

namespace respec {

std::string PlanDifference::Describe() const {
  if (field == "existence") return fmt::format("{}: no longer exists (or is not visible to this account)", instance_id);
  return fmt::format("{}: {} was {} when planned, now {}", instance_id, field, planned, live);
}

// Where a transitional status leads when nobody intervenes.
static bool SettledFrom(const std::string& planned, const std::string& live) {
  if (planned == kStarting || planned == kPending) return live == kRunning;
  if (planned == kStopping) return live == kStopped;
  return false;
}

std::optional<CloudError> ReadInstances(Cloud* cloud, const std::vector<std::pair<std::string, std::string>>& ids,
                                        std::map<std::string, Instance>* live, int* calls) {
  std::map<std::string, std::vector<std::string>> by_region;
  for (const auto& [region, id] : ids) by_region[region].push_back(id);
  for (const auto& [region, list] : by_region) {
    for (size_t i = 0; i < list.size(); i += 100) {
      DescribeInstancesRequest req;
      req.region = region;
      req.instance_ids.assign(list.begin() + i, list.begin() + std::min(list.size(), i + 100));
      req.max_results = 100;
      auto page = cloud->DescribeInstances(req);
      ++*calls;
      if (!page.ok()) return page.error();
      for (auto& inst : page->instances) (*live)[inst.id] = inst;
    }
  }
  return std::nullopt;
}

PreflightResult CheckPlanAgainstLive(const Plan& plan, Cloud* cloud,
                                     const std::set<std::string>& touched) {
  PreflightResult out;
  std::vector<std::pair<std::string, std::string>> ids;
  for (const auto& ip : plan.instances) ids.emplace_back(ip.region, ip.instance_id);
  out.error = ReadInstances(cloud, ids, &out.live, &out.calls);
  if (out.error) return out;
  for (const auto& ip : plan.instances) {
    if (touched.count(ip.instance_id)) continue;
    auto it = out.live.find(ip.instance_id);
    if (it == out.live.end()) {
      out.differences.push_back({ip.instance_id, "existence", "present", "missing"});
      continue;
    }
    const Instance& live = it->second;
    if (!ip.observed_type.empty() && live.type != ip.observed_type)
      out.differences.push_back({ip.instance_id, "type", ip.observed_type, live.type});
    if (!ip.observed_status.empty() && live.status != ip.observed_status) {
      bool settled = IsTransitional(ip.observed_status) && SettledFrom(ip.observed_status, live.status);
      // Still on its way to where it was heading: the plan's wait step handles it.
      bool same_motion = IsTransitional(ip.observed_status) && IsTransitional(live.status) &&
                         SettledFrom(ip.observed_status, kRunning) == SettledFrom(live.status, kRunning);
      if (!settled && !same_motion)
        out.differences.push_back({ip.instance_id, "status", ip.observed_status, live.status});
    }
  }
  return out;
}

}  // namespace respec
