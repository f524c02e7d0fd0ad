#include "emulator/http/actions.h"

#include "emulator/http/instance_shape.h"

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
      {"StopInstances", {"RegionId"}, HandleStopInstances},
      {"StartInstances", {"RegionId"}, HandleStartInstances},
      {"RebootInstances", {"RegionId"}, HandleRebootInstances},
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
  Json j = Json::object();
  JsonTreeWriter w(&j);
  VisitInstance(i, w);
  return j;
}

void AppendInstanceJsonText(const Instance& i, std::string* out) {
  JsonTextWriter w(out);
  w.Open();
  VisitInstance(i, w);
  w.Close();
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
