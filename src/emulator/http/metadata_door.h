// MetadataDoor: the part of the ECS instance metadata service that credential
// providers use, served by `respec emulator --metadata-listen ADDR`:
//   PUT /latest/api/token   (X-aliyun-ecs-metadata-token-ttl-seconds: 1..21600)
//       -> a session token (hardened mode);
//   GET /latest/meta-data/ram/security-credentials/        -> the role name;
//   GET /latest/meta-data/ram/security-credentials/<role>  -> {"Code":
//       "Success","AccessKeyId","AccessKeySecret","SecurityToken",
//       "Expiration","LastUpdated"}.
// With sts.metadata_hardened (the default) a GET without a valid
// X-aliyun-ecs-metadata-token is refused with 401. Credentials are issued by
// the StsDoor for acs:ram::<account>:role/<instance_role>, so they expire
// like STS ones; the same credentials are served until half their life has
// passed, as the real service renews them ahead of expiry.
//
// Errors: HTTP statuses with a short text body (404 no role, 400 bad TTL,
// 401 missing or expired token, 405 other methods). Threads: Handle is
// safe from any thread. Ownership: borrows the StsDoor and the clock.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "emulator/http/api.h"
#include "emulator/http/sts_door.h"

namespace respec::emulator::http {

class MetadataDoor {
 public:
  MetadataDoor(StsDoor* sts, Clock* wall_clock);
  ApiResponse Handle(const RawRequest& req);
  long requests() const;

 private:
  ApiResponse Credentials();

  StsDoor* sts_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, TimePoint> tokens_;  // session token -> expiry
  std::optional<AccessKey> current_;
  TimePoint issued_at_{};
  long requests_ = 0;
};

}  // namespace respec::emulator::http
