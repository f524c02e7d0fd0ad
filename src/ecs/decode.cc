#include "ecs/decode.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>

#include "ecs/decode_reader.h"

namespace respec::ecs {

using detail::Reader;
using detail::RawNumber;
using json = nlohmann::json;

Result<DescribeInstancesPage> DecodeDescribeInstances(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  DescribeInstancesPage page;
  if (doc && r.RequestId(&page.request_id)) {
    r.OptString(*doc, "NextToken", &page.next_token);
    r.OptInt(*doc, "TotalCount", &page.total_count);
    r.OptInt(*doc, "PageNumber", &page.page_number);
    r.OptInt(*doc, "PageSize", &page.page_size);
    auto items = r.List(*doc, "Instances", "Instance", /*required=*/true);
    for (size_t i = 0; i < items.size() && !r.failed(); ++i) {
      const json& j = *items[i];
      std::string path = fmt::format("Instances.Instance[{}].", i);
      if (!j.is_object()) {
        r.Fail("Response.Malformed", fmt::format("Instances.Instance[{}] is not an object", i));
        break;
      }
      Instance inst;
      if (!r.ReqString(j, "InstanceId", path, &inst.id)) break;
      if (!r.ReqString(j, "Status", path, &inst.status)) break;
      if (!r.ReqString(j, "InstanceType", path, &inst.type)) break;
      inst.region = c.region;
      r.OptString(j, "RegionId", &inst.region);
      r.OptString(j, "ZoneId", &inst.zone);
      r.OptString(j, "InstanceTypeFamily", &inst.type_family);
      r.OptString(j, "InstanceChargeType", &inst.charge_type);
      r.OptString(j, "ExpiredTime", &inst.expired_time);
      r.OptString(j, "InstanceNetworkType", &inst.network_type);
      r.OptString(j, "ImageId", &inst.image_id);
      r.OptString(j, "InstanceName", &inst.name);
      r.OptInt(j, "Cpu", &inst.cpu);
      r.OptInt(j, "Memory", &inst.memory_mib);
      if (const json* eip = Reader::Get(j, "EipAddress")) r.OptString(*eip, "IpAddress", &inst.eip_address);
      if (const json* io = Reader::Get(j, "IoOptimized"); io && io->is_boolean()) inst.io_optimized = io->get<bool>();
      // Tags and locks are optional; their entries are skipped when partial.
      for (const json* t : r.List(j, "Tags", "Tag", false)) {
        std::string k, v;
        r.OptString(*t, "TagKey", &k);
        r.OptString(*t, "TagValue", &v);
        if (!k.empty()) inst.tags.emplace_back(k, v);
      }
      for (const json* l : r.List(j, "OperationLocks", "LockReason", false)) {
        std::string reason;
        r.OptString(*l, "LockReason", &reason);
        if (!reason.empty()) inst.lock_reasons.push_back(reason);
      }
      page.instances.push_back(std::move(inst));
    }
  }
  if (r.failed()) return r.error();
  return page;
}

Result<DescribeInstanceTypesPage> DecodeDescribeInstanceTypes(const RawResponse& raw,
                                                              const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  DescribeInstanceTypesPage page;
  if (doc && r.RequestId(&page.request_id)) {
    r.OptString(*doc, "NextToken", &page.next_token);
    auto items = r.List(*doc, "InstanceTypes", "InstanceType", /*required=*/true);
    for (size_t i = 0; i < items.size() && !r.failed(); ++i) {
      const json& j = *items[i];
      InstanceType t;
      if (!r.ReqString(j, "InstanceTypeId", fmt::format("InstanceTypes.InstanceType[{}].", i), &t.id))
        break;
      r.OptString(j, "InstanceTypeFamily", &t.family);
      r.OptInt(j, "CpuCoreCount", &t.cpu);
      r.OptNumber(j, "MemorySize", &t.memory_gib);
      r.OptString(j, "LocalStorageCategory", &t.local_storage_category);
      r.OptInt(j, "LocalStorageAmount", &t.local_storage_amount);
      page.types.push_back(std::move(t));
    }
  }
  if (r.failed()) return r.error();
  return page;
}

Result<ResourcesModificationResult> DecodeResourcesModification(const RawResponse& raw,
                                                                const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  ResourcesModificationResult out;
  if (doc && r.RequestId(&out.request_id)) {
    // No AvailableZones at all means no candidates, which the API does send.
    for (const json* zone : r.List(*doc, "AvailableZones", "AvailableZone", false)) {
      if (out.zone.empty()) r.OptString(*zone, "ZoneId", &out.zone);
      for (const json* res : r.List(*zone, "AvailableResources", "AvailableResource", false)) {
        std::string type;
        r.OptString(*res, "Type", &type);
        if (!type.empty() && type != "InstanceType") continue;
        for (const json* s : r.List(*res, "SupportedResources", "SupportedResource", false)) {
          ModificationCandidate cand;
          r.OptString(*s, "Value", &cand.type);
          r.OptString(*s, "Status", &cand.status);
          r.OptString(*s, "StatusCategory", &cand.status_category);
          if (!cand.type.empty()) out.candidates.push_back(std::move(cand));
        }
      }
    }
  }
  if (r.failed()) return r.error();
  return out;
}

Result<Price> DecodeModificationPrice(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  Price p;
  if (doc && r.RequestId(&p.request_id)) {
    const json* info = Reader::Get(*doc, "PriceInfo");
    const json* price = info ? Reader::Get(*info, "Price") : nullptr;
    if (!price) {
      r.Fail("Response.MissingField", "required field PriceInfo.Price is missing");
    } else if (r.ReqNumber(*price, "TradePrice", "PriceInfo.Price.", &p.trade)) {
      r.OptNumber(*price, "OriginalPrice", &p.original);
      r.OptNumber(*price, "DiscountPrice", &p.discount);
      r.OptString(*price, "Currency", &p.currency);
    }
  }
  if (r.failed()) return r.error();
  return p;
}

Result<Ack> DecodeAck(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  Ack a;
  if (r.Parse()) r.RequestId(&a.request_id);
  if (r.failed()) return r.error();
  return a;
}

Result<PowerBatchResult> DecodePowerBatch(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  PowerBatchResult out;
  if (doc && r.RequestId(&out.request_id)) {
    auto items = r.List(*doc, "InstanceResponses", "InstanceResponse", /*required=*/true);
    for (size_t i = 0; i < items.size() && !r.failed(); ++i) {
      const json& j = *items[i];
      const std::string path = fmt::format("InstanceResponses.InstanceResponse[{}].", i);
      InstancePowerResult one;
      std::string code, message;
      if (!r.ReqString(j, "InstanceId", path, &one.instance_id) || !r.ReqString(j, "Code", path, &code)) break;
      r.OptString(j, "Message", &message);
      r.OptString(j, "PreviousStatus", &one.previous_status);
      r.OptString(j, "CurrentStatus", &one.current_status);
      if (code != "200") {
        CloudError e = MakeCloudError(code, message, raw.http_status);
        e.action = c.action;
        e.instance_id = one.instance_id;
        e.request_id = out.request_id;
        one.error = std::move(e);
      }
      out.instances.push_back(std::move(one));
    }
  }
  if (r.failed()) return r.error();
  return out;
}

Result<ModifyPrepaySpecResult> DecodeModifyPrepay(const RawResponse& raw, const CallInfo& c) {
  Reader r(raw, c);
  const json* doc = r.Parse();
  ModifyPrepaySpecResult out;
  if (doc && r.RequestId(&out.request_id) && r.ReqString(*doc, "OrderId", "", &out.order_id)) {
    const json* id = Reader::Get(*doc, "OrderId");
    if (id->is_number()) {
      // Keep every digit of a long numeric order ID.
      // The scan must agree with the parsed value, or it found another "OrderId".
      auto digits = RawNumber(r.body(), "OrderId");
      double parsed = id->get<double>();
      if (digits && std::fabs(std::strtod(digits->c_str(), nullptr) - parsed) <=
                        std::fabs(parsed) * 1e-12)
        out.order_id = *digits;
    }
  }
  if (r.failed()) return r.error();
  return out;
}

}  // namespace respec::ecs
