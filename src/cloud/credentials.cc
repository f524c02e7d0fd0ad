#include "cloud/credentials.h"

#include "core/timefmt.h"

namespace respec {

std::string Credentials::Redacted() const {
  std::string id = access_key_id;
  if (id.size() > 8) id = id.substr(0, 4) + "****" + id.substr(id.size() - 4);
  else if (!id.empty()) id = id.substr(0, 1) + "****";
  std::string s = id.empty() ? "(no access key)" : id;
  if (!security_token.empty()) s += " +STS";
  if (!source.empty()) s += " (" + source + ")";
  return s;
}

RefreshingProvider::RefreshingProvider(std::string name, CredentialsFetch fetch, Clock* clock)
    : name_(std::move(name)), fetch_(std::move(fetch)), clock_(clock) {}

bool RefreshingProvider::Fresh(TimePoint now) const {
  if (!cached_) return false;
  if (!cached_->expiration) return true;
  auto lifetime = *cached_->expiration - fetched_at_;
  auto ahead = std::min<std::chrono::system_clock::duration>(lifetime / 3, kMaxRefreshAhead);
  return now < *cached_->expiration - ahead;
}

StatusOr<Credentials> RefreshingProvider::Get() {
  std::lock_guard<std::mutex> l(mu_);
  TimePoint now = clock_->Now();
  if (Fresh(now)) return *cached_;
  StatusOr<Credentials> got = fetch_();
  if (got.ok() && got.value().expiration && *got.value().expiration <= now)
    got = Status::Invalid(name_ + ": the credentials it returned expired at " +
                          FormatUtcSeconds(*got.value().expiration));
  if (!got.ok()) {
    // A refresh that fails early is not fatal while the old ones still work.
    if (cached_ && cached_->expiration && now < *cached_->expiration) return *cached_;
    return got.status();
  }
  cached_ = got.value();
  fetched_at_ = now;
  ++fetches_;
  return *cached_;
}

void RefreshingProvider::Invalidate() {
  std::lock_guard<std::mutex> l(mu_);
  cached_.reset();
}

int RefreshingProvider::fetches() const {
  std::lock_guard<std::mutex> l(mu_);
  return fetches_;
}

}  // namespace respec
