#include "cli/state_backend.h"

#include <algorithm>
#include <cstdlib>

#include "state/dir_store.h"
#include "state/pg_store.h"

namespace respec::cli {

StatusOr<std::unique_ptr<StateStore>> OpenStateStore(const StateFlags& flags, const Profile& profile) {
  std::string url = flags.backend;
  if (url.empty())
    if (const char* e = std::getenv("RESPEC_STATE_BACKEND"); e && *e) url = e;
  if (url.empty()) url = profile.state_backend;
  if (!url.empty()) {
    auto pg = PgStateStore::Open(url);
    if (!pg.ok()) return pg.status();
    return std::unique_ptr<StateStore>(std::move(pg).value());
  }
  std::string dir = flags.state_dir;
  if (dir.empty())
    if (const char* e = std::getenv("RESPEC_STATE_DIR"); e && *e) dir = e;
  if (dir.empty()) dir = profile.state_dir.empty() ? ".respec" : profile.state_dir;
  return std::unique_ptr<StateStore>(std::make_unique<DirStateStore>(dir));
}

namespace {

// Calls `attempt` until it is not Busy or `deadline` has passed, sleeping up to a second between tries.
template <class F>
Status RetryWhileBusy(Clock* clock, TimePoint deadline, F attempt) {
  for (;;) {
    Status s = attempt();
    if (!s.IsBusy() || clock->Now() >= deadline) return s;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock->Now());
    clock->SleepFor(std::clamp(left, std::chrono::milliseconds(1), std::chrono::milliseconds(1000)));
  }
}

}  // namespace

Status BeginRunWithLeases(StateStore* store, Clock* clock, RunRecord* run, const std::vector<std::string>& instance_ids,
                          std::chrono::milliseconds lock_timeout, std::chrono::milliseconds ttl) {
  const TimePoint deadline = clock->Now() + lock_timeout;
  Status s = RetryWhileBusy(clock, deadline, [&] { return store->BeginRun(run); });
  if (s.ok()) {
    s = RetryWhileBusy(clock, deadline, [&] { return store->AcquireLeases(run->run_id, instance_ids, ttl, nullptr); });
    if (!s.ok()) (void)store->EndRun(run->run_id, "refused");
  }
  if (!s.IsBusy()) return s;
  return Status::Busy(Printable(s.message()) + (lock_timeout.count() > 0 ? "; still held after --lock-timeout" : "") +
                      "; wait for that run to finish (or pass --lock-timeout SECONDS), or stop it: its leases "
                      "expire and its journal lets any runner resume");
}

std::string Printable(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

}  // namespace respec::cli
