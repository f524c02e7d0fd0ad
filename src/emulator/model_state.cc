// --state-file: the Model's mutable state (instances, orders, client tokens,
// in-flight transitions, random streams) as JSON, written atomically (temp
// file + fsync + rename + fsync of the directory) so a crash leaves either
// the old file or the new one. The catalog, regions and keys are not saved:
// they come from the world file given again at restart.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <fmt/format.h>

#include "core/status.h"
#include "emulator/model_impl.h"

namespace respec::emulator {
namespace {

using nlohmann::json;
constexpr int kStateVersion = 1;

int64_t ToMs(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
TimePoint FromMs(int64_t ms) { return TimePoint(std::chrono::duration_cast<TimePoint::duration>(Millis(ms))); }

template <class Rng>
std::string RngText(const Rng& r) {
  std::ostringstream os;
  os << r;
  return os.str();
}

json InstanceJson(const LiveInstance& li) {
  const Instance& in = li.w.instance;
  json tags = json::array();
  for (const auto& [k, v] : in.tags) tags.push_back({k, v});
  json j = {{"id", in.id}, {"region", in.region}, {"zone", in.zone}, {"type", in.type},
            {"family", in.type_family}, {"status", in.status}, {"charge_type", in.charge_type},
            {"expired_time", in.expired_time}, {"network_type", in.network_type},
            {"image_id", in.image_id}, {"eip_address", in.eip_address}, {"name", in.name},
            {"io_optimized", in.io_optimized.value_or(true)},
            {"cpu", in.cpu}, {"memory_mib", in.memory_mib}, {"tags", tags},
            {"lock_reasons", in.lock_reasons}, {"downgrades_used", li.w.downgrades_used},
            {"released", li.w.released}, {"effective_type", li.effective_type},
            {"hidden_type", li.hidden_type},
            {"phase", int(li.phase)}, {"phase_end", ToMs(li.phase_end)},
            {"order_done_at", ToMs(li.order_done_at)},
            {"reboot_when_finished", li.reboot_when_finished},
            {"ram_role", li.w.ram_role}, {"private_ips", li.w.private_ips},
            {"ipv6_addresses", li.w.ipv6_addresses},
            {"purchase_history", li.w.triggers.purchase_history},
            {"billing_method_supported", li.w.triggers.billing_method_supported},
            {"order_creation_failures", li.w.triggers.order_creation_failures}};
  if (li.open_order) j["open_order"] = *li.open_order;
  if (li.reboot_at) j["reboot_at"] = ToMs(*li.reboot_at);
  return j;
}

// nlohmann's .at()/.get() may throw on a malformed file; LoadState catches
// those at the boundary. respec's own checks return a Status.
StatusOr<LiveInstance> InstanceFromJson(const json& j) {
  LiveInstance li;
  Instance& in = li.w.instance;
  in.id = j.at("id").get<std::string>();
  in.region = j.at("region").get<std::string>();
  in.zone = j.at("zone").get<std::string>();
  in.type = j.at("type").get<std::string>();
  in.type_family = j.at("family").get<std::string>();
  in.status = j.at("status").get<std::string>();
  in.charge_type = j.at("charge_type").get<std::string>();
  in.expired_time = j.at("expired_time").get<std::string>();
  in.network_type = j.at("network_type").get<std::string>();
  in.image_id = j.at("image_id").get<std::string>();
  in.eip_address = j.at("eip_address").get<std::string>();
  in.io_optimized = j.value("io_optimized", true);
  in.name = j.at("name").get<std::string>();
  in.cpu = j.at("cpu").get<int>();
  in.memory_mib = j.at("memory_mib").get<int>();
  for (const auto& t : j.at("tags")) in.tags.emplace_back(t.at(0).get<std::string>(), t.at(1).get<std::string>());
  in.lock_reasons = j.at("lock_reasons").get<std::vector<std::string>>();
  li.w.downgrades_used = j.at("downgrades_used").get<int>();
  li.w.released = j.at("released").get<bool>();
  li.effective_type = j.at("effective_type").get<std::string>();
  li.hidden_type = j.value("hidden_type", std::string());
  li.w.ram_role = j.value("ram_role", std::string());
  li.w.private_ips = j.value("private_ips", 1);
  li.w.ipv6_addresses = j.value("ipv6_addresses", 0);
  li.w.triggers.purchase_history = j.value("purchase_history", true);
  li.w.triggers.billing_method_supported = j.value("billing_method_supported", true);
  li.w.triggers.order_creation_failures = j.value("order_creation_failures", 0);
  int phase = j.at("phase").get<int>();
  if (phase < 0 || phase > int(Phase::kRebootStopping))
    return Status::Invalid(fmt::format("instance {}: bad phase {}", in.id, phase));
  li.phase = Phase(phase);
  li.phase_end = FromMs(j.at("phase_end").get<int64_t>());
  li.order_done_at = FromMs(j.at("order_done_at").get<int64_t>());
  li.reboot_when_finished = j.at("reboot_when_finished").get<bool>();
  if (j.contains("open_order")) li.open_order = j["open_order"].get<size_t>();
  if (j.contains("reboot_at")) li.reboot_at = FromMs(j["reboot_at"].get<int64_t>());
  return li;
}

json OrderJson(const Order& o) {
  return {{"order_id", o.order_id}, {"instance_id", o.instance_id}, {"region", o.region},
          {"client_token", o.client_token}, {"instance_type", o.instance_type},
          {"from_type", o.from_type}, {"operator_type", o.operator_type}, {"time", o.time},
          {"paid", o.paid}, {"status", o.status}, {"complete_time", o.complete_time}};
}

Order OrderFromJson(const json& j) {
  Order o;
  o.order_id = j.at("order_id").get<std::string>();
  o.instance_id = j.at("instance_id").get<std::string>();
  o.region = j.at("region").get<std::string>();
  o.client_token = j.at("client_token").get<std::string>();
  o.instance_type = j.at("instance_type").get<std::string>();
  o.from_type = j.at("from_type").get<std::string>();
  o.operator_type = j.at("operator_type").get<std::string>();
  o.time = j.at("time").get<std::string>();
  o.paid = j.at("paid").get<bool>();
  o.status = j.at("status").get<std::string>();
  o.complete_time = j.at("complete_time").get<std::string>();
  return o;
}

bool WriteAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += size_t(n);
  }
  return true;
}

}  // namespace

bool Model::SaveState(const std::string& path, std::string* error) const {
  std::string text;
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    const ModelState& m = *impl_;
    json j;
    j["version"] = kStateVersion;
    j["instances"] = json::array();
    for (const auto& li : m.instances) j["instances"].push_back(InstanceJson(li));
    j["orders"] = json::array();
    for (const auto& o : m.orders) j["orders"].push_back(OrderJson(o));
    j["tokens"] = json::object();
    for (const auto& [token, e] : m.tokens)
      j["tokens"][token] = {{"fingerprint", e.fingerprint}, {"order_id", e.result.order_id},
                            {"instance_id", e.instance_id}};
    j["next_order_id"] = m.next_order_id;
    j["order_rng"] = RngText(m.order_rng);
    j["request_rng"] = RngText(m.request_rng);
    text = j.dump(1);
  }
  namespace fs = std::filesystem;
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = path + ": cannot write state: " + std::strerror(errno);
    return false;
  }
  bool ok = WriteAll(fd, text) && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    *error = path + ": cannot write state: " + std::strerror(saved);
    return false;
  }
  // Make the rename itself durable.
  std::string dir = fs::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

bool Model::LoadState(const std::string& path, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = path + ": cannot read state: " + std::strerror(errno);
    return false;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    *error = path + ": not a state file (invalid JSON)";
    return false;
  }
  try {
    if (j.at("version").get<int>() != kStateVersion) {
      *error = path + ": unsupported state version " + j.at("version").dump();
      return false;
    }
    std::vector<LiveInstance> instances;
    for (const auto& ji : j.at("instances")) {
      auto li = InstanceFromJson(ji);
      if (!li.ok()) {
        *error = path + ": malformed state file: " + li.status().message();
        return false;
      }
      instances.push_back(std::move(li).value());
    }
    std::vector<Order> orders;
    for (const auto& jo : j.at("orders")) orders.push_back(OrderFromJson(jo));
    for (const auto& li : instances)
      if (li.open_order && *li.open_order >= orders.size()) {
        *error = path + ": malformed state file: instance " + li.w.instance.id + " refers to a missing order";
        return false;
      }
    std::unordered_map<std::string, IdempotentEntry> tokens;
    for (const auto& [token, e] : j.at("tokens").items())
      tokens[token] = IdempotentEntry{e.at("fingerprint").get<std::string>(),
                                      ModifyPrepaySpecResult{e.at("order_id").get<std::string>(), ""},
                                      e.at("instance_id").get<std::string>()};
    std::sort(instances.begin(), instances.end(), [](const LiveInstance& a, const LiveInstance& b) {
      return a.w.instance.id < b.w.instance.id;
    });
    std::mt19937_64 order_rng, request_rng;
    std::istringstream(j.at("order_rng").get<std::string>()) >> order_rng;
    std::istringstream(j.at("request_rng").get<std::string>()) >> request_rng;

    std::lock_guard<std::mutex> l(impl_->mu);
    ModelState& m = *impl_;
    m.instances = std::move(instances);
    m.orders = std::move(orders);
    m.tokens = std::move(tokens);
    m.next_order_id = j.at("next_order_id").get<uint64_t>();
    m.order_rng = order_rng;
    m.request_rng = request_rng;
    m.Reindex();
  } catch (const std::exception& e) {
    *error = path + ": malformed state file: " + e.what();
    return false;
  }
  return true;
}

}  // namespace respec::emulator
