#include "ecs/ecs_params.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace respec::ecs {
namespace {

void Add(sign::Params* p, const char* name, const std::string& value) {
  if (!value.empty()) p->emplace_back(name, value);
}
void Add(sign::Params* p, const char* name, const std::optional<bool>& value) {
  if (value) p->emplace_back(name, *value ? "true" : "false");
}

}  // namespace

sign::Params DescribeInstancesParams(const DescribeInstancesRequest& r) {
  sign::Params p;
  Add(&p, "RegionId", r.region);
  if (!r.instance_ids.empty()) {
    // The API takes a JSON array of up to 100 IDs in one parameter.
    p.emplace_back("InstanceIds", nlohmann::json(r.instance_ids).dump());
  }
  for (size_t i = 0; i < r.tags.size(); ++i) {
    p.emplace_back(fmt::format("Tag.{}.Key", i + 1), r.tags[i].first);
    if (!r.tags[i].second.empty()) p.emplace_back(fmt::format("Tag.{}.Value", i + 1), r.tags[i].second);
  }
  Add(&p, "Status", r.status);
  Add(&p, "ZoneId", r.zone);
  Add(&p, "InstanceChargeType", r.charge_type);
  if (r.page_number > 0) {
    // PageNumber paging (what older SDKs and tools use); exclusive with NextToken.
    p.emplace_back("PageNumber", std::to_string(r.page_number));
    if (r.page_size > 0) p.emplace_back("PageSize", std::to_string(r.page_size));
  } else {
    Add(&p, "NextToken", r.next_token);
    if (r.max_results > 0) p.emplace_back("MaxResults", std::to_string(r.max_results));
  }
  return p;
}

sign::Params DescribeInstanceTypesParams(const DescribeInstanceTypesRequest& r) {
  // No RegionId: the action is global (cloud.h); the region picks the endpoint.
  sign::Params p;
  Add(&p, "NextToken", r.next_token);
  if (r.max_results > 0) p.emplace_back("MaxResults", std::to_string(r.max_results));
  return p;
}

sign::Params ResourcesModificationParams(const ResourcesModificationRequest& r) {
  sign::Params p;
  Add(&p, "RegionId", r.region);
  Add(&p, "ResourceId", r.instance_id);
  p.emplace_back("DestinationResource", "InstanceType");
  Add(&p, "OperationType", r.operation);
  Add(&p, "InstanceType", r.target_type);
  if (r.migrate_across_zone) p.emplace_back("MigrateAcrossZone", "true");
  return p;
}

sign::Params ModificationPriceParams(const ModificationPriceRequest& r) {
  sign::Params p;
  Add(&p, "RegionId", r.region);
  Add(&p, "InstanceId", r.instance_id);
  Add(&p, "InstanceType", r.target_type);
  return p;
}

// Stop/Start/RebootInstance take no RegionId (API references, SDK models;
// found by tests/conformance/compare_requests.js): the endpoint is the region.
sign::Params PowerParams(const std::string& instance_id) {
  sign::Params p;
  Add(&p, "InstanceId", instance_id);
  return p;
}

sign::Params StopParams(const std::string& instance_id, bool force_stop) {
  sign::Params p = PowerParams(instance_id);
  if (force_stop) Add(&p, "ForceStop", true);
  return p;
}

sign::Params PowerBatchParams(const PowerBatchRequest& r) {
  sign::Params p;
  Add(&p, "RegionId", r.region);
  for (size_t i = 0; i < r.instance_ids.size(); ++i) p.emplace_back("InstanceId." + std::to_string(i + 1), r.instance_ids[i]);
  Add(&p, "BatchOptimization", std::string("SuccessFirst"));
  if (r.force && r.action == PowerAction::kStop) Add(&p, "ForceStop", true);
  if (r.force && r.action == PowerAction::kReboot) Add(&p, "ForceReboot", true);
  return p;
}

sign::Params ModifyPrepayParams(const ModifyPrepaySpecRequest& r) {
  sign::Params p;
  Add(&p, "RegionId", r.region);
  Add(&p, "InstanceId", r.instance_id);
  Add(&p, "InstanceType", r.instance_type);
  Add(&p, "OperatorType", r.operator_type);
  Add(&p, "ClientToken", r.client_token);
  Add(&p, "AutoPay", r.auto_pay);
  Add(&p, "MigrateAcrossZone", r.migrate_across_zone);
  Add(&p, "SystemDisk.Category", r.system_disk_category);
  Add(&p, "RebootTime", r.reboot_time);
  Add(&p, "EndTime", r.end_time);
  Add(&p, "RebootWhenFinished", r.reboot_when_finished);
  return p;
}

}  // namespace respec::ecs
