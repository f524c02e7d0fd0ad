// Credentials for signing API requests, and the seam that supplies them.
//
// Credentials: a value. The secret and token are held here, in providers and
// in the signer only; nothing else may print them. Redacted() is what a log
// line or `respec whoami` may show.
//
// CredentialsProvider: where a client gets the credentials for each call.
// StaticProvider hands out fixed ones (environment AccessKey, config.json AK).
// RefreshingProvider wraps a fetch (AssumeRole, AssumeRoleWithOIDC, the ECS
// metadata service, a credentials URI) and caches its answer until shortly
// before it expires: it refreshes ahead of expiry (a third of the lifetime,
// at most 3 minutes ahead), so no call is signed with expired credentials;
// Invalidate() forces a fetch (the server said InvalidSecurityToken.Expired).
// When a refresh fails while the cached credentials are still valid they are
// used, and the next call tries again; once they have expired the error is
// returned.
//
// Errors: Status messages name the provider and what failed, never a secret.
// Threads: Get/Invalidate are safe from any number of threads; one fetch at a
// time (callers wait for it rather than all fetching at once).
// Ownership: RefreshingProvider borrows its clock.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace respec {

struct Credentials {
  std::string access_key_id;
  std::string access_key_secret;  // never printed
  std::string security_token;     // STS token, never printed; empty for AK mode
  std::string source;             // where they came from, e.g. "environment", "~/.aliyun/config.json profile default"
  std::string role;               // the role they belong to (ARN or ECS role name), "" for a key
  std::optional<TimePoint> expiration;  // temporary credentials expire

  bool empty() const { return access_key_id.empty() || access_key_secret.empty(); }
  // "LTAI****abcd (environment)": the key ID shortened, never the secret.
  std::string Redacted() const;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Credentials valid now (not expired, not about to).
  virtual StatusOr<Credentials> Get() = 0;
  // The server refused the current credentials as expired: fetch anew next time.
  virtual void Invalidate() {}
  // Whether the credentials carry an STS token (temporary credentials).
  virtual bool Temporary() const = 0;
};

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(Credentials c) : creds_(std::move(c)) {}
  StatusOr<Credentials> Get() override { return creds_; }
  bool Temporary() const override { return !creds_.security_token.empty(); }

 private:
  const Credentials creds_;
};

using CredentialsFetch = std::function<StatusOr<Credentials>()>;

class RefreshingProvider final : public CredentialsProvider {
 public:
  static constexpr std::chrono::minutes kMaxRefreshAhead{3};

  // `name` prefixes error messages ("OIDC role (environment)").
  RefreshingProvider(std::string name, CredentialsFetch fetch, Clock* clock);
  StatusOr<Credentials> Get() override;
  void Invalidate() override;
  bool Temporary() const override { return true; }
  int fetches() const;  // how many fetches succeeded (for tests and -v)

 private:
  bool Fresh(TimePoint now) const;  // mu_ held

  const std::string name_;
  const CredentialsFetch fetch_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::optional<Credentials> cached_;
  TimePoint fetched_at_{};
  int fetches_ = 0;
};

}  // namespace respec
