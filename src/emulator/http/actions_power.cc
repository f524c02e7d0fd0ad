// Power actions and the pay-as-you-go spec change, which only answers
// PrePaid instances with the documented error.
#include "emulator/http/actions.h"

#include <fmt/format.h>

namespace respec::emulator::http {

Result<Json> HandleStopInstance(const ActionContext& c) {
  CloudError err;
  std::optional<bool> force = c.params.Bool("ForceStop", &err);
  if (!err.code.empty()) return err;
  auto r = c.model.StopInstanceWith(c.params.Get("RegionId"), c.params.Get("InstanceId"), force.value_or(false),
                                    c.params.Get("StoppedMode"));
  if (!r.ok()) return r.error();
  return Json::object();
}

Result<Json> HandleStartInstance(const ActionContext& c) {
  auto r = c.model.StartInstance(c.params.Get("RegionId"), c.params.Get("InstanceId"));
  if (!r.ok()) return r.error();
  return Json::object();
}

Result<Json> HandleRebootInstance(const ActionContext& c) {
  auto r = c.model.RebootInstance(c.params.Get("RegionId"), c.params.Get("InstanceId"));
  if (!r.ok()) return r.error();
  return Json::object();
}

namespace {

// StopInstances / StartInstances / RebootInstances: InstanceId.1..N (the
// SDKs flatten the array so), RegionId, BatchOptimization (AllTogether,
// the API's default, or SuccessFirst) and ForceStop / ForceReboot.
Result<Json> HandlePowerBatch(const ActionContext& c, PowerAction action, std::string_view force_param) {
  CloudError err;
  PowerBatchRequest req;
  req.action = action;
  req.region = c.params.Get("RegionId");
  for (int n = 1; n <= kPowerBatchMax + 1; ++n) {
    const std::string* id = c.params.Find("InstanceId." + std::to_string(n));
    if (!id) break;
    if (n > kPowerBatchMax)
      return InvalidParameter("InstanceId.N", fmt::format("at most {} instances per request", kPowerBatchMax));
    if (id->empty()) return InvalidParameter("InstanceId." + std::to_string(n), "must not be empty");
    req.instance_ids.push_back(*id);
  }
  if (req.instance_ids.empty()) return MissingParameter("InstanceId.1");
  if (!force_param.empty()) {
    req.force = c.params.Bool(force_param, &err).value_or(false);
    if (!err.code.empty()) return err;
  }
  const std::string mode = c.params.Get("BatchOptimization");
  if (!mode.empty() && mode != "AllTogether" && mode != "SuccessFirst")
    return InvalidParameter("BatchOptimization", "must be AllTogether or SuccessFirst");
  auto r = c.model.PowerBatchWith(req, mode != "SuccessFirst", c.params.Get("StoppedMode"));
  if (!r.ok()) return r.error();
  Json list = Json::array();
  for (const auto& i : r->instances) {
    list.push_back(Json{{"InstanceId", i.instance_id},
                        {"Code", i.error ? i.error->code : std::string("200")},
                        {"Message", i.error ? i.error->message : std::string("success")},
                        {"PreviousStatus", i.previous_status},
                        {"CurrentStatus", i.current_status}});
  }
  return Json{{"InstanceResponses", Json{{"InstanceResponse", std::move(list)}}}};
}

}  // namespace

Result<Json> HandleStopInstances(const ActionContext& c) { return HandlePowerBatch(c, PowerAction::kStop, "ForceStop"); }
Result<Json> HandleStartInstances(const ActionContext& c) { return HandlePowerBatch(c, PowerAction::kStart, ""); }
Result<Json> HandleRebootInstances(const ActionContext& c) {
  return HandlePowerBatch(c, PowerAction::kReboot, "ForceReboot");
}

Result<Json> HandleModifyInstanceSpec(const ActionContext& c) {
  auto r = c.model.ModifyInstanceSpec(c.params.Get("RegionId"), c.params.Get("InstanceId"),
                                      c.params.Get("InstanceType"));
  if (!r.ok()) return r.error();
  return Json::object();
}

}  // namespace respec::emulator::http
