// StsDoor: the emulator's STS (API version 2015-04-01) on the same listener
// as ECS: AssumeRole (signed like any call; the caller must be trusted by
// the role) and AssumeRoleWithOIDC (anonymous; the OIDC token's issuer,
// audience and expiry are checked against the provider declared in the
// world file; its signature is not, the emulator holds no issuer keys).
// Issued credentials are STS keys (AccessKeyId STS.*, a SecurityToken) that
// the authenticator accepts until they expire and then refuses with
// InvalidSecurityToken.Expired; their lifetime is DurationSeconds capped by
// the world's sts.credential_lifetime_seconds. The metadata door issues the
// instance role's credentials through Issue() too.
//
// Errors: the STS API's codes (EntityNotExist.Role, NoPermission,
// InvalidParameter.DurationSeconds, AuthenticationFail.NoPermission,
// AuthenticationFail.OIDCToken.{Invalid,Expired,AudienceNotMatch,
// IssuerNotMatch}), built from the error table.
// Threads: all methods are safe from any thread. Keys returned by Find stay
// valid for the door's lifetime (at most kMaxIssued are kept; then Issue
// refuses with Throttling).
// Ownership: borrows the wall clock.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cloud/error.h"
#include "core/clock.h"
#include "emulator/http/params.h"
#include "emulator/http/render.h"
#include "emulator/world.h"

namespace respec::emulator::http {

inline constexpr const char* kStsApiVersion = "2015-04-01";

class StsDoor {
 public:
  static constexpr size_t kMaxIssued = 1'000'000;

  StsDoor(StsWorld world, Clock* wall_clock);

  // Whether an action of version 2015-04-01 needs a signature.
  static bool Anonymous(const std::string& action) { return action == "AssumeRoleWithOIDC"; }
  // The response members (without RequestId) of one STS action. `caller` is
  // the verified key for signed actions, null for anonymous ones.
  Result<Json> Handle(const std::string& action, const Params& params, const AccessKey* caller);

  // New credentials for `role_arn` living `seconds` (capped by the world).
  Result<AccessKey> Issue(const std::string& role_arn, int seconds);
  const AccessKey* Find(const std::string& id) const;
  size_t issued() const;  // credentials issued so far
  // GET /_emulator/sts: every issued credential, secrets included (they are
  // the emulator's own fakes; tests grep respec's output for them).
  Json IssuedJson() const;
  const StsWorld& world() const { return world_; }
  TimePoint Now() const { return clock_->Now(); }

 private:
  Result<Json> AssumeRole(const Params& params, const AccessKey& caller);
  Result<Json> AssumeRoleWithOidc(const Params& params);
  const StsRole* FindRole(const std::string& arn) const;
  Result<Json> Answer(const StsRole& role, const Params& params, int max_duration);

  const StsWorld world_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<AccessKey>> issued_;
  uint64_t serial_ = 0;
};

}  // namespace respec::emulator::http
