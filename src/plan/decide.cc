#include "plan/decide.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "core/timefmt.h"

namespace respec {
namespace {

int Compare(double a, double b) {
  if (std::fabs(a - b) < 1e-6) return 0;
  return a < b ? -1 : 1;
}

bool HasLock(const Instance& in, const std::string& reason) {
  return std::find(in.lock_reasons.begin(), in.lock_reasons.end(), reason) != in.lock_reasons.end();
}

Blocker Block(std::string code, std::string reason, std::string remedy) {
  return Blocker{std::move(code), std::move(reason), std::move(remedy)};
}

std::string SizeText(const InstanceType& t) {
  return fmt::format("{} vCPU, {:g} GiB", t.cpu, t.memory_gib);
}

}  // namespace

Direction DeriveDirection(const InstanceType& from, const InstanceType& to) {
  int c = Compare(to.cpu, from.cpu);
  int m = Compare(to.memory_gib, from.memory_gib);
  if (c == 0 && m == 0) return Direction::kNone;
  if (c >= 0 && m >= 0) return Direction::kUpgrade;
  if (c <= 0 && m <= 0) return Direction::kDowngrade;
  return Direction::kNone;
}

std::vector<Blocker> InstanceBlockers(const Instance& live, const InstanceType* current,
                                      TimePoint now) {
  std::vector<Blocker> out;
  if (live.charge_type == "PostPaid") {
    out.push_back(Block("InvalidInstanceChargeType.ValueNotSupported",
                        "pay-as-you-go (PostPaid) instance: ModifyPrepayInstanceSpec changes "
                        "subscription instances only",
                        "use ModifyInstanceSpec for pay-as-you-go instances, or remove it from "
                        "the fleet spec"));
  }
  auto expires = ParseUtcTime(live.expired_time);
  bool expired = (expires && *expires <= now) || HasLock(live, "financial");
  if (expired) {
    out.push_back(Block("InvalidInstance.PreInstanceExpired",
                        live.expired_time.empty()
                            ? std::string("instance is locked for an overdue payment (financial)")
                            : fmt::format("instance expired at {} (or is locked for payment)",
                                          live.expired_time),
                        "renew first, then plan again"));
  }
  for (const auto& lock : live.lock_reasons)
    if (lock != "financial")
      out.push_back(Block("OperationDenied", fmt::format("instance is locked ({})", lock),
                          "resolve the lock with Alibaba Cloud, then plan again"));
  if (current && !current->local_storage_category.empty()) {
    out.push_back(Block("OperationDenied.LocalDiskUnsupported",
                        fmt::format("type {} has local disks ({}): its type cannot be changed",
                                    current->id, current->local_storage_category),
                        "move the workload to an instance without local disks"));
  }
  if (live.network_type == "classic" && !live.eip_address.empty()) {
    // respec's (and the emulator's) reading of the seed's "special instance
    // with eip": a classic-network instance with an EIP associated.
    out.push_back(Block("InvalidInstance.EipNotSupport",
                        fmt::format("classic-network instance with EIP {} associated",
                                    live.eip_address),
                        "unassociate the EIP first, then plan again"));
  }
  return out;
}

namespace {

Decision NotFound(Decision d) {
  d.plan.verdict = Verdict::kBlocked;
  d.plan.blockers.push_back(Block("InvalidInstanceId.NotFound",
                                  "not found: unknown or released (DescribeInstances does not list it "
                                  "in the group's regions)",
                                  "check the instance ID and the group's regions, or remove it from "
                                  "the fleet spec"));
  return d;
}

// The current and the wanted type as the catalog lists them. A current type
// the catalog does not list falls back to the instance's own vCPU and memory
// (`fallback`), which is enough for the direction but not for the rules of
// InstanceBlockers (so `listed_cur` stays null then).
struct Types {
  const InstanceType* cur = nullptr;
  const InstanceType* want = nullptr;
  const InstanceType* listed_cur = nullptr;
  InstanceType fallback;
};

void FindTypes(const Instance& live, const std::string& target_type, const Catalog* catalog,
               Types* t) {
  if (catalog) {
    auto c = catalog->find(live.type);
    if (c != catalog->end()) t->cur = t->listed_cur = &c->second;
    auto w = catalog->find(target_type);
    if (w != catalog->end()) t->want = &w->second;
  }
  if (!t->cur && live.cpu > 0) {
    t->fallback.id = live.type;
    t->fallback.cpu = live.cpu;
    t->fallback.memory_gib = live.memory_mib / 1024.0;
    t->cur = &t->fallback;
  }
}

// Direction from the catalog, `operation:` as an override; a contradiction
// blocks, an undecidable one is left to DescribeResourcesModification.
void DecideDirection(const Types& t, const std::string& op, Decision* d) {
  InstancePlan& p = d->plan;
  if (t.want && t.cur) {
    Direction derived = DeriveDirection(*t.cur, *t.want);
    Direction asked = op == "upgrade"     ? Direction::kUpgrade
                      : op == "downgrade" ? Direction::kDowngrade
                                          : Direction::kNone;
    if (derived == Direction::kNone && asked == Direction::kNone) {
      d->direction_pending = true;  // DescribeResourcesModification decides (prechecks.h)
    } else if (derived != Direction::kNone && asked != Direction::kNone && derived != asked) {
      p.blockers.push_back(Block(
          "Spec.OperationContradicts",
          fmt::format("operation {} contradicts the catalog: {} ({}) -> {} ({}) is a {}", op,
                      t.cur->id, SizeText(*t.cur), t.want->id, SizeText(*t.want),
                      DirectionName(derived)),
          "remove operation or fix instanceType"));
    }
    p.direction = derived != Direction::kNone ? derived : asked;
  } else if (t.want && !t.cur) {
    if (op.empty()) {
      d->direction_pending = true;  // DescribeResourcesModification decides (prechecks.h)
    } else {
      p.direction = op == "downgrade" ? Direction::kDowngrade : Direction::kUpgrade;
    }
  }
}

std::optional<Blocker> StatusBlocker(const std::string& s) {
  bool known_status = s == kRunning || s == kStopped || s == kStopping || s == kStarting ||
                      s == kPending;
  if (known_status) return std::nullopt;
  return Block("IncorrectInstanceStatus",
               fmt::format("instance status is {}", s.empty() ? "unknown" : s),
               "wait until it is Running or Stopped, then plan again");
}

// SystemDisk.Category is valid only when a retired non-I/O-optimized type
// moves to an I/O-optimized one (the seeds): an upgrade of an instance that
// DescribeInstances reports with IoOptimized=false (every available family
// is I/O optimized, so a non-I/O-optimized instance is of a retired type).
// Anything else is refused rather than sent for the API to ignore or reject.
// Runs once the direction is known.
std::optional<Blocker> SystemDiskBlocker(const Instance& live, const TargetOptions& o,
                                         Direction direction) {
  if (o.system_disk_category.empty() || direction == Direction::kNone) return std::nullopt;
  std::string why;
  if (direction == Direction::kDowngrade)
    why = "this change is a downgrade";
  else if (!live.io_optimized.has_value())
    why = "DescribeInstances does not say whether the instance is I/O optimized (IoOptimized)";
  else if (*live.io_optimized)
    why = "the instance is already I/O optimized (IoOptimized=true)";
  else
    return std::nullopt;
  return Block("Spec.SystemDiskCategoryNotApplicable",
               fmt::format("systemDiskCategory: {} is valid only when upgrading a retired "
                           "non-I/O-optimized instance type to an I/O-optimized one, and {}",
                           o.system_disk_category, why),
               "remove systemDiskCategory from the target");
}

// MigrateAcrossZone (the seeds): the instance may move to another cluster;
// what changes depends on its network and on whether it leaves a retired
// non-I/O-optimized type.
std::string MigrateAcrossZoneNote(const Instance& live) {
  std::string changes = live.network_type == "classic"
                            ? "its private IP address changes; from a retired non-I/O-optimized "
                              "type its disk device names (xvd* become vd*) and software licence "
                              "codes change too"
                            : "from a retired non-I/O-optimized type its disk device names (xvd* "
                              "become vd*) and software licence codes change";
  return "migrateAcrossZone: the instance may move to another cluster: " + changes;
}

// A Running upgrade: modify, then the restart the reboot policy asks for.
void ChainRunningUpgrade(const TargetOptions& o, Decision* d) {
  InstancePlan& p = d->plan;
  d->chain.push_back(StepKind::kModify);
  p.final_status = kRunning;
  switch (o.reboot) {
    case RebootPolicy::kWhenFinished:
      d->chain.push_back(StepKind::kReboot);
      p.notes.push_back("restart when finished (RebootInstance): respec restarts the "
                        "instance itself once the new type shows (or after 20 s anyway), "
                        "counts it unavailable, checks it comes back Running and confirms "
                        "the type");
      break;
    case RebootPolicy::kAt:
      p.notes.push_back(fmt::format("the new type takes effect at {} (RebootTime: the API "
                                    "restarts the instance then)",
                                    o.reboot_at));
      break;
    case RebootPolicy::kManual:
      p.notes.push_back("the new type takes effect only at the next restart through the API "
                        "(RebootInstance or console); an OS reboot does not count");
      break;
  }
}

// The steps from a settled state (Running or Stopped) to the final one.
void ChainFromSettled(const std::string& settled, const TargetOptions& o, Decision* d) {
  InstancePlan& p = d->plan;
  bool upgrade = p.direction == Direction::kUpgrade;
  if (settled == kRunning) {
    if (o.power_state == PowerState::kStopped) {
      d->chain.insert(d->chain.end(), {StepKind::kStop, StepKind::kModify});
      p.final_status = kStopped;
      p.notes.push_back("ends Stopped (powerState: stopped); the new type takes effect at the "
                        "next start");
    } else if (!upgrade) {
      d->chain.insert(d->chain.end(), {StepKind::kStop, StepKind::kModify, StepKind::kStart});
      p.final_status = kRunning;
    } else {
      ChainRunningUpgrade(o, d);
    }
    return;
  }
  d->chain.push_back(StepKind::kModify);  // Stopped
  if (o.power_state == PowerState::kRunning) {
    d->chain.push_back(StepKind::kStart);
    p.final_status = kRunning;
    p.notes.push_back("started afterwards (powerState: running); the new type takes effect "
                      "at that start");
  } else {
    p.final_status = kStopped;
    p.notes.push_back("stays Stopped; the new type takes effect at the next start");
  }
}

// reboot: {at} is honoured only where the API itself restarts at that
// time (RebootTime on a Running upgrade). Any chain where respec would stop
// or start the instance now is refused rather than run outside the window
// the user wrote (docs/api-fidelity.md, "reboot: {at}").
void CheckRebootAt(const std::string& settled, const TargetOptions& o, Decision* d) {
  InstancePlan& p = d->plan;
  if (o.reboot != RebootPolicy::kAt) return;
  bool restarts_now = std::any_of(d->chain.begin(), d->chain.end(), [](StepKind k) {
    return k == StepKind::kStop || k == StepKind::kStart;
  });
  if (restarts_now) {
    p.verdict = Verdict::kBlocked;
    p.notes.clear();
    d->chain.clear();
    p.blockers.push_back(Block(
        "Spec.RebootAtUnsupported",
        fmt::format("reboot: {{at: {}}} cannot be honoured for a {} of a {} instance: it needs "
                    "respec to stop or start the instance, and RebootTime applies only to a "
                    "Running upgrade",
                    o.reboot_at, DirectionName(p.direction), settled),
        "run `respec apply` inside the maintenance window with reboot: whenFinished, or use "
        "reboot: manual"));
    return;
  }
  if (settled == kStopped)
    p.notes.push_back(fmt::format("reboot: {{at: {}}} has no effect: the instance stays "
                                  "Stopped and takes the new type at its next start",
                                  o.reboot_at));
}

// The step chain of a change whose direction is known. Transitional states
// are settled first (the seeds: RebootWhenFinished on a Stopping instance
// does nothing, and a downgrade needs Stopped).
void PlanChain(const std::string& status, const TargetOptions& o, Decision* d) {
  InstancePlan& p = d->plan;
  std::string settled = status;
  if (IsTransitional(status)) {
    settled = status == kStopping ? kStopped : kRunning;
    d->chain.push_back(StepKind::kWaitStable);
    p.notes.push_back(fmt::format("instance is {}: waits until it is {} first", status, settled));
  }
  ChainFromSettled(settled, o, d);
  CheckRebootAt(settled, o, d);
  if (p.verdict == Verdict::kChange && p.direction == Direction::kDowngrade)
    p.notes.push_back("uses one of the instance's three downgrade refunds");
}

}  // namespace

Decision DecideInstance(const std::string& instance_id, const Instance* live,
                        const Target& target, const std::string& group_name,
                        const Catalog* catalog, TimePoint now) {
  Decision d;
  InstancePlan& p = d.plan;
  p.instance_id = instance_id;
  p.group = group_name;
  p.target_type = target.instance_type;
  p.options = target.options;
  if (!live) return NotFound(std::move(d));
  p.name = live->name;
  p.region = live->region;
  p.zone = live->zone;
  p.observed_type = live->type;
  p.observed_status = live->status;
  p.final_status = live->status == kStopped || live->status == kStopping ? kStopped : kRunning;
  if (live->type == target.instance_type) {
    p.verdict = Verdict::kUnchanged;
    p.final_status = live->status;
    return d;
  }

  Types types;
  FindTypes(*live, target.instance_type, catalog, &types);
  p.blockers = InstanceBlockers(*live, types.listed_cur, now);
  if (!types.want) {
    p.blockers.push_back(Block("InvalidInstanceType.ValueNotSupported",
                               fmt::format("target type {} is not an ECS instance type "
                                           "(DescribeInstanceTypes does not list it)",
                                           target.instance_type),
                               "fix instanceType in the fleet spec (see respec instances / "
                               "DescribeInstanceTypes)"));
  }
  DecideDirection(types, target.options.operation, &d);
  if (auto b = StatusBlocker(live->status)) p.blockers.push_back(std::move(*b));
  if (auto b = SystemDiskBlocker(*live, target.options, d.direction_pending ? Direction::kNone : p.direction))
    p.blockers.push_back(std::move(*b));
  if (!p.blockers.empty()) {
    p.verdict = Verdict::kBlocked;
    return d;
  }
  p.verdict = Verdict::kChange;
  if (d.direction_pending) {
    p.direction = Direction::kNone;
    return d;
  }
  PlanChain(live->status, target.options, &d);
  if (p.verdict == Verdict::kChange && target.options.migrate_across_zone)
    p.notes.push_back(MigrateAcrossZoneNote(*live));
  return d;
}

}  // namespace respec
