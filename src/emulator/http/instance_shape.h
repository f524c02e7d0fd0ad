// The one field list of an instance as DescribeInstances shows it, written
// through a visitor so that the same list builds a Json tree (XML answers,
// inspection) or appends JSON text directly (the hot JSON path, which avoids
// building a tree per instance). Header-only; pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "cloud/cloud.h"
#include "emulator/http/render.h"

namespace respec::emulator::http {

template <class V>
void VisitInstance(const Instance& i, V& v) {
  v.Str("InstanceId", i.id);
  v.Str("InstanceName", i.name);
  v.Str("RegionId", i.region);
  v.Str("ZoneId", i.zone);
  v.Str("InstanceType", i.type);
  v.Str("InstanceTypeFamily", i.type_family);
  v.Int("Cpu", i.cpu);
  v.Int("Memory", i.memory_mib);
  v.Str("Status", i.status);
  v.Str("InstanceChargeType", i.charge_type);
  v.Str("ExpiredTime", i.expired_time);
  v.Str("InstanceNetworkType", i.network_type);
  v.Str("ImageId", i.image_id);
  if (i.io_optimized) v.Bool("IoOptimized", *i.io_optimized);
  v.Begin("EipAddress");
  v.Str("IpAddress", i.eip_address);
  // The API always returns the EipAddress object; IDs are empty without an EIP.
  v.Str("AllocationId", i.eip_address.empty() ? std::string()
                                              : "eip-" + i.id.substr(i.id.find('-') + 1));
  v.End();
  v.Begin("Tags");
  v.BeginArray("Tag");
  for (const auto& [key, value] : i.tags) {
    v.BeginItem();
    v.Str("TagKey", key);
    v.Str("TagValue", value);
    v.EndItem();
  }
  v.EndArray();
  v.End();
  v.Begin("OperationLocks");
  v.BeginArray("LockReason");
  for (const auto& reason : i.lock_reasons) {
    v.BeginItem();
    v.Str("LockReason", reason);
    v.EndItem();
  }
  v.EndArray();
  v.End();
}

// Appends JSON text: {"InstanceId":"...",...}
class JsonTextWriter {
 public:
  explicit JsonTextWriter(std::string* out) : out_(out) {}
  void Open() { *out_ += '{'; first_ = true; }
  void Close() { *out_ += '}'; first_ = false; }
  void Str(std::string_view k, std::string_view v) { Key(k); Quote(v); }
  void Int(std::string_view k, long v) { Key(k); *out_ += std::to_string(v); }
  void Bool(std::string_view k, bool v) { Key(k); *out_ += v ? "true" : "false"; }
  void Begin(std::string_view k) { Key(k); Open(); }
  void End() { Close(); }
  void BeginArray(std::string_view k) { Key(k); *out_ += '['; first_ = true; }
  void EndArray() { *out_ += ']'; first_ = false; }
  void BeginItem() { if (!first_) *out_ += ','; Open(); }
  void EndItem() { Close(); }

 private:
  void Key(std::string_view k) {
    if (!first_) *out_ += ',';
    first_ = false;
    Quote(k);
    *out_ += ':';
  }
  void Quote(std::string_view s) {
    *out_ += '"';
    for (char c : s) {
      unsigned char u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        *out_ += '\\';
        *out_ += c;
      } else if (u < 0x20) {
        static const char* kHex = "0123456789abcdef";
        *out_ += "\\u00";
        *out_ += kHex[u >> 4];
        *out_ += kHex[u & 15];
      } else {
        *out_ += c;
      }
    }
    *out_ += '"';
  }
  std::string* out_;
  bool first_ = true;
};

// Builds a Json tree with the same shape.
class JsonTreeWriter {
 public:
  explicit JsonTreeWriter(Json* root) { stack_.push_back(root); }
  void Str(std::string_view k, std::string_view v) { (*Top())[std::string(k)] = std::string(v); }
  void Int(std::string_view k, long v) { (*Top())[std::string(k)] = v; }
  void Bool(std::string_view k, bool v) { (*Top())[std::string(k)] = v; }
  void Begin(std::string_view k) { stack_.push_back(&((*Top())[std::string(k)] = Json::object())); }
  void End() { stack_.pop_back(); }
  void BeginArray(std::string_view k) { stack_.push_back(&((*Top())[std::string(k)] = Json::array())); }
  void EndArray() { stack_.pop_back(); }
  void BeginItem() {
    Top()->push_back(Json::object());
    stack_.push_back(&Top()->back());
  }
  void EndItem() { stack_.pop_back(); }

 private:
  Json* Top() { return stack_.back(); }
  std::vector<Json*> stack_;
};

}  // namespace respec::emulator::http
