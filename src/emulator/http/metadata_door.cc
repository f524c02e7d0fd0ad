#include "emulator/http/metadata_door.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <charconv>

#include "core/timefmt.h"

namespace respec::emulator::http {
namespace {

constexpr const char* kCredsPath = "/latest/meta-data/ram/security-credentials/";
constexpr size_t kMaxTokens = 100000;

ApiResponse Text(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

std::string NewToken() {
  unsigned char raw[24];
  RAND_bytes(raw, sizeof raw);
  std::string s;
  for (unsigned char c : raw) s += fmt::format("{:02x}", c);
  return s;
}

}  // namespace

MetadataDoor::MetadataDoor(StsDoor* sts, Clock* wall_clock) : sts_(sts), clock_(wall_clock) {}

long MetadataDoor::requests() const {
  std::lock_guard<std::mutex> l(mu_);
  return requests_;
}

ApiResponse MetadataDoor::Handle(const RawRequest& req) {
  const std::string path = req.Path();
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> l(mu_);
  ++requests_;
  if (path == "/latest/api/token") {
    if (req.method != "PUT") return Text(405, "use PUT for /latest/api/token");
    const std::string* ttl = req.Header("x-aliyun-ecs-metadata-token-ttl-seconds");
    int seconds = 0;
    if (!ttl || std::from_chars(ttl->data(), ttl->data() + ttl->size(), seconds).ec != std::errc() ||
        seconds < 1 || seconds > 21600)
      return Text(400, "X-aliyun-ecs-metadata-token-ttl-seconds must be 1 to 21600");
    for (auto it = tokens_.begin(); it != tokens_.end();) it = it->second <= now ? tokens_.erase(it) : std::next(it);
    if (tokens_.size() >= kMaxTokens) return Text(429, "too many metadata tokens");
    std::string token = NewToken();
    tokens_[token] = now + std::chrono::seconds(seconds);
    return Text(200, token);
  }
  if (req.method != "GET") return Text(405, "use GET");
  if (sts_->world().metadata_hardened) {
    const std::string* token = req.Header("x-aliyun-ecs-metadata-token");
    auto it = token ? tokens_.find(*token) : tokens_.end();
    if (it == tokens_.end() || it->second <= now)
      return Text(401, "hardened mode: a valid X-aliyun-ecs-metadata-token is required");
  }
  const std::string& role = sts_->world().instance_role;
  if (path == kCredsPath) {
    if (role.empty()) return Text(404, "the instance has no RAM role");
    return Text(200, role);
  }
  if (path.rfind(kCredsPath, 0) != 0) return Text(404, "not served by the emulator's metadata door");
  if (role.empty() || path.substr(std::string(kCredsPath).size()) != role) return Text(404, "no such role");
  return Credentials();
}

ApiResponse MetadataDoor::Credentials() {
  const TimePoint now = clock_->Now();
  if (!current_ || now >= issued_at_ + (*current_->expires - issued_at_) / 2) {
    Result<AccessKey> k = sts_->Issue("acs:ram::1000000000000001:role/" + sts_->world().instance_role, 21600);
    if (!k.ok()) return Text(500, k.error().code);
    current_ = k.value();
    issued_at_ = now;
  }
  Json body{{"Code", "Success"},
            {"AccessKeyId", current_->id},
            {"AccessKeySecret", current_->secret},
            {"SecurityToken", current_->security_token},
            {"Expiration", FormatUtcSeconds(*current_->expires)},
            {"LastUpdated", FormatUtcSeconds(issued_at_)}};
  ApiResponse r;
  r.status = 200;
  r.content_type = "application/json";
  r.body = body.dump();
  return r;
}

}  // namespace respec::emulator::http
