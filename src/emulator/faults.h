// Fault injection for the emulator: parse a --faults spec, draw faults per
// request deterministically from a seed, and (in process) wrap any Cloud so
// tests see the failures the HTTP server would produce.
//
// Spec text: comma-separated key=value, e.g.
//   throttling=0.2,last-order=0.1,internal=0.05,drop=0.02,slow=0.01,slow-ms=300,seed=7
// Probabilities are per request, in [0,1], and must sum to at most 1 (one
// draw decides at most one fault). LastOrderProcessing is only ever drawn for
// ModifyPrepayInstanceSpec; for other actions its share means no fault.
//
// Threads: FaultInjector and FaultInjectingCloud are safe to call
// concurrently; the sequence of draws is deterministic for a seed (which
// request gets which draw depends on the order calls arrive).
// Errors: ParseFaultSpec returns false with a message naming the bad key or
// value; nothing throws.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "cloud/cloud_wrapper.h"
#include "core/clock.h"

namespace respec::emulator {

struct FaultSpec {
  double throttling = 0;      // Throttling (HTTP 400)
  double last_order = 0;      // LastOrderProcessing, ModifyPrepayInstanceSpec only
  double internal_error = 0;  // InternalError (HTTP 500)
  double drop = 0;            // the call takes effect, the answer is lost
  double slow = 0;            // the answer comes slow_ms late
  int slow_ms = 200;
  uint64_t seed = 1;

  bool Any() const { return throttling + last_order + internal_error + drop + slow > 0; }
};

// Empty text is valid (no faults).
bool ParseFaultSpec(std::string_view text, FaultSpec* spec, std::string* error);

enum class Fault { kNone, kThrottling, kLastOrder, kInternal, kDrop, kSlow };
const char* FaultName(Fault f);

class FaultInjector {
 public:
  explicit FaultInjector(FaultSpec spec);
  // The server's form: the draws depend on both `seed` (--seed) and the
  // spec's own seed= (default 1), so either changes the sequence.
  FaultInjector(FaultSpec spec, uint64_t seed);
  // The fault for the next request of `action` (one draw per call).
  Fault Next(std::string_view action);
  const FaultSpec& spec() const { return spec_; }
  // How many times each fault was returned so far.
  uint64_t Count(Fault f) const;

 private:
  FaultSpec spec_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  std::array<uint64_t, 6> counts_{};
};

// A Cloud that injects faults in front of `target` (not owned). A dropped
// call reaches the target (its effect happens) but the caller gets
// Transport.ConnectionFailed with ambiguous=true, the case an idempotent
// client must survive. A slow call sleeps on `clock` (a VirtualClock in
// tests, so nothing really waits); with no clock it is not delayed.
class FaultInjectingCloud : public CloudWrapper {
 public:
  FaultInjectingCloud(Cloud* target, FaultSpec spec, Clock* clock = nullptr);

  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& r) override;
  Result<DescribeInstanceTypesPage> DescribeInstanceTypes(const DescribeInstanceTypesRequest& r) override;
  Result<ResourcesModificationResult> DescribeResourcesModification(
      const ResourcesModificationRequest& r) override;
  Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest& r) override;
  Result<Ack> StopInstance(const std::string& region, const std::string& id, bool force_stop = false) override;
  Result<Ack> StartInstance(const std::string& region, const std::string& id) override;
  Result<Ack> RebootInstance(const std::string& region, const std::string& id) override;
  Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& r) override;
  Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& r) override;

  FaultInjector& injector() { return injector_; }

 private:
  template <class T, class Call>
  Result<T> Inject(std::string_view action, const std::string& instance_id, Call call);

  FaultInjector injector_;
  Clock* clock_;
};

}  // namespace respec::emulator
