// CloudWrapper forwards every call to a target Cloud. Subclass it and
// override one method to inject a fault, count calls or add latency in
// tests, like LevelDB's EnvWrapper. The wrapper does not own the target.
#pragma once

#include "cloud/cloud.h"

namespace respec {

class CloudWrapper : public Cloud {
 public:
  explicit CloudWrapper(Cloud* target) : target_(target) {}
  Cloud* target() const { return target_; }

  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& r) override {
    return target_->DescribeInstances(r);
  }
  Result<DescribeInstanceTypesPage> DescribeInstanceTypes(
      const DescribeInstanceTypesRequest& r) override {
    return target_->DescribeInstanceTypes(r);
  }
  Result<ResourcesModificationResult> DescribeResourcesModification(
      const ResourcesModificationRequest& r) override {
    return target_->DescribeResourcesModification(r);
  }
  Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest& r) override {
    return target_->DescribeInstanceModificationPrice(r);
  }
  Result<Ack> StopInstance(const std::string& region, const std::string& id, bool force_stop = false) override {
    return target_->StopInstance(region, id, force_stop);
  }
  Result<Ack> StartInstance(const std::string& region, const std::string& id) override {
    return target_->StartInstance(region, id);
  }
  Result<Ack> RebootInstance(const std::string& region, const std::string& id) override {
    return target_->RebootInstance(region, id);
  }
  Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& r) override {
    return target_->ModifyPrepayInstanceSpec(r);
  }
  Result<PowerBatchResult> PowerBatch(const PowerBatchRequest& r) override { return target_->PowerBatch(r); }

 private:
  Cloud* target_;
};

}  // namespace respec
