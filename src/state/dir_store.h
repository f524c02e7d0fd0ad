// DirStateStore: the local-directory StateStore (state/state_store.h), the
// embedded default. <dir>/apply.lock (flock, state/dir_lock.h) allows one
// run per directory; <dir>/journal-<plan_id>.jsonl holds the journal as JSON
// lines, appended and fdatasync'd on every AppendJournal. Leases are
// granted at once: the directory lock already excludes every other apply
// that uses this directory (applies on other machines or with other
// directories are not seen — that is what the PostgreSQL store is for).
//
// Reading tolerates a torn or garbled last line (a crash mid-write): it is
// returned as a null record, which ReplayJournal counts as unreadable.
// Errors: Status. Threads: AppendJournal from one thread at a time; the
// other methods from the owner's thread. Ownership: owns the lock and the
// journal files; releases them on destruction. All I/O goes through Env
// (state/env.h): directory 0700, files 0600, no symlinks followed, only
// regular files; a journal bigger than kMaxJournalBytes is refused.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "state/dir_lock.h"
#include "state/state_store.h"

namespace respec {

class DirStateStore final : public StateStore {
 public:
  static constexpr size_t kMaxJournalBytes = 512u << 20;
  explicit DirStateStore(std::string dir, Env* env = Env::Default());
  ~DirStateStore() override;

  std::string Name() const override { return "directory " + dir_; }
  Status BeginRun(RunRecord* run) override;
  Status EndRun(const std::string& run_id, const std::string& outcome) override;
  Status AcquireLeases(const std::string& run_id, const std::vector<std::string>& instance_ids,
                       std::chrono::milliseconds ttl, Holder* conflict) override;
  Status RenewLeases(const std::string& run_id, std::chrono::milliseconds ttl) override;
  Status ReleaseLeases(const std::string& run_id, const std::vector<std::string>& instance_ids) override;
  Status AppendJournal(const std::string& run_id, const std::string& plan_id,
                       const std::vector<nlohmann::json>& records) override;
  Status LoadJournal(const std::string& plan_id, std::vector<nlohmann::json>* records) override;
  Status ListRuns(std::vector<RunRecord>* runs) override;
  Status RunJournal(const std::string& run_id, std::vector<nlohmann::json>* records) override;

  std::string JournalPath(const std::string& plan_id) const;
  const std::string& dir() const { return dir_; }

 private:
  Status OpenJournal(const std::string& plan_id, WritableFile** file);
  Status ReadJournalFile(const std::string& path, std::vector<nlohmann::json>* records) const;

  std::string dir_;
  Env* env_;
  ApplyLock lock_;
  std::map<std::string, std::unique_ptr<WritableFile>> journals_;  // plan_id -> open journal
  std::map<std::string, std::string> run_plans_;  // run_id -> plan_id of runs begun here
};

}  // namespace respec
