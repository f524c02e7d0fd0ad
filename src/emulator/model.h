// Model: the emulator's state machine for the slice of ECS that respec uses.
// One model, two doors: it implements Cloud in-process (fast, deterministic
// tests with a VirtualClock) and sits behind the HTTP server
// (emulator/http/), which adds protocol, signatures, throttling and faults.
//
// Time: read only through the Clock given at construction; transitions
// (Stopping->Stopped, order completion 5-10 s after ModifyPrepayInstanceSpec,
// Starting->Running, scheduled RebootTime) are computed lazily from it, so a
// test advances a VirtualClock and simply calls again.
// Errors: every rule of the seeds returns the seed's code, HTTP status and
// message (built from cloud/error_table.h), with a fresh RequestId. Codes
// whose cause the model has no rule for come from world-file triggers
// (world.h: InstanceTriggers, CatalogType, Account; docs/emulator.md).
// Where the seeds leave room, the Model decides (details in the .cc files):
//  - Smaller target without OperatorType=downgrade: InvalidParameter naming
//    OperatorType; a mixed change (more vCPU, less memory) follows OperatorType.
//  - "Special instance with EIP": InstanceNetworkType classic + EipAddress.
//  - AutoPay=false on an upgrade: an Order with status "Unpaid" that never
//    takes effect and does not block later orders.
//  - An upgrade needs Running or Stopped, else IncorrectInstanceStatus.
//  - DescribeInstanceModificationPrice prices upgrades only (as the real API
//    documents); a strictly smaller target gets OperationDenied.
//  - ModifyInstanceSpec on PrePaid: ChargeTypeViolation (403); on a PostPaid
//    instance that is not Stopped: InvalidInstanceStatus.NotStopped (400), as
//    the ModifyInstanceSpec reference documents (codes not in error_table.h).
//  - DescribeInstances: MaxResults 0 or PageSize 0 mean 10 (the API default);
//    NextToken is opaque ("rt1." + the next instance ID); results in ID order.
// Threads: all methods are safe to call concurrently (one internal mutex).
// Ownership: the Model owns its World copy; it does not own the Clock.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cloud/cloud.h"
#include "core/clock.h"
#include "emulator/world.h"

namespace respec::emulator {

struct Timing {
  Millis stop{3000};          // Stopping -> Stopped
  Millis start{4000};         // Starting -> Running
  Millis reboot{5000};        // Running -> Stopping -> Starting -> Running
  Millis order_min{5000};     // ModifyPrepayInstanceSpec completes 5..10 s later
  Millis order_max{10000};
};

struct Order {
  std::string order_id;
  std::string instance_id;
  std::string region;
  std::string client_token;
  std::string instance_type;   // target
  std::string from_type;
  std::string operator_type;   // upgrade | downgrade
  std::string time;            // RFC 3339 UTC
  bool paid = true;            // AutoPay=false leaves an unpaid order
  // Processing (type changes at completion) | Done | Unpaid (AutoPay=false on
  // an upgrade: never takes effect, since nothing here pays it).
  std::string status = "Processing";
  std::string complete_time;   // RFC 3339 UTC: when it completes(d); empty when Unpaid
};

// One accepted StopInstance, as the request asked for it (inspection:
// /_emulator/stops), so a test can see ForceStop and that no StoppedMode
// was sent.
struct StopRecord {
  std::string instance_id;
  bool force_stop = false;
  std::string stopped_mode;  // as sent over HTTP; "" = not sent
};

struct InstanceStatusEntry {
  std::string instance_id;
  std::string status;
};

class Model : public Cloud {
 public:
  Model(World world, Clock* clock, Timing timing = {}, uint64_t seed = 1);
  ~Model() override;

  // --- Cloud ---
  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& req) override;
  Result<DescribeInstanceTypesPage> DescribeInstanceTypes(const DescribeInstanceTypesRequest& req) override;
  Result<ResourcesModificationResult> DescribeResourcesModification(
      const ResourcesModificationRequest& req) override;
  Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest& req) override;
  Result<Ack> StopInstance(const std::string& region, const std::string& instance_id,
                           bool force_stop = false) override;
  // StopInstance with the request's StoppedMode recorded too (the HTTP door).
  Result<Ack> StopInstanceWith(const std::string& region, const std::string& instance_id, bool force_stop,
                               const std::string& stopped_mode);
  Result<Ack> StartInstance(const std::string& region, const std::string& instance_id) override;
  Result<Ack> RebootInstance(const std::string& region, const std::string& instance_id) override;
  Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& req) override;
  // BatchOptimization=SuccessFirst: each instance on its own.
  Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& req) override;
  // The HTTP door: AllTogether (one refusal refuses the whole request, and
  // nothing is done) or SuccessFirst, and StopInstances' StoppedMode recorded.
  Result<PowerBatchResult> PowerBatchWith(const PowerBatchRequest& req, bool all_together,
                                          const std::string& stopped_mode);

  // --- Actions only the HTTP door serves ---
  Result<std::vector<Region>> DescribeRegions();
  Result<std::vector<Zone>> DescribeZones(const std::string& region);
  Result<std::vector<InstanceStatusEntry>> DescribeInstanceStatus(const std::string& region,
                                                                  int page_number, int page_size,
                                                                  int* total_count);
  // Pay-as-you-go counterpart: PrePaid instances get the documented error.
  Result<Ack> ModifyInstanceSpec(const std::string& region, const std::string& instance_id,
                                 const std::string& instance_type);

  // --- Inspection (tests, /_emulator/*) ---
  const AccessKey* FindAccessKey(const std::string& id) const;  // stable while the Model lives
  std::vector<Order> Orders() const;
  std::vector<StopRecord> Stops() const;  // every accepted StopInstance, in order
  // Every instance as DescribeInstances shows it now, with its downgrade count.
  std::vector<WorldInstance> Instances() const;
  // The type the instance really runs on (changes only at an API restart).
  std::string EffectiveType(const std::string& instance_id) const;
  std::string NewRequestId();

  // State persistence (--state-file): atomic write; false + message on failure.
  bool SaveState(const std::string& path, std::string* error) const;
  bool LoadState(const std::string& path, std::string* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace respec::emulator
