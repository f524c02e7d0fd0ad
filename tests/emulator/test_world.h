// Shared fixtures for the emulator's model tests: a small hand-built world
// on the default catalog, and a VirtualClock (no test ever sleeps).
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "emulator/model.h"
#include "emulator/world.h"

namespace respec::emulator::testing {

inline WorldInstance MakeInstance(const std::string& id, const std::string& zone,
                                  const std::string& type, const std::string& status,
                                  std::vector<Tag> tags = {}) {
  WorldInstance wi;
  Instance& in = wi.instance;
  in.id = id;
  in.region = zone.substr(0, zone.size() - 2);
  in.zone = zone;
  in.type = type;
  in.type_family = type.substr(0, type.rfind('.'));
  in.status = status;
  in.charge_type = "PrePaid";
  in.expired_time = "2026-12-31T16:00Z";
  in.network_type = "vpc";
  in.image_id = "aliyun_3_x64_20G_alibase_20240528.vhd";
  in.tags = std::move(tags);
  for (const auto& c : DefaultWorld().catalog)
    if (c.type.id == type) {
      in.cpu = c.type.cpu;
      in.memory_mib = int(c.type.memory_gib * 1024);
    }
  return wi;
}

inline DescribeInstancesRequest ListRequest(const std::string& region) {
  DescribeInstancesRequest r;
  r.region = region;
  return r;
}

inline Instance Describe(Model& m, const std::string& id) {
  DescribeInstancesRequest r;
  r.region = id.rfind("i-uf6", 0) == 0 ? "cn-shanghai" : "cn-hangzhou";
  r.instance_ids = {id};
  auto page = m.DescribeInstances(r);
  if (!page.ok() || page->instances.size() != 1) return Instance{};
  return page->instances[0];
}

inline ModifyPrepaySpecRequest Modify(const std::string& id, const std::string& type,
                                      const std::string& op = "") {
  ModifyPrepaySpecRequest r;
  r.region = id.rfind("i-uf6", 0) == 0 ? "cn-shanghai" : "cn-hangzhou";
  r.instance_id = id;
  r.instance_type = type;
  r.operator_type = op;
  return r;
}

}  // namespace respec::emulator::testing
