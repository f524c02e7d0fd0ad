// Cloud: the one narrow seam between respec's core (spec, plan, apply) and
// Alibaba Cloud ECS. Each method is exactly one ECS API call (so call counts
// measured through it are real), typed in and out.
//
// Implementations:
//   ecs/ecs_cloud.h        signed HTTPS calls to the real API or the emulator
//   emulator/model.h       the emulator's in-process state machine
//   cloud/cloud_wrapper.h  forwards every call; subclasses override one to
//                          inject faults or count calls (like LevelDB's EnvWrapper)
//
// Errors: every method returns Result<T>; failures are CloudError values
// carrying code, category, RequestId, action and instance. No method throws.
// Threads: implementations must be safe to call from several threads at once.
// Ownership: callers own requests and results; the Cloud owns nothing of theirs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cloud/error.h"

namespace respec {

using Tag = std::pair<std::string, std::string>;  // key, value

// Instance status as the API spells it.
inline constexpr const char* kPending = "Pending";
inline constexpr const char* kRunning = "Running";
inline constexpr const char* kStarting = "Starting";
inline constexpr const char* kStopping = "Stopping";
inline constexpr const char* kStopped = "Stopped";
// Starting, Stopping or Pending: on its way to a stable state.
inline bool IsTransitional(const std::string& s) { return s == kStarting || s == kStopping || s == kPending; }

struct Instance {
  std::string id;
  std::string region;
  std::string zone;
  std::string type;                  // InstanceType
  std::string type_family;           // InstanceTypeFamily
  std::string status;                // Pending | Running | Starting | Stopping | Stopped
  std::string charge_type;           // InstanceChargeType: PrePaid | PostPaid
  std::string expired_time;          // ExpiredTime, "yyyy-MM-ddTHH:mmZ"
  std::string network_type;          // InstanceNetworkType: vpc | classic
  std::string image_id;              // ImageId; marketplace images start with "m-"
  std::string eip_address;           // EipAddress.IpAddress, empty when none
  std::optional<bool> io_optimized;  // IoOptimized; unset when the answer leaves it out
  std::string name;                  // InstanceName
  int cpu = 0;                       // vCPUs
  int memory_mib = 0;                // Memory (MiB)
  std::vector<Tag> tags;             // Tags.Tag[]
  std::vector<std::string> lock_reasons;  // OperationLocks.LockReason[]
};

struct DescribeInstancesRequest {
  std::string region;
  std::vector<std::string> instance_ids;  // at most 100
  std::vector<Tag> tags;                  // Tag.N.Key / Tag.N.Value, all must match
  std::string status;                     // filter, empty = any
  std::string zone;
  std::string charge_type;
  std::string next_token;                 // NextToken paging: empty for the first page
  int max_results = 100;                  // 1..100
  int page_number = 0;                    // PageNumber/PageSize paging when > 0 (emulator, SDKs)
  int page_size = 0;
};

struct DescribeInstancesPage {
  std::vector<Instance> instances;
  std::string next_token;  // empty on the last page
  int total_count = 0;
  int page_number = 0;     // echoed when PageNumber paging was used
  int page_size = 0;
  std::string request_id;
};

struct InstanceType {
  std::string id;                      // InstanceTypeId, e.g. ecs.g7.xlarge
  std::string family;                  // InstanceTypeFamily, e.g. ecs.g7
  int cpu = 0;                         // CpuCoreCount
  double memory_gib = 0;               // MemorySize (GiB)
  std::string local_storage_category;  // non-empty: the type has local disks
  int local_storage_amount = 0;
};

// DescribeInstanceTypes is global: the catalog does not depend on the
// region (regional availability comes from DescribeResourcesModification),
// and the SDK model has no RegionId. `region` only picks the endpoint the
// call goes to; it is never sent. MaxResults is capped at 100 (the limit
// documented since 2023-11-15; docs/api-fidelity.md), so callers page.
inline constexpr int kInstanceTypesMaxResults = 100;
struct DescribeInstanceTypesRequest {
  std::string region;  // endpoint only, not sent
  std::string next_token;
  int max_results = kInstanceTypesMaxResults;
};

struct DescribeInstanceTypesPage {
  std::vector<InstanceType> types;
  std::string next_token;
  std::string request_id;
};

// DescribeResourcesModification with DestinationResource=InstanceType.
struct ResourcesModificationRequest {
  std::string region;
  std::string instance_id;    // ResourceId
  std::string operation;      // OperationType: "Upgrade" | "Downgrade"
  std::string target_type;    // InstanceType filter; empty lists every candidate
  bool migrate_across_zone = false;
};

struct ModificationCandidate {
  std::string type;
  std::string status;           // "Available" | "SoldOut"
  std::string status_category;  // "WithStock" | "ClosedWithStock" | "WithoutStock" | "ClosedWithoutStock"
};

struct ResourcesModificationResult {
  std::string zone;
  std::vector<ModificationCandidate> candidates;
  std::string request_id;
};

// DescribeInstanceModificationPrice: price of changing a subscription
// instance's type (positive: to pay; the API prices upgrades).
struct ModificationPriceRequest {
  std::string region;
  std::string instance_id;
  std::string target_type;
};

struct Price {
  double original = 0;
  double discount = 0;
  double trade = 0;  // what is paid
  std::string currency;
  std::string request_id;
};

struct ModifyPrepaySpecRequest {
  std::string region;
  std::string instance_id;
  std::string instance_type;
  std::string operator_type;         // "upgrade" | "downgrade"; empty = omit (API default upgrade)
  std::string client_token;          // ASCII, <= 64; deterministic per (plan, instance, step)
  std::optional<bool> auto_pay;
  std::optional<bool> migrate_across_zone;
  std::string system_disk_category;  // "" | cloud_efficiency | cloud_ssd
  std::string reboot_time;           // "" or yyyy-MM-ddTHH:mm:ssZ / yyyy-MM-ddTHH:mmZ
  std::string end_time;
  std::optional<bool> reboot_when_finished;
};

struct ModifyPrepaySpecResult {
  std::string order_id;  // the API documents String; some responses carry a number
  std::string request_id;
};

// StopInstances / StartInstances / RebootInstances: one request acts on up
// to 100 instances of one region. respec always sends
// BatchOptimization=SuccessFirst, so each instance is acted on or refused
// on its own, and the answer has one InstanceResponse per instance: Code
// "200" when the action was accepted, else the refusal's code and message,
// with the instance's PreviousStatus and CurrentStatus (docs/api-fidelity.md).
inline constexpr int kPowerBatchMax = 100;
enum class PowerAction { kStop, kStart, kReboot };
inline const char* PowerBatchActionName(PowerAction a) {
  return a == PowerAction::kStop ? "StopInstances" : a == PowerAction::kStart ? "StartInstances" : "RebootInstances";
}

struct PowerBatchRequest {
  PowerAction action = PowerAction::kStop;
  std::string region;                     // RegionId (required by these actions)
  std::vector<std::string> instance_ids;  // InstanceId.N, 1..kPowerBatchMax, distinct
  bool force = false;                     // ForceStop (stop) / ForceReboot (reboot); never StoppedMode
};

struct InstancePowerResult {
  std::string instance_id;
  std::optional<CloudError> error;  // unset: the action was accepted for this instance
  std::string previous_status;
  std::string current_status;
};

struct PowerBatchResult {
  // One entry per requested instance, in request order; an instance the
  // answer left out gets an `ambiguous` Response.MissingInstance error from
  // the client (the server may have acted on it).
  std::vector<InstancePowerResult> instances;
  std::string request_id;
};

// The entry for an instance an answer of `action` left out: an ambiguous
// Response.MissingInstance (the server may have acted on it).
inline InstancePowerResult LeftOutOfAnswer(PowerAction action, const std::string& id,
                                           const std::string& request_id) {
  InstancePowerResult one;
  one.instance_id = id;
  CloudError e = MakeCloudError("Response.MissingInstance", "");
  e.action = PowerBatchActionName(action);
  e.instance_id = id;
  e.request_id = request_id;
  e.ambiguous = true;
  one.error = std::move(e);
  return one;
}

class Cloud {
 public:
  virtual ~Cloud() = default;

  virtual Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& req) = 0;
  virtual Result<DescribeInstanceTypesPage> DescribeInstanceTypes(
      const DescribeInstanceTypesRequest& req) = 0;
  virtual Result<ResourcesModificationResult> DescribeResourcesModification(
      const ResourcesModificationRequest& req) = 0;
  virtual Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest& req) = 0;
  // force_stop: ForceStop=true (the fleet spec's forceStop). Every override
  // repeats the default. No StoppedMode is ever sent (never StopCharging).
  virtual Result<Ack> StopInstance(const std::string& region, const std::string& instance_id,
                                   bool force_stop = false) = 0;
  virtual Result<Ack> StartInstance(const std::string& region, const std::string& instance_id) = 0;
  virtual Result<Ack> RebootInstance(const std::string& region, const std::string& instance_id) = 0;
  virtual Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(
      const ModifyPrepaySpecRequest& req) = 0;
  // One StopInstances / StartInstances / RebootInstances request (above). A
  // whole-request failure (throttled, no answer, bad credentials) is the
  // error; refusals of single instances are entries of the result.
  virtual Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& req) = 0;
};

}  // namespace respec
