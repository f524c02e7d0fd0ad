#include "plan/steps.h"

#include "core/sha256.h"

namespace respec {

std::string MakeClientToken(const std::string& plan_id, const std::string& instance_id,
                            const std::string& step_name) {
  return "rs-" + Sha256Hex(plan_id + "|" + instance_id + "|" + step_name).substr(0, 40);
}

ModifyPrepaySpecRequest ModifyRequestFor(const InstancePlan& in, const Step& step) {
  ModifyPrepaySpecRequest r;
  r.region = in.region;
  r.instance_id = in.instance_id;
  r.instance_type = in.target_type;
  r.operator_type = in.direction == Direction::kDowngrade ? "downgrade" : "upgrade";
  r.client_token = step.client_token;
  if (in.direction != Direction::kDowngrade) r.auto_pay = in.options.auto_pay;  // ignored on downgrade
  if (in.options.migrate_across_zone) r.migrate_across_zone = true;
  r.system_disk_category = in.options.system_disk_category;
  r.end_time = in.options.end_time;
  // respec never lets the API restart on its own: a restart is a visible
  // kReboot step (whenFinished) or a time the user chose (at).
  r.reboot_when_finished = false;
  bool was_running = in.observed_status != kStopped && in.observed_status != kStopping;
  bool restarts_itself = in.options.reboot == RebootPolicy::kAt && was_running &&
                         in.direction == Direction::kUpgrade && in.final_status == kRunning;
  if (restarts_itself) r.reboot_time = in.options.reboot_at;
  return r;
}

}  // namespace respec
