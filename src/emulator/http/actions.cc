#include "emulator/http/actions.h"

namespace respec::emulator::http {
namespace {

const std::vector<ActionSpec>& Table() {
  static const std::vector<ActionSpec> table = {
      {"DescribeRegions", {}, HandleDescribeRegions},
      {"DescribeZones", {"RegionId"}, HandleDescribeZones},
      {"DescribeInstances", {"RegionId"}, HandleDescribeInstances},
      {"DescribeInstanceStatus", {"RegionId"}, HandleDescribeInstanceStatus},
      {"DescribeInstanceTypes", {}, HandleDescribeInstanceTypes},
      {"DescribeResourcesModification",
       {"RegionId", "ResourceId", "DestinationResource"},
       HandleDescribeResourcesModification},
      {"DescribeInstanceModificationPrice",
       {"RegionId", "InstanceId"},
       HandleDescribeInstanceModificationPrice},
      {"StopInstance", {"InstanceId"}, HandleStopInstance},
      {"StartInstance", {"InstanceId"}, HandleStartInstance},
      {"RebootInstance", {"InstanceId"}, HandleRebootInstance},
      {"ModifyPrepayInstanceSpec",
       {"RegionId", "InstanceId", "InstanceType"},
       HandleModifyPrepayInstanceSpec},
      {"ModifyInstanceSpec", {"InstanceId"}, HandleModifyInstanceSpec},
  };
  return table;
}

}  // namespace

std::span<const ActionSpec> AllActions() { return Table(); }

const ActionSpec* FindAction(std::string_view name) {
  for (const auto& a : Table())
    if (a.name == name) return &a;
  return nullptr;
}

Json InstanceJson(const Instance& i) {
  Json j;
  j["InstanceId"] = i.id;
  j["InstanceName"] = i.name;
  j["RegionId"] = i.region;
  j["ZoneId"] = i.zone;
  j["InstanceType"] = i.type;
  j["InstanceTypeFamily"] = i.type_family;
  j["Cpu"] = i.cpu;
  j["Memory"] = i.memory_mib;
  j["Status"] = i.status;
  j["InstanceChargeType"] = i.charge_type;
  j["ExpiredTime"] = i.expired_time;
  j["InstanceNetworkType"] = i.network_type;
  j["ImageId"] = i.image_id;
  Json eip;
  eip["IpAddress"] = i.eip_address;
  // The API always returns the EipAddress object; IDs are empty without an EIP.
  eip["AllocationId"] = i.eip_address.empty() ? "" : "eip-" + i.id.substr(i.id.find('-') + 1);
  j["EipAddress"] = eip;
  Json tags = Json::array();
  for (const auto& [k, v] : i.tags) tags.push_back(Json{{"TagKey", k}, {"TagValue", v}});
  j["Tags"] = Json{{"Tag", tags}};
  Json locks = Json::array();
  for (const auto& r : i.lock_reasons) locks.push_back(Json{{"LockReason", r}});
  j["OperationLocks"] = Json{{"LockReason", locks}};
  return j;
}

Json OrderJson(const Order& o) {
  Json j;
  j["OrderId"] = o.order_id;
  j["InstanceId"] = o.instance_id;
  j["RegionId"] = o.region;
  j["ClientToken"] = o.client_token;
  j["InstanceType"] = o.instance_type;
  j["FromInstanceType"] = o.from_type;
  j["OperatorType"] = o.operator_type;
  j["Time"] = o.time;
  j["Paid"] = o.paid;
  j["Status"] = o.status;
  j["CompleteTime"] = o.complete_time;
  return j;
}

}  // namespace respec::emulator::http
