// Power actions and the pay-as-you-go spec change, which only answers
// PrePaid instances with the documented error.
#include "emulator/http/actions.h"

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

Result<Json> HandleModifyInstanceSpec(const ActionContext& c) {
  auto r = c.model.ModifyInstanceSpec(c.params.Get("RegionId"), c.params.Get("InstanceId"),
                                      c.params.Get("InstanceType"));
  if (!r.ok()) return r.error();
  return Json::object();
}

}  // namespace respec::emulator::http
