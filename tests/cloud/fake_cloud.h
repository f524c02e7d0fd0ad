// A small in-memory ECS for the retry tests: instances with power states,
// orders deduplicated by ClientToken (as the real API does), and faults —
// Throttling with a seeded probability, and "accept, then drop the
// connection" for chosen calls. Used where the emulator's Model would be
// heavier than the property under test.
#pragma once

#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "cloud/cloud.h"
#include "cloud/error_table.h"

namespace respec::testing {

class FakeCloud : public Cloud {
 public:
  explicit FakeCloud(uint64_t seed = 7) : rng_(seed) {}

  double throttle_rate = 0;            // probability of Throttling per call
  int drop_after_accept = 0;           // next N mutating calls: act, then Transport.ConnectionFailed
  std::string always_fail_code;        // every call fails with this code
  int fail_first = 0;                  // with always_fail_code: only the first N calls fail
  long long retry_after_ms = -1;       // x-acs-retry-after on the injected failures
  std::map<std::string, std::string> status;  // instance -> status
  std::map<std::string, int> requests;        // action -> requests received
  std::vector<ModifyPrepaySpecRequest> orders;  // orders actually placed

  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& r) override {
    std::lock_guard<std::mutex> l(mu_);
    if (auto e = Fault("DescribeInstances")) return *e;
    DescribeInstancesPage p;
    for (const auto& id : r.instance_ids) {
      auto it = status.find(id);
      if (it == status.end()) continue;
      Instance i;
      i.id = id;
      i.region = r.region;
      i.status = it->second;
      p.instances.push_back(i);
    }
    p.total_count = static_cast<int>(p.instances.size());
    p.request_id = "req-describe";
    return p;
  }
  Result<DescribeInstanceTypesPage> DescribeInstanceTypes(const DescribeInstanceTypesRequest&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (auto e = Fault("DescribeInstanceTypes")) return *e;
    return DescribeInstanceTypesPage{{}, "", "req-types"};
  }
  Result<ResourcesModificationResult> DescribeResourcesModification(
      const ResourcesModificationRequest&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (auto e = Fault("DescribeResourcesModification")) return *e;
    return ResourcesModificationResult{"z", {}, "req-mod"};
  }
  Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (auto e = Fault("DescribeInstanceModificationPrice")) return *e;
    Price p;
    p.trade = 1;
    p.request_id = "req-price";
    return p;
  }
  Result<Ack> StopInstance(const std::string&, const std::string& id, bool = false) override {
    return Power("StopInstance", id, kRunning, kStopping);
  }
  Result<Ack> StartInstance(const std::string&, const std::string& id) override {
    return Power("StartInstance", id, kStopped, kStarting);
  }
  Result<Ack> RebootInstance(const std::string&, const std::string& id) override {
    return Power("RebootInstance", id, kRunning, kStopping);
  }
  Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& r) override {
    const char* from = r.action == PowerAction::kStart ? kStopped : kRunning;
    const char* to = r.action == PowerAction::kStart ? kStarting : kStopping;
    std::lock_guard<std::mutex> l(mu_);
    if (auto e = Fault(PowerBatchActionName(r.action))) return *e;
    PowerBatchResult out;
    for (const auto& id : r.instance_ids) {
      InstancePowerResult one;
      one.instance_id = id;
      auto it = status.find(id);
      if (it == status.end()) {
        one.error = MakeCloudError("InvalidInstanceId.NotFound", "");
      } else {
        one.previous_status = it->second;
        if (it->second != from) one.error = MakeCloudError("IncorrectInstanceStatus", "");
        else it->second = to;
        one.current_status = it->second;
      }
      out.instances.push_back(std::move(one));
    }
    if (auto e = Drop()) return *e;
    out.request_id = std::string("req-") + PowerBatchActionName(r.action);
    return out;
  }
  Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& r) override {
    std::lock_guard<std::mutex> l(mu_);
    if (auto e = Fault("ModifyPrepayInstanceSpec")) return *e;
    std::string order_id;
    auto it = by_token_.find(r.client_token);
    if (it != by_token_.end()) {
      order_id = it->second;  // idempotent: the first order's ID
    } else {
      orders.push_back(r);
      order_id = std::to_string(1000 + orders.size());
      by_token_[r.client_token] = order_id;
    }
    if (auto e = Drop()) return *e;
    return ModifyPrepaySpecResult{order_id, "req-order"};
  }

 private:
  std::optional<CloudError> Fault(const std::string& action) {
    ++requests[action];
    if (!always_fail_code.empty() && (fail_first <= 0 || failed_++ < fail_first)) {
      CloudError e = MakeCloudError(always_fail_code, "");
      e.retry_after_ms = retry_after_ms;
      return e;
    }
    if (throttle_rate > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < throttle_rate)
      return MakeCloudError("Throttling", "");
    return std::nullopt;
  }
  std::optional<CloudError> Drop() {
    if (drop_after_accept <= 0) return std::nullopt;
    --drop_after_accept;
    return MakeCloudError("Transport.ConnectionFailed", "connection reset by peer");
  }
  Result<Ack> Power(const std::string& action, const std::string& id, const char* from,
                    const char* to) {
    std::lock_guard<std::mutex> l(mu_);
    if (auto e = Fault(action)) return *e;
    auto it = status.find(id);
    if (it == status.end()) return MakeCloudError("InvalidInstanceId.NotFound", "");
    if (it->second != from) return MakeCloudError("IncorrectInstanceStatus", "");
    it->second = to;
    if (auto e = Drop()) return *e;
    return Ack{"req-" + action};
  }

  std::mutex mu_;
  int failed_ = 0;
  std::mt19937_64 rng_;
  std::map<std::string, std::string> by_token_;
};

}  // namespace respec::testing
