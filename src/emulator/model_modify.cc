// ModifyPrepayInstanceSpec, rule by rule from the two seed documents, and
// its pay-as-you-go counterpart ModifyInstanceSpec.
//
// Interpretations (where the seeds leave room):
// - "special instance with EIP": a classic-network instance with an EIP
//   (InstanceNetworkType=classic and EipAddress set) -> InvalidInstance.EipNotSupport.
// - A target smaller in vCPU and memory without OperatorType=downgrade ->
//   InvalidParameter naming OperatorType (no documented dedicated code).
//   Mixed changes (more vCPU, less memory or the reverse) follow OperatorType.
// - AutoPay=false on an upgrade leaves an unpaid order that never takes
//   effect (nothing here pays it); it does not block later orders.
// - The downgrade count is charged when the order is accepted.
// - Expired: ExpiredTime <= now, or a "financial" operation lock.
// - An upgrade of an instance that is Pending, Starting or Stopping gets
//   IncorrectInstanceStatus (the current reference allows Running or Stopped).
#include <fmt/format.h>

#include <algorithm>

#include "core/timefmt.h"
#include "emulator/model_impl.h"

namespace respec::emulator {
namespace {

constexpr std::string_view kAction = "ModifyPrepayInstanceSpec";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

std::string Missing(std::string_view name) {
  return fmt::format(
      "The input parameter \"{}\" that is mandatory for processing this request is not supplied.",
      name);
}

std::string Fingerprint(const ModifyPrepaySpecRequest& r, const std::string& op) {
  auto b = [](const std::optional<bool>& v, bool dflt) { return v.value_or(dflt) ? "1" : "0"; };
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", r.region, r.instance_id, r.instance_type, op,
                     b(r.auto_pay, true), b(r.migrate_across_zone, false), r.system_disk_category,
                     r.reboot_time, r.end_time, b(r.reboot_when_finished, false));
}

bool IsExpired(const Instance& in, TimePoint now) {
  if (std::find(in.lock_reasons.begin(), in.lock_reasons.end(), "financial") != in.lock_reasons.end())
    return true;
  auto t = ParseUtcTime(in.expired_time);
  return t && *t <= now;
}

}  // namespace

Result<ModifyPrepaySpecResult> Model::ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& req) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  const std::string& id = req.instance_id;
  auto fail = [&](std::string_view code, std::string msg = {}) {
    return m.Error(code, kAction, id, std::move(msg));
  };
  const TimePoint now = m.Now();

  // --- Parameters, before anything is looked up ---
  if (req.region.empty()) return fail("MissingParameter", Missing("RegionId"));
  if (id.empty()) return fail("MissingParameter", Missing("InstanceId"));
  if (req.instance_type.empty()) return fail("MissingParameter", Missing("InstanceType"));
  if (req.client_token.size() > 64 || !IsAscii(req.client_token))
    return fail("InvalidParameter",
                "The specified parameter \"ClientToken\" is not valid: it must be ASCII and at "
                "most 64 characters.");
  std::string op = req.operator_type.empty() ? "upgrade" : Lower(req.operator_type);
  if (op != "upgrade" && op != "downgrade")
    return fail("InvalidParameter",
                fmt::format("The specified parameter \"OperatorType\" ({}) is not valid: use "
                            "upgrade or downgrade.",
                            req.operator_type));
  const std::string& disk = req.system_disk_category;
  if (!disk.empty() && disk != "cloud_efficiency" && disk != "cloud_ssd")
    return fail("InvalidParameter",
                fmt::format("The specified parameter \"SystemDisk.Category\" ({}) is not valid: "
                            "use cloud_efficiency or cloud_ssd.",
                            disk));
  std::optional<TimePoint> reboot_at;
  if (!req.reboot_time.empty()) {
    reboot_at = ParseUtcTime(req.reboot_time);
    if (!reboot_at) return fail("InvalidRebootTime.MalFormed");
    if (*reboot_at <= now) return fail("InvalidRebootTime.ValueNotSupported");
  }
  if (!req.end_time.empty() && !ParseUtcTime(req.end_time))
    return fail("InvalidParameter",
                fmt::format("The specified parameter \"EndTime\" ({}) is not valid: use "
                            "yyyy-MM-ddTHH:mm:ssZ in UTC.",
                            req.end_time));
  if (!m.FindRegion(req.region)) return fail("InvalidRegionId.NotFound");

  // --- Idempotence: a retry with the same token gets the first answer ---
  const std::string fingerprint = Fingerprint(req, op);
  if (!req.client_token.empty()) {
    auto it = m.tokens.find(req.client_token);
    if (it != m.tokens.end()) {
      if (it->second.fingerprint != fingerprint)
        return m.ErrorRow("IdempotenceParamNotMatch", "client token", kAction, id);
      ModifyPrepaySpecResult again = it->second.result;
      again.request_id = m.NewRequestIdLocked();
      return again;
    }
  }

  // --- The instance ---
  LiveInstance* li = m.Find(id);
  if (!li || li->w.instance.region != req.region) return fail("InvalidInstanceId.NotFound");
  if (li->w.released) return fail("InvalidInstanceId.Released");
  m.Advance(*li, now);
  Instance& in = li->w.instance;
  if (in.charge_type != "PrePaid")
    return fail("InvalidInstanceChargeType.ValueNotSupported",
                fmt::format("The instance {} is {} (pay-as-you-go); ModifyPrepayInstanceSpec only "
                            "changes subscription (PrePaid) instances. Use ModifyInstanceSpec.",
                            in.id, in.charge_type));
  if (!m.world.account.billing_method) return fail("BillingMethodNotFound");
  if (IsExpired(in, now)) return fail("InvalidInstance.PreInstanceExpired");
  if (li->open_order) return fail("LastOrderProcessing");
  const CatalogType* cur = m.FindType(in.type);
  if (cur && !cur->type.local_storage_category.empty())
    return fail("OperationDenied.LocalDiskUnsupported");
  if (in.network_type == "classic" && !in.eip_address.empty())
    return fail("InvalidInstance.EipNotSupport");

  // --- The target type ---
  const CatalogType* target = m.FindType(req.instance_type);
  if (!target) return m.ErrorRow("InvalidInstanceType.ValueNotSupported", "does not exist", kAction, id);
  if (target->retired)
    return fail("InstanceType.Offline",
                fmt::format("The instance type {} is retired (offline) and cannot be a target; "
                            "choose a current generation.",
                            target->type.id));
  if (target->type.id == in.type)
    return fail("InvalidInstanceType.ValueNotSupported",
                fmt::format("The instance {} is already of type {}.", in.id, in.type));
  if (!target->type.local_storage_category.empty())
    return fail("InvalidInstanceType.ValueNotSupported",
                fmt::format("The instance type {} has local disks; a cloud-disk instance cannot "
                            "change to it.",
                            target->type.id));
  if (cur) {
    bool up = IsUpgrade(*cur, *target);
    if (!up && op != "downgrade")
      return fail("InvalidParameter",
                  fmt::format("The target InstanceType {} is a downgrade from the current {}: set "
                              "\"OperatorType\" to downgrade.",
                              target->type.id, cur->type.id));
    if (up && op == "downgrade")
      return fail("InvalidParameter",
                  fmt::format("The target InstanceType {} is an upgrade from the current {}: "
                              "\"OperatorType\" must be upgrade.",
                              target->type.id, cur->type.id));
  }
  std::string stock = m.StockStatus(in.zone, target->type.id);
  if (stock == "WithoutStock" || stock == "ClosedWithoutStock")
    return m.ErrorRow("OperationDenied.NoStock", "specified zone", kAction, id);
  if (const Image* image = m.FindImage(in.image_id)) {
    const auto& fams = image->allowed_families;
    if (!fams.empty() && std::find(fams.begin(), fams.end(), target->type.family) == fams.end())
      return m.ErrorRow("ImageNotSupportInstanceType", "marketplace", kAction, id);
  }

  // --- Direction-specific rules ---
  if (op == "downgrade") {
    if (in.status != kStopped) return fail("InvalidStatus.NotStopped");
    if (li->w.downgrades_used >= 3) return fail("InstanceDowngrade.QuotaExceed");
  } else {
    // The current reference: an upgrade needs a Running or Stopped instance.
    if (in.status != kRunning && in.status != kStopped)
      return fail("IncorrectInstanceStatus",
                  fmt::format("The current status of the resource does not support this operation. "
                              "(instance {} is {}; an upgrade needs Running or Stopped)",
                              in.id, in.status));
    if (m.world.account.in_arrears) return fail("Account.Arrearage");
  }

  // --- Accepted: place the order ---
  Order o;
  o.order_id = std::to_string(m.next_order_id);
  m.next_order_id += 1 + m.order_rng() % 97;
  o.instance_id = in.id;
  o.region = in.region;
  o.client_token = req.client_token;
  o.instance_type = target->type.id;
  o.from_type = in.type;
  o.operator_type = op;
  o.time = FormatUtcSeconds(now);
  o.paid = op == "downgrade" || req.auto_pay.value_or(true);
  if (o.paid) {
    auto span = (m.timing.order_max - m.timing.order_min).count();
    Millis delay = m.timing.order_min + Millis(span > 0 ? int64_t(m.order_rng() % uint64_t(span + 1)) : 0);
    li->order_done_at = now + delay;
    li->open_order = m.orders.size();
    li->reboot_when_finished = req.reboot_when_finished.value_or(false);
    li->reboot_at = reboot_at;
    o.status = "Processing";
    o.complete_time = FormatUtcSeconds(li->order_done_at);
  } else {
    o.status = "Unpaid";
  }
  if (op == "downgrade") ++li->w.downgrades_used;
  ModifyPrepaySpecResult result{o.order_id, m.NewRequestIdLocked()};
  m.orders.push_back(std::move(o));
  if (!req.client_token.empty())
    m.tokens[req.client_token] = IdempotentEntry{fingerprint, result, id};
  return result;
}

Result<Ack> Model::ModifyInstanceSpec(const std::string& region, const std::string& instance_id,
                                      const std::string& instance_type) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  constexpr std::string_view action = "ModifyInstanceSpec";
  auto fail = [&](std::string_view code, std::string msg = {}, int status = 0) {
    return m.Error(code, action, instance_id, std::move(msg), status);
  };
  if (instance_id.empty()) return fail("MissingParameter", Missing("InstanceId"));
  if (!region.empty() && !m.FindRegion(region)) return fail("InvalidRegionId.NotFound");
  LiveInstance* li = m.Find(instance_id);
  if (!li || li->w.released || (!region.empty() && li->w.instance.region != region))
    return fail("InvalidInstanceId.NotFound");
  m.Advance(*li, m.Now());
  Instance& in = li->w.instance;
  // Codes of the ModifyInstanceSpec reference that error_table.h lacks carry
  // their documented HTTP status explicitly.
  if (in.charge_type == "PrePaid")
    return fail("ChargeTypeViolation",
                fmt::format("The operation is not permitted due to charge type of the instance. "
                            "({} is a subscription instance: use ModifyPrepayInstanceSpec.)",
                            in.id),
                403);
  if (instance_type.empty()) return Ack{m.NewRequestIdLocked()};  // nothing to change
  const CatalogType* cur = m.FindType(in.type);
  if (cur && !cur->type.local_storage_category.empty())
    return fail("CategoryViolation",
                "The specified instance does not support this operation because of its disk category.", 403);
  const CatalogType* target = m.FindType(instance_type);
  if (!target) return m.ErrorRow("InvalidInstanceType.ValueNotSupported", "does not exist", action, instance_id);
  if (target->retired)
    return fail("InstanceType.Offline",
                fmt::format("The specified InstanceType has been offline ({}).", target->type.id));
  if (in.status != kStopped)
    return fail("InvalidInstanceStatus.NotStopped", "The specified Instance status is not stopped.", 400);
  std::string stock = m.StockStatus(in.zone, target->type.id);
  if (stock == "WithoutStock" || stock == "ClosedWithoutStock")
    return m.ErrorRow("OperationDenied.NoStock", "specified zone", action, instance_id);
  m.SetType(*li, target->type.id);  // takes effect at the next start
  return Ack{m.NewRequestIdLocked()};
}

}  // namespace respec::emulator
