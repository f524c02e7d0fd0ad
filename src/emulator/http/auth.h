// Authentication of API requests exactly as Alibaba Cloud checks them, for
// both schemes the official SDKs send: RPC signature 1.0 (HMAC-SHA1 over the
// canonicalized parameters) and V3 ACS3-HMAC-SHA256 (Authorization header).
// Checks, in order: the common parameters/headers are present and well
// formed, the timestamp is within 15 minutes of the wall clock, the key
// exists, an STS key carries its token and has not expired (keys issued by
// the STS door), the signature matches (the error
// shows the server's string to sign, which holds no secret), and the nonce
// was not used in the last 15 minutes.
// Errors: CloudError values with the API's codes and statuses.
// Threads: Verify may be called from several threads (the nonce cache is
// guarded by a mutex). The key lookup must be thread-safe.
// Ownership: borrows the clock, which must outlive the Authenticator.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "cloud/error.h"
#include "core/clock.h"
#include "emulator/http/request.h"
#include "emulator/world.h"

namespace respec::emulator::http {

using KeyLookup = std::function<const AccessKey*(const std::string& id)>;

// The SignedHeaders list of a V3 Authorization header, as sent; empty when
// the request has none or it is malformed.
std::vector<std::string> SignedHeaderNames(const RawRequest& req);

class Authenticator {
 public:
  static constexpr std::chrono::minutes kTimestampTolerance{15};

  Authenticator(KeyLookup keys, Clock* wall_clock);

  // nullopt: authentic. Otherwise the error to return.
  std::optional<CloudError> Verify(const RawRequest& req, const ApiCall& call);
  // The same; *key receives the verified key (STS AssumeRole needs the caller).
  std::optional<CloudError> Verify(const RawRequest& req, const ApiCall& call, const AccessKey** key);

 private:
  std::optional<CloudError> VerifyRpc(const RawRequest& req, const ApiCall& call, const AccessKey** key);
  std::optional<CloudError> VerifyV3(const RawRequest& req, const ApiCall& call, const AccessKey** key);
  std::optional<CloudError> CheckTimestamp(const std::string& name, const std::string& value) const;
  std::optional<CloudError> CheckKey(const std::string& id, const std::string* token,
                                     const AccessKey** key) const;
  // Records the nonce; false if it was seen within the tolerance window.
  bool UseNonce(const std::string& key_id, const std::string& nonce);

  KeyLookup keys_;
  Clock* clock_;
  std::mutex mu_;
  std::unordered_set<std::string> nonces_;
  std::deque<std::pair<TimePoint, std::string>> nonce_order_;  // oldest first
};

}  // namespace respec::emulator::http
