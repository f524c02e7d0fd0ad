// ModifyPrepayInstanceSpec: every parameter of the seed documents is read and
// type-checked here; the rules (status, downgrade quota, stock, idempotence,
// ...) are the Model's.
#include "emulator/http/actions.h"

namespace respec::emulator::http {

Result<Json> HandleModifyPrepayInstanceSpec(const ActionContext& c) {
  const Params& p = c.params;
  CloudError err;
  ModifyPrepaySpecRequest req;
  req.region = p.Get("RegionId");
  req.instance_id = p.Get("InstanceId");
  req.instance_type = p.Get("InstanceType");
  req.operator_type = p.Get("OperatorType");
  req.client_token = p.Get("ClientToken");
  req.auto_pay = p.Bool("AutoPay", &err);
  req.migrate_across_zone = p.Bool("MigrateAcrossZone", &err);
  req.reboot_when_finished = p.Bool("RebootWhenFinished", &err);
  req.system_disk_category = p.Get("SystemDisk.Category");
  req.reboot_time = p.Get("RebootTime");
  req.end_time = p.Get("EndTime");
  if (!err.code.empty()) return err;
  if (!req.operator_type.empty() && req.operator_type != "upgrade" &&
      req.operator_type != "downgrade")
    return InvalidParameter("OperatorType", "expected upgrade or downgrade");
  if (!req.system_disk_category.empty() && req.system_disk_category != "cloud_efficiency" &&
      req.system_disk_category != "cloud_ssd")
    return InvalidParameter("SystemDisk.Category", "expected cloud_efficiency or cloud_ssd");

  auto r = c.model.ModifyPrepayInstanceSpec(req);
  if (!r.ok()) return r.error();
  // The API documents OrderId as a String.
  return Json{{"OrderId", r->order_id}};
}

}  // namespace respec::emulator::http
