// Model core: construction, indexes, errors, the lazy clock-driven state
// machine, and the power actions (Stop/Start/Reboot).
#include "emulator/model.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/timefmt.h"
#include "emulator/model_impl.h"

namespace respec::emulator {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool IsUpgrade(const CatalogType& from, const CatalogType& to) {
  switch (CompareSize(from.type, to.type)) {
    case SizeChange::kBigger: return true;
    case SizeChange::kSmaller: return false;
    default: return to.monthly_price >= from.monthly_price;
  }
}

SizeChange CompareSize(const InstanceType& from, const InstanceType& to) {
  int cpu = (to.cpu > from.cpu) - (to.cpu < from.cpu);
  int mem = (to.memory_gib > from.memory_gib) - (to.memory_gib < from.memory_gib);
  if (cpu == 0 && mem == 0) return SizeChange::kSame;
  if (cpu >= 0 && mem >= 0) return SizeChange::kBigger;
  if (cpu <= 0 && mem <= 0) return SizeChange::kSmaller;
  return SizeChange::kMixed;
}

ModelState::ModelState(World w, Clock* c, Timing t, uint64_t s)
    : world(std::move(w)), clock(c), timing(t), seed(s), order_rng(s * 0x9E3779B97F4A7C15ULL + 1),
      request_rng(s ^ 0xD1B54A32D192ED03ULL) {
  // Order ids look like the API's: long decimal numbers, distinct per seed.
  next_order_id = 210000000000000ULL + (order_rng() % 1000000000ULL) * 1000;
  TimePoint now = clock->Now();
  std::vector<WorldInstance> sorted = std::move(world.instances);
  world.instances.clear();
  std::stable_sort(sorted.begin(), sorted.end(), [](const WorldInstance& a, const WorldInstance& b) {
    return a.instance.id < b.instance.id;
  });
  for (auto& wi : sorted) {
    if (!instances.empty() && instances.back().w.instance.id == wi.instance.id) continue;
    LiveInstance li;
    li.w = std::move(wi);
    li.effective_type = li.w.instance.type;
    const std::string& st = li.w.instance.status;
    if (st == kPending || st == kStarting) {
      li.phase = Phase::kStarting;
      li.phase_end = now + timing.start;
    } else if (st == kStopping) {
      li.phase = Phase::kStopping;
      li.phase_end = now + timing.stop;
    }
    instances.push_back(std::move(li));
  }
  Reindex();
}

void ModelState::Reindex() {
  by_id.clear();
  by_id.reserve(instances.size());
  for (size_t i = 0; i < instances.size(); ++i) by_id.emplace(instances[i].w.instance.id, i);
  type_idx.clear();
  for (size_t i = 0; i < world.catalog.size(); ++i) type_idx.emplace(world.catalog[i].type.id, i);
}

std::string ModelState::NewRequestIdLocked() {
  uint64_t a = request_rng(), b = request_rng();
  return fmt::format("{:08X}-{:04X}-{:04X}-{:04X}-{:012X}", uint32_t(a >> 32), uint32_t(a >> 16) & 0xFFFF,
                     uint32_t(a) & 0xFFFF, uint32_t(b >> 48), b & 0xFFFFFFFFFFFFULL);
}

LiveInstance* ModelState::Find(const std::string& id) {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &instances[it->second];
}

const CatalogType* ModelState::FindType(const std::string& id) const {
  auto it = type_idx.find(id);
  return it == type_idx.end() ? nullptr : &world.catalog[it->second];
}

const Region* ModelState::FindRegion(const std::string& id) const {
  for (const auto& r : world.regions)
    if (r.id == id) return &r;
  return nullptr;
}

std::string ModelState::StockStatus(const std::string& zone, const std::string& type) const {
  for (const auto& s : world.stock)
    if (s.zone == zone && s.type == type) return s.status_category;
  return "WithStock";
}

std::optional<CloudError> ModelState::NoStock(const std::string& zone, const std::string& type,
                                               std::string_view action, std::string_view instance_id) {
  std::string stock = StockStatus(zone, type);
  if (stock == "WithoutStock") return ErrorRow("OperationDenied.NoStock", "specified zone", action, instance_id);
  if (stock == "ClosedWithoutStock") return ErrorRow("OperationDenied.NoStock", "out of usage", action, instance_id);
  return std::nullopt;
}

const Image* ModelState::FindImage(const std::string& id) const {
  for (const auto& im : world.images)
    if (im.id == id) return &im;
  return nullptr;
}

CloudError ModelState::Error(std::string_view code, std::string_view action,
                              std::string_view instance_id, std::string message, int http_status) {
  CloudError e = MakeCloudError(std::string(code), std::move(message), http_status);
  if (e.message.empty())
    if (const ErrorInfo* info = FindError(code)) e.message = std::string(info->description);
  e.request_id = NewRequestIdLocked();
  e.action = std::string(action);
  e.instance_id = std::string(instance_id);
  return e;
}

CloudError ModelState::ErrorRow(std::string_view code, std::string_view hint,
                                 std::string_view action, std::string_view instance_id) {
  for (const ErrorInfo& row : AllErrors()) {
    if (row.code == code && row.message.find(hint) != std::string_view::npos) {
      CloudError e = MakeCloudError(std::string(code), std::string(row.message), row.http_status);
      e.request_id = NewRequestIdLocked();
      e.action = std::string(action);
      e.instance_id = std::string(instance_id);
      return e;
    }
  }
  return Error(code, action, instance_id);
}

void ModelState::SetType(LiveInstance& li, const std::string& type) {
  Instance& in = li.w.instance;
  in.type = type;
  if (const CatalogType* t = FindType(type)) {
    in.type_family = t->type.family;
    in.cpu = t->type.cpu;
    in.memory_mib = int(t->type.memory_gib * 1024);
  }
}

void ModelState::BeginReboot(LiveInstance& li, TimePoint at) {
  li.w.instance.status = kStopping;
  li.phase = Phase::kRebootStopping;
  li.phase_end = at + timing.reboot / 2;
}

void ModelState::Advance(LiveInstance& li, TimePoint now) {
  enum Event { kNone, kOrder, kReboot, kPhase };
  for (;;) {
    Event ev = kNone;
    TimePoint at = TimePoint::max();
    // Ties resolve order -> scheduled restart -> phase, so a restart at the
    // instant an order completes picks up the new type.
    if (li.open_order && li.order_done_at <= now && li.order_done_at < at) {
      ev = kOrder;
      at = li.order_done_at;
    }
    if (li.reboot_at && *li.reboot_at <= now && *li.reboot_at < at) {
      ev = kReboot;
      at = *li.reboot_at;
    }
    if (li.phase != Phase::kIdle && li.phase_end <= now && li.phase_end < at) {
      ev = kPhase;
      at = li.phase_end;
    }
    Instance& in = li.w.instance;
    switch (ev) {
      case kNone:
        return;
      case kOrder: {
        Order& o = orders[*li.open_order];
        if (world.type_visible_after_restart && in.status != kStopped)
          li.hidden_type = o.instance_type;  // DescribeInstances shows it after the restart
        else
          SetType(li, o.instance_type);
        o.status = "Done";
        li.open_order.reset();
        // The seeds: RebootWhenFinished restarts a Running instance; a
        // Stopping one is left alone; a Stopped one takes the type on Start.
        if (li.reboot_when_finished && in.status == kRunning && li.phase == Phase::kIdle)
          BeginReboot(li, at);
        li.reboot_when_finished = false;
        break;
      }
      case kReboot:
        if (in.status == kRunning && li.phase == Phase::kIdle) BeginReboot(li, at);
        li.reboot_at.reset();
        break;
      case kPhase:
        switch (li.phase) {
          case Phase::kStopping:
            in.status = kStopped;
            li.phase = Phase::kIdle;
            break;
          case Phase::kRebootStopping:
            in.status = kStarting;
            if (!li.hidden_type.empty()) SetType(li, li.hidden_type), li.hidden_type.clear();
            li.effective_type = in.type;  // the API restart applies the reported type
            li.phase = Phase::kStarting;
            li.phase_end = at + (timing.reboot - timing.reboot / 2);
            break;
          case Phase::kStarting:
            in.status = kRunning;
            li.phase = Phase::kIdle;
            break;
          case Phase::kIdle:
            break;
        }
        break;
    }
  }
}

void ModelState::AdvanceAll(TimePoint now) {
  for (auto& li : instances) Advance(li, now);
}

Model::Model(World world, Clock* clock, Timing timing, uint64_t seed)
    : impl_(std::make_unique<Impl>(std::move(world), clock, timing, seed)) {}

Model::~Model() = default;

std::string Model::NewRequestId() {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->NewRequestIdLocked();
}

namespace {

// Finds a live (not released) instance for a power action, or the error.
// RegionId is optional for these actions; when given it must exist and match.
LiveInstance* PowerTarget(ModelState& m, std::string_view action, const std::string& region,
                          const std::string& id, CloudError* err) {
  if (id.empty()) {
    *err = m.Error("MissingParameter", action, id,
                   "The input parameter \"InstanceId\" that is mandatory for processing this "
                   "request is not supplied.");
    return nullptr;
  }
  if (!region.empty() && !m.FindRegion(region)) {
    *err = m.Error("InvalidRegionId.NotFound", action, id);
    return nullptr;
  }
  LiveInstance* li = m.Find(id);
  if (!li || li->w.released || (!region.empty() && li->w.instance.region != region)) {
    *err = m.Error("InvalidInstanceId.NotFound", action, id);
    return nullptr;
  }
  m.Advance(*li, m.Now());
  return li;
}

CloudError WrongStatus(ModelState& m, std::string_view action, const LiveInstance& li) {
  return m.Error("IncorrectInstanceStatus", action, li.w.instance.id,
                 fmt::format("The current status of the resource does not support this operation. "
                             "(instance {} is {})",
                             li.w.instance.id, li.w.instance.status));
}

// The power actions' effect on one instance, under the Model's lock: nullopt
// when accepted (and, unless `dry`, done), else the refusal.
std::optional<CloudError> StopLocked(ModelState& m, std::string_view action, const std::string& region,
                                     const std::string& id, bool force_stop, const std::string& stopped_mode,
                                     bool dry) {
  CloudError err;
  LiveInstance* li = PowerTarget(m, action, region, id, &err);
  if (!li) return err;
  if (li->w.instance.status != kRunning || li->phase != Phase::kIdle) return WrongStatus(m, action, *li);
  if (dry) return std::nullopt;
  li->w.instance.status = kStopping;
  li->phase = Phase::kStopping;
  li->phase_end = m.Now() + m.timing.stop;
  m.stops.push_back({id, force_stop, stopped_mode});
  return std::nullopt;
}

std::optional<CloudError> StartLocked(ModelState& m, std::string_view action, const std::string& region,
                                      const std::string& id, bool dry) {
  CloudError err;
  LiveInstance* li = PowerTarget(m, action, region, id, &err);
  if (!li) return err;
  if (li->w.instance.status != kStopped) return WrongStatus(m, action, *li);
  if (dry) return std::nullopt;
  li->w.instance.status = kStarting;
  if (!li->hidden_type.empty()) m.SetType(*li, li->hidden_type), li->hidden_type.clear();
  li->effective_type = li->w.instance.type;  // starting a stopped instance is an API restart
  li->phase = Phase::kStarting;
  li->phase_end = m.Now() + m.timing.start;
  return std::nullopt;
}

std::optional<CloudError> RebootLocked(ModelState& m, std::string_view action, const std::string& region,
                                       const std::string& id, bool dry) {
  CloudError err;
  LiveInstance* li = PowerTarget(m, action, region, id, &err);
  if (!li) return err;
  if (li->w.instance.status != kRunning || li->phase != Phase::kIdle) return WrongStatus(m, action, *li);
  if (dry) return std::nullopt;
  m.BeginReboot(*li, m.Now());
  return std::nullopt;
}

std::optional<CloudError> PowerLocked(ModelState& m, const PowerBatchRequest& req, const std::string& id,
                                      const std::string& stopped_mode, bool dry) {
  const char* action = PowerBatchActionName(req.action);
  switch (req.action) {
    case PowerAction::kStop: return StopLocked(m, action, req.region, id, req.force, stopped_mode, dry);
    case PowerAction::kStart: return StartLocked(m, action, req.region, id, dry);
    case PowerAction::kReboot: return RebootLocked(m, action, req.region, id, dry);
  }
  return std::nullopt;
}

}  // namespace

Result<Ack> Model::StopInstance(const std::string& region, const std::string& instance_id, bool force_stop) {
  return StopInstanceWith(region, instance_id, force_stop, "");
}

Result<Ack> Model::StopInstanceWith(const std::string& region, const std::string& instance_id, bool force_stop,
                                    const std::string& stopped_mode) {
  std::lock_guard<std::mutex> l(impl_->mu);
  if (auto e = StopLocked(*impl_, "StopInstance", region, instance_id, force_stop, stopped_mode, false)) return *e;
  return Ack{impl_->NewRequestIdLocked()};
}

Result<Ack> Model::StartInstance(const std::string& region, const std::string& instance_id) {
  std::lock_guard<std::mutex> l(impl_->mu);
  if (auto e = StartLocked(*impl_, "StartInstance", region, instance_id, false)) return *e;
  return Ack{impl_->NewRequestIdLocked()};
}

Result<Ack> Model::RebootInstance(const std::string& region, const std::string& instance_id) {
  std::lock_guard<std::mutex> l(impl_->mu);
  if (auto e = RebootLocked(*impl_, "RebootInstance", region, instance_id, false)) return *e;
  return Ack{impl_->NewRequestIdLocked()};
}

Result<PowerBatchResult> Model::PowerBatch(const PowerBatchRequest& req) {
  return PowerBatchWith(req, /*all_together=*/false, "");
}

Result<PowerBatchResult> Model::PowerBatchWith(const PowerBatchRequest& req, bool all_together,
                                               const std::string& stopped_mode) {
  const char* action = PowerBatchActionName(req.action);
  std::lock_guard<std::mutex> l(impl_->mu);
  ModelState& m = *impl_;
  if (req.region.empty())
    return m.Error("MissingParameter", action, "",
                   "The input parameter \"RegionId\" that is mandatory for processing this request is not supplied.");
  if (!m.FindRegion(req.region)) return m.Error("InvalidRegionId.NotFound", action, "");
  if (req.instance_ids.empty() || req.instance_ids.size() > size_t(kPowerBatchMax))
    return m.Error("InvalidParameter", action, "",
                   fmt::format("InstanceId.N must name 1 to {} instances ({} given).", kPowerBatchMax,
                               req.instance_ids.size()));
  // AllTogether (the API's default): one refusal refuses the whole request.
  if (all_together)
    for (const auto& id : req.instance_ids)
      if (auto e = PowerLocked(m, req, id, stopped_mode, /*dry=*/true)) return *e;
  PowerBatchResult out;
  for (const auto& id : req.instance_ids) {
    InstancePowerResult r;
    r.instance_id = id;
    // The status as of now (a Stopping instance may have stopped since it
    // was last looked at); none for an instance this region does not show.
    LiveInstance* li = m.Find(id);
    if (li && (li->w.released || li->w.instance.region != req.region)) li = nullptr;
    if (li) m.Advance(*li, m.Now()), r.previous_status = li->w.instance.status;
    r.error = PowerLocked(m, req, id, stopped_mode, /*dry=*/false);
    if (li) r.current_status = li->w.instance.status;
    out.instances.push_back(std::move(r));
  }
  out.request_id = m.NewRequestIdLocked();
  return out;
}

const AccessKey* Model::FindAccessKey(const std::string& id) const {
  std::lock_guard<std::mutex> l(impl_->mu);
  for (const auto& k : impl_->world.keys)
    if (k.id == id) return &k;
  return nullptr;
}

std::vector<StopRecord> Model::Stops() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->stops;
}

std::vector<Order> Model::Orders() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->AdvanceAll(impl_->Now());
  return impl_->orders;
}

std::vector<WorldInstance> Model::Instances() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->AdvanceAll(impl_->Now());
  std::vector<WorldInstance> out;
  out.reserve(impl_->instances.size());
  for (const auto& li : impl_->instances)
    if (!li.w.released) out.push_back(li.w);
  return out;
}

std::string Model::EffectiveType(const std::string& instance_id) const {
  std::lock_guard<std::mutex> l(impl_->mu);
  LiveInstance* li = impl_->Find(instance_id);
  if (!li) return {};
  impl_->Advance(*li, impl_->Now());
  return li->effective_type;
}

}  // namespace respec::emulator
