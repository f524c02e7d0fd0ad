// Shared fixture for the plan tests: an in-process emulator Model on a
// VirtualClock (2026-01-01), a call-counting Cloud, and a spec from YAML.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cloud/cloud_wrapper.h"
#include "core/clock.h"
#include "core/sha256.h"
#include "emulator/model.h"
#include "emulator/world.h"
#include "plan/planner.h"
#include "spec/loader.h"

namespace respec::testing {

// A plan file's JSON with its digest recomputed the documented way (compact
// JSON, keys sorted, without "digest"), as a tamperer who read the docs
// would: lets a test reach the checks behind the digest.
inline std::string Reseal(nlohmann::json j) {
  j.erase("digest");
  j["digest"] = "sha256:" + Sha256Hex(j.dump());
  return j.dump(2);
}

class CountingCloud : public CloudWrapper {
 public:
  using CloudWrapper::CloudWrapper;
  Result<DescribeInstancesPage> DescribeInstances(const DescribeInstancesRequest& r) override {
    Count("DescribeInstances");
    if (r.instance_ids.size() > max_ids) max_ids = r.instance_ids.size();
    return CloudWrapper::DescribeInstances(r);
  }
  Result<DescribeInstanceTypesPage> DescribeInstanceTypes(const DescribeInstanceTypesRequest& r) override {
    Count("DescribeInstanceTypes");
    return CloudWrapper::DescribeInstanceTypes(r);
  }
  Result<ResourcesModificationResult> DescribeResourcesModification(
      const ResourcesModificationRequest& r) override {
    Count("DescribeResourcesModification");
    return CloudWrapper::DescribeResourcesModification(r);
  }
  Result<Price> DescribeInstanceModificationPrice(const ModificationPriceRequest& r) override {
    Count("DescribeInstanceModificationPrice");
    return CloudWrapper::DescribeInstanceModificationPrice(r);
  }
  Result<ModifyPrepaySpecResult> ModifyPrepayInstanceSpec(const ModifyPrepaySpecRequest& r) override {
    Count("ModifyPrepayInstanceSpec");
    return CloudWrapper::ModifyPrepayInstanceSpec(r);
  }
  int calls(const std::string& action) {
    std::lock_guard<std::mutex> l(mu_);
    return counts_[action];
  }
  int total() {
    std::lock_guard<std::mutex> l(mu_);
    int n = 0;
    for (auto& [k, v] : counts_) n += v;
    return n;
  }
  size_t max_ids = 0;

 private:
  void Count(const std::string& a) {
    std::lock_guard<std::mutex> l(mu_);
    ++counts_[a];
  }
  std::mutex mu_;
  std::map<std::string, int> counts_;
};

inline emulator::WorldInstance Inst(const std::string& id, const std::string& type,
                                    const std::string& status = kRunning) {
  emulator::WorldInstance wi;
  Instance& in = wi.instance;
  in.id = id;
  in.region = "cn-hangzhou";
  in.zone = "cn-hangzhou-h";
  in.type = type;
  in.type_family = type.substr(0, type.rfind('.'));
  in.status = status;
  in.charge_type = "PrePaid";
  in.expired_time = "2030-12-31T16:00Z";
  in.network_type = "vpc";
  in.image_id = "aliyun_3_x64_20G_alibase_20240528.vhd";
  in.name = "n-" + id.substr(2);
  return wi;
}

inline FleetSpec Spec(const std::string& yaml, const Clock& clock) {
  FleetSpec spec;
  std::vector<Diagnostic> diags;
  bool ok = LoadFleetSpecFromString(yaml, "fleet.yaml", clock, &spec, &diags);
  std::string msg;
  for (const auto& d : diags) msg += d.ToString() + "\n";
  INFO(msg);
  REQUIRE(ok);
  return spec;
}

struct Env {
  VirtualClock clock;
  std::unique_ptr<emulator::Model> model;
  std::unique_ptr<CountingCloud> cloud;
  explicit Env(emulator::World w) {
    model = std::make_unique<emulator::Model>(std::move(w), &clock);
    cloud = std::make_unique<CountingCloud>(model.get());
  }
  Plan MakeOk(const FleetSpec& spec, PlannerOptions o = {}) {
    auto out = MakePlan(spec, cloud.get(), clock, o);
    std::string msg;
    for (const auto& e : out.errors) msg += e + "\n";
    INFO(msg);
    REQUIRE(out.ok());
    return *out.plan;
  }
};

inline const InstancePlan& Find(const Plan& p, const std::string& id) {
  for (const auto& i : p.instances)
    if (i.instance_id == id) return i;
  FAIL("instance " << id << " not in plan");
  return p.instances.front();
}

inline std::vector<StepKind> Chain(const Plan& p, const std::string& id) {
  std::vector<StepKind> out;
  for (int s : Find(p, id).steps) out.push_back(p.steps[size_t(s)].kind);
  return out;
}

inline bool HasNote(const InstancePlan& ip, const std::string& needle) {
  for (const auto& n : ip.notes)
    if (n.find(needle) != std::string::npos) return true;
  return false;
}

inline std::string One(const std::string& id, const std::string& type, const std::string& extra = "") {
  return "version: 1\nregions: [cn-hangzhou]\ngroups:\n  g:\n    targets:\n      - instanceIds: [" + id +
         "]\n        instanceType: " + type + "\n" + extra;
}

}  // namespace respec::testing
