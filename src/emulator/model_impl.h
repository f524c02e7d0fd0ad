// Internal to the emulator: the Model's state and the helpers its .cc files
// share. Everything here is accessed with Impl::mu held.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cloud/error_table.h"
#include "emulator/model.h"

namespace respec::emulator {

// What an instance is in the middle of; each phase ends at `phase_end`.
enum class Phase {
  kIdle,
  kStarting,        // StartInstance, Pending, or the second half of a reboot
  kStopping,        // StopInstance
  kRebootStopping,  // first half of a reboot (API restart)
};

struct LiveInstance {
  WorldInstance w;
  std::string effective_type;  // what the instance runs on until an API restart
  std::string hidden_type;     // type_visible_after_restart: ordered, shown after the restart
  Phase phase = Phase::kIdle;
  TimePoint phase_end{};
  // The order in flight on this instance (index into Impl::orders), if any.
  std::optional<size_t> open_order;
  TimePoint order_done_at{};
  bool reboot_when_finished = false;
  std::optional<TimePoint> reboot_at;  // RebootTime of the last accepted order
};

struct IdempotentEntry {
  std::string fingerprint;  // the request's parameters, canonicalised
  ModifyPrepaySpecResult result;
  std::string instance_id;
};

struct ModelState {
  mutable std::mutex mu;
  World world;
  Clock* clock;
  Timing timing;
  uint64_t seed;
  std::mt19937_64 order_rng;    // order ids and completion times
  std::mt19937_64 request_rng;  // request ids (kept apart so ids never shift timings)
  uint64_t next_order_id = 0;

  std::vector<LiveInstance> instances;              // sorted by id
  std::unordered_map<std::string, size_t> by_id;    // id -> index in instances
  std::unordered_map<std::string, size_t> type_idx; // type id -> index in world.catalog
  std::vector<Order> orders;
  std::vector<StopRecord> stops;
  std::unordered_map<std::string, IdempotentEntry> tokens;

  ModelState(World w, Clock* c, Timing t, uint64_t s);
  void Reindex();

  std::string NewRequestIdLocked();
  TimePoint Now() const { return clock->Now(); }

  // Brings one instance (or all) up to `now`: finishes phases, completes
  // orders, fires scheduled restarts, in time order.
  void Advance(LiveInstance& li, TimePoint now);
  void AdvanceAll(TimePoint now);

  LiveInstance* Find(const std::string& id);
  const CatalogType* FindType(const std::string& id) const;
  const Region* FindRegion(const std::string& id) const;
  std::string StockStatus(const std::string& zone, const std::string& type) const;
  const Image* FindImage(const std::string& id) const;
  // OperationDenied.NoStock when `type` cannot be had in `zone`: WithoutStock
  // gets the seed row "out of stock in the specified zone", ClosedWithoutStock
  // (withdrawn from sale) the row "out of usage"; nullopt when in stock.
  std::optional<CloudError> NoStock(const std::string& zone, const std::string& type,
                                    std::string_view action, std::string_view instance_id);

  // An error from the table with request id, action and instance filled in.
  // `message` overrides the table's (required where the table says "%s").
  CloudError Error(std::string_view code, std::string_view action, std::string_view instance_id,
                   std::string message = {}, int http_status = 0);
  // Like Error, but takes the table row whose message contains `hint`
  // (for codes the seeds list twice with different messages).
  CloudError ErrorRow(std::string_view code, std::string_view hint, std::string_view action,
                      std::string_view instance_id);

  void SetType(LiveInstance& li, const std::string& type);
  void BeginReboot(LiveInstance& li, TimePoint at);
};

// The pimpl is the state itself; helpers take ModelState& so free functions
// in the .cc files can use them.
struct Model::Impl : ModelState {
  using ModelState::ModelState;
};

// Size order between two catalog types, by vCPU and memory.
enum class SizeChange { kSame, kBigger, kSmaller, kMixed };
SizeChange CompareSize(const InstanceType& from, const InstanceType& to);
// The direction the emulator's API assigns a change: bigger = upgrade,
// smaller = downgrade; a mixed or same-size change by list price (dearer =
// upgrade, cheaper = downgrade, equal = upgrade). DescribeResourcesModification
// lists a target under this direction only and ModifyPrepayInstanceSpec wants
// the matching OperatorType. The real API's rule for mixed changes is not
// documented (docs/api-fidelity.md: unverified).
bool IsUpgrade(const CatalogType& from, const CatalogType& to);

bool IsAscii(std::string_view s);

}  // namespace respec::emulator
