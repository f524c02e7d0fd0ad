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
// - Expired: ExpiredTime <= now, or a "financial" operation lock; any other
//   lock (security, recycling, ...) -> InvalidInstanceStatus.
// - InstanceId not shaped like one ID (a list, spaces) ->
//   InvalidParameter.InstanceId; InstanceType not ecs.<family>.<size> ->
//   InvalidInstanceType.NotSupported; well-formed but unknown ->
//   InvalidInstanceType.ValueNotSupported.
// - EndTime with OperatorType=downgrade -> InvalidAction (a temporary change
//   is an upgrade).
// - Stock: WithoutStock -> the NoStock row "out of stock in the specified
//   zone"; ClosedWithoutStock (withdrawn) -> the row "out of usage".
// - Images: a marketplace image (m-...) -> the marketplace row of
//   ImageNotSupportInstanceType; any other image -> the image row.
// - The world-file triggers of world.h (authorized, purchase_history,
//   billing_method_supported, ram_role + pass_role, address limits,
//   order_creation_failures) give the remaining seed codes.
// - An upgrade of an instance that is Pending, Starting or Stopping gets
//   IncorrectInstanceStatus (the current reference allows Running or Stopped).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

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

// A lock other than the financial one (which is expiry): security,
// recycling, dedicatedhostfinancial, refunded.
const std::string* NonFinancialLock(const Instance& in) {
  for (const auto& r : in.lock_reasons)
    if (r != "financial") return &r;
  return nullptr;
}

// One instance ID per call, made of letters, digits, '-' and '_'; anything
// else (a list, spaces) is InvalidParameter.InstanceId.
bool InstanceIdShaped(const std::string& id) {
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

// ecs.<family>.<size>, lower-case letters, digits and '-'.
bool InstanceTypeShaped(const std::string& t) {
  auto ok = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) {
      return std::islower(c) || std::isdigit(c) || c == '-';
    });
  };
  if (t.rfind("ecs.", 0) != 0) return false;
  std::string_view rest = std::string_view(t).substr(4);
  auto dot = rest.find('.');
  return dot != std::string_view::npos && ok(rest.substr(0, dot)) && ok(rest.substr(dot + 1));
}

// What the checks of one ModifyPrepayInstanceSpec request established.
struct ModifyCall {
  ModifyCall(const ModifyPrepaySpecRequest& r, ModelState& state) : req(r), m(state), now(state.Now()) {}
  const ModifyPrepaySpecRequest& req;
  ModelState& m;
  TimePoint now;
  std::string op;                       // upgrade | downgrade
  std::optional<TimePoint> reboot_at;
  LiveInstance* li = nullptr;
  const CatalogType* cur = nullptr;     // null when the instance's type left the catalog
  const CatalogType* target = nullptr;

  CloudError Fail(std::string_view code, std::string msg = {}) const {
    return m.Error(code, kAction, req.instance_id, std::move(msg));
  }
  CloudError FailRow(std::string_view code, std::string_view hint) const {
    return m.ErrorRow(code, hint, kAction, req.instance_id);
  }
};

using Refusal = std::optional<CloudError>;

// Parameters, before anything is looked up.
Refusal CheckParameters(ModifyCall& c) {
  const ModifyPrepaySpecRequest& req = c.req;
  if (req.region.empty()) return c.Fail("MissingParameter", Missing("RegionId"));
  if (req.instance_id.empty()) return c.Fail("MissingParameter", Missing("InstanceId"));
  if (!InstanceIdShaped(req.instance_id))
    return c.Fail("InvalidParameter.InstanceId",
                  fmt::format("The specified parameter \"InstanceId\" is not valid: one instance ID "
                              "per call ({} characters given, not an ID).",
                              req.instance_id.size()));
  if (req.instance_type.empty()) return c.Fail("MissingParameter", Missing("InstanceType"));
  if (!InstanceTypeShaped(req.instance_type)) return c.Fail("InvalidInstanceType.NotSupported");
  if (req.client_token.size() > 64 || !IsAscii(req.client_token))
    return c.Fail("InvalidParameter",
                  "The specified parameter \"ClientToken\" is not valid: it must be ASCII and at "
                  "most 64 characters.");
  c.op = req.operator_type.empty() ? "upgrade" : Lower(req.operator_type);
  if (c.op != "upgrade" && c.op != "downgrade")
    return c.Fail("InvalidParameter",
                  fmt::format("The specified parameter \"OperatorType\" ({}) is not valid: use "
                              "upgrade or downgrade.",
                              req.operator_type));
  const std::string& disk = req.system_disk_category;
  if (!disk.empty() && disk != "cloud_efficiency" && disk != "cloud_ssd")
    return c.Fail("InvalidParameter",
                  fmt::format("The specified parameter \"SystemDisk.Category\" ({}) is not valid: "
                              "use cloud_efficiency or cloud_ssd.",
                              disk));
  if (!req.reboot_time.empty()) {
    c.reboot_at = ParseUtcTime(req.reboot_time);
    if (!c.reboot_at) return c.Fail("InvalidRebootTime.MalFormed");
    if (*c.reboot_at <= c.now) return c.Fail("InvalidRebootTime.ValueNotSupported");
  }
  if (!req.end_time.empty() && !ParseUtcTime(req.end_time))
    return c.Fail("InvalidParameter",
                  fmt::format("The specified parameter \"EndTime\" ({}) is not valid: use "
                              "yyyy-MM-ddTHH:mm:ssZ in UTC.",
                              req.end_time));
  // EndTime ends a temporary change, which the seeds describe for upgrades.
  if (!req.end_time.empty() && c.op == "downgrade")
    return c.Fail("InvalidAction",
                  "EndTime (a temporary change) is not valid with OperatorType=downgrade.");
  if (!c.m.FindRegion(req.region)) return c.Fail("InvalidRegionId.NotFound");
  return std::nullopt;
}

// The instance: exists, is a subscription the account may change, is not
// expired, locked or busy, and has no property that forbids a change.
Refusal CheckInstance(ModifyCall& c) {
  ModelState& m = c.m;
  c.li = m.Find(c.req.instance_id);
  if (!c.li || c.li->w.instance.region != c.req.region) return c.Fail("InvalidInstanceId.NotFound");
  if (c.li->w.released) return c.Fail("InvalidInstanceId.Released");
  m.Advance(*c.li, c.now);
  const WorldInstance& w = c.li->w;
  const Instance& in = w.instance;
  if (in.charge_type != "PrePaid")
    return c.Fail("InvalidInstanceChargeType.ValueNotSupported",
                  fmt::format("The instance {} is {} (pay-as-you-go); ModifyPrepayInstanceSpec only "
                              "changes subscription (PrePaid) instances. Use ModifyInstanceSpec.",
                              in.id, in.charge_type));
  if (!m.world.account.billing_method) return c.Fail("BillingMethodNotFound");
  if (!w.triggers.billing_method_supported) return c.Fail("InvalidBillingMethod.ValueNotSupported");
  if (!w.triggers.purchase_history) return c.Fail("InvalidInstance.PurchaseNotFound");
  if (IsExpired(in, c.now)) return c.Fail("InvalidInstance.PreInstanceExpired");
  if (NonFinancialLock(in)) return c.Fail("InvalidInstanceStatus");
  if (c.li->open_order) return c.Fail("LastOrderProcessing");
  if (!w.ram_role.empty() && !m.world.account.pass_role) return c.Fail("InvalidUser.PassRoleForbidden");
  c.cur = m.FindType(in.type);
  if (c.cur && !c.cur->type.local_storage_category.empty())
    return c.Fail("OperationDenied.LocalDiskUnsupported");
  if (in.network_type == "classic" && !in.eip_address.empty())
    return c.Fail("InvalidInstance.EipNotSupport");
  return std::nullopt;
}

// The instance's addresses against the target's per-interface limits.
Refusal CheckAddresses(const ModifyCall& c) {
  const WorldInstance& w = c.li->w;
  const CatalogType& t = *c.target;
  if (t.private_ip_quantity && w.private_ips > *t.private_ip_quantity)
    return c.Fail("InvalidOperation.Ipv4CountExceeded",
                  fmt::format("The instance {} has {} private IPv4 addresses; {} allows {} per "
                              "network interface.",
                              w.instance.id, w.private_ips, t.type.id, *t.private_ip_quantity));
  if (t.ipv6_quantity && *t.ipv6_quantity == 0 && w.ipv6_addresses > 0)
    return c.Fail("InvalidOperation.Ipv6NotSupport",
                  fmt::format("The instance {} has IPv6 addresses; {} does not support IPv6.",
                              w.instance.id, t.type.id));
  if (t.ipv6_quantity && w.ipv6_addresses > *t.ipv6_quantity)
    return c.Fail("InvalidOperation.Ipv6CountExceeded",
                  fmt::format("The instance {} has {} IPv6 addresses; {} allows {} per network "
                              "interface.",
                              w.instance.id, w.ipv6_addresses, t.type.id, *t.ipv6_quantity));
  return std::nullopt;
}

// The target type: exists, may be used, differs, fits the direction asked
// for, is in stock, suits the image and the instance's addresses.
Refusal CheckTarget(ModifyCall& c) {
  ModelState& m = c.m;
  const Instance& in = c.li->w.instance;
  c.target = m.FindType(c.req.instance_type);
  const CatalogType* target = c.target;
  if (!target) return c.FailRow("InvalidInstanceType.ValueNotSupported", "does not exist");
  if (!target->authorized) return c.Fail("InvalidInstanceType.ValueUnauthorized");
  if (target->retired)
    return c.Fail("InstanceType.Offline",
                  fmt::format("The instance type {} is retired (offline) and cannot be a target; "
                              "choose a current generation.",
                              target->type.id));
  if (target->type.id == in.type)
    return c.Fail("InvalidInstanceType.ValueNotSupported",
                  fmt::format("The instance {} is already of type {}.", in.id, in.type));
  if (!target->type.local_storage_category.empty())
    return c.Fail("InvalidInstanceType.ValueNotSupported",
                  fmt::format("The instance type {} has local disks; a cloud-disk instance cannot "
                              "change to it.",
                              target->type.id));
  if (c.cur) {
    bool up = IsUpgrade(*c.cur, *target);
    if (!up && c.op != "downgrade")
      return c.Fail("InvalidParameter",
                    fmt::format("The target InstanceType {} is a downgrade from the current {}: set "
                                "\"OperatorType\" to downgrade.",
                                target->type.id, c.cur->type.id));
    if (up && c.op == "downgrade")
      return c.Fail("InvalidParameter",
                    fmt::format("The target InstanceType {} is an upgrade from the current {}: "
                                "\"OperatorType\" must be upgrade.",
                                target->type.id, c.cur->type.id));
  }
  if (auto no_stock = m.NoStock(in.zone, target->type.id, kAction, in.id)) return no_stock;
  if (const Image* image = m.FindImage(in.image_id)) {
    const auto& fams = image->allowed_families;
    if (!fams.empty() && std::find(fams.begin(), fams.end(), target->type.family) == fams.end())
      return c.FailRow("ImageNotSupportInstanceType",
                       image->id.rfind("m-", 0) == 0 ? "marketplace" : "specified image");
  }
  return CheckAddresses(c);
}

// Direction-specific rules: a downgrade needs a Stopped instance with a
// refund left; an upgrade a Running or Stopped instance and a paid-up account.
Refusal CheckDirection(const ModifyCall& c) {
  const Instance& in = c.li->w.instance;
  if (c.op == "downgrade") {
    if (in.status != kStopped) return c.Fail("InvalidStatus.NotStopped");
    if (c.li->w.downgrades_used >= 3) return c.Fail("InstanceDowngrade.QuotaExceed");
    return std::nullopt;
  }
  if (in.status != kRunning && in.status != kStopped)
    return c.Fail("IncorrectInstanceStatus",
                  fmt::format("The current status of the resource does not support this operation. "
                              "(instance {} is {}; an upgrade needs Running or Stopped)",
                              in.id, in.status));
  if (c.m.world.account.in_arrears) return c.Fail("Account.Arrearage");
  return std::nullopt;
}

// Accepted: place the order (or fail to create it, when the world says so).
Result<ModifyPrepaySpecResult> PlaceOrder(ModifyCall& c, const std::string& fingerprint) {
  ModelState& m = c.m;
  LiveInstance& li = *c.li;
  if (li.w.triggers.order_creation_failures > 0) {
    --li.w.triggers.order_creation_failures;
    return c.Fail("OrderCreationFailed");
  }
  const ModifyPrepaySpecRequest& req = c.req;
  Order o;
  o.order_id = std::to_string(m.next_order_id);
  m.next_order_id += 1 + m.order_rng() % 97;
  o.instance_id = li.w.instance.id;
  o.region = li.w.instance.region;
  o.client_token = req.client_token;
  o.instance_type = c.target->type.id;
  o.from_type = li.w.instance.type;
  o.operator_type = c.op;
  o.time = FormatUtcSeconds(c.now);
  o.paid = c.op == "downgrade" || req.auto_pay.value_or(true);
  if (o.paid) {
    auto span = (m.timing.order_max - m.timing.order_min).count();
    Millis delay = m.timing.order_min + Millis(span > 0 ? int64_t(m.order_rng() % uint64_t(span + 1)) : 0);
    li.order_done_at = c.now + delay;
    li.open_order = m.orders.size();
    li.reboot_when_finished = req.reboot_when_finished.value_or(false);
    li.reboot_at = c.reboot_at;
    o.status = "Processing";
    o.complete_time = FormatUtcSeconds(li.order_done_at);
  } else {
    o.status = "Unpaid";
  }
  if (c.op == "downgrade") ++li.w.downgrades_used;
  ModifyPrepaySpecResult result{o.order_id, m.NewRequestIdLocked()};
  m.orders.push_back(std::move(o));
  if (!req.client_token.empty())
    m.tokens[req.client_token] = IdempotentEntry{fingerprint, result, req.instance_id};
  return result;
}

}  // namespace

Result<ModifyPrepaySpecResult> Model::ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& req) {
  std::lock_guard<std::mutex> l(impl_->mu);
  ModifyCall c(req, *impl_);
  if (auto refusal = CheckParameters(c)) return *refusal;

  // Idempotence: a retry with the same token gets the first answer.
  const std::string fingerprint = Fingerprint(req, c.op);
  if (!req.client_token.empty()) {
    auto it = c.m.tokens.find(req.client_token);
    if (it != c.m.tokens.end()) {
      if (it->second.fingerprint != fingerprint)
        return c.FailRow("IdempotenceParamNotMatch", "client token");
      ModifyPrepaySpecResult again = it->second.result;
      again.request_id = c.m.NewRequestIdLocked();
      return again;
    }
  }

  if (auto refusal = CheckInstance(c)) return *refusal;
  if (auto refusal = CheckTarget(c)) return *refusal;
  if (auto refusal = CheckDirection(c)) return *refusal;
  return PlaceOrder(c, fingerprint);
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
  if (auto no_stock = m.NoStock(in.zone, target->type.id, action, instance_id)) return *no_stock;
  m.SetType(*li, target->type.id);  // takes effect at the next start
  return Ack{m.NewRequestIdLocked()};
}

}  // namespace respec::emulator
