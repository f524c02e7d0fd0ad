// Journal: the crash-safety record of one plan's apply. JSON lines in
// <state_dir>/journal-<plan_id>.jsonl; a line is written before each call
// (with the ClientToken) and after its outcome (OrderId, RequestId, error),
// so `respec apply` on the same plan after a crash resumes from it: steps
// already done are skipped, ModifyPrepayInstanceSpec is sent again only
// with the same ClientToken (the API's idempotence returns the first order),
// and instances respec stopped are known so they are started again.
//
// Durability: Append() buffers; Sync() writes the buffered lines and
// fsyncs. The executor submits an action call only after its "call" record
// is on disk (group commit: one fsync covers every record buffered since
// the last, and runs on a runner thread so the executor keeps working). A
// crash can lose only outcome lines, which resume tolerates (it re-checks
// live state).
// Reading tolerates a torn or garbled last line (a crash mid-write); a bad
// line elsewhere is skipped and counted.
// Errors: Open/Sync return false with a message; never throw.
// Threads: one thread (the executor's), except WriteSynced (see above). Ownership: owns its file descriptor.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/journal_state.h"

namespace respec {

class Journal {
 public:
  // Opens (creating the directory and file) for appending. `path` is the file.
  bool Open(const std::string& path, std::string* error);
  ~Journal();

  // Parses an existing journal; a missing file is an empty state.
  static JournalState Load(const std::string& path);
  static std::string PathFor(const std::string& state_dir, const std::string& plan_id);

  // Adds "t" (RFC 3339 time given by the caller) and buffers the line.
  void Append(nlohmann::json record);
  // Writes buffered lines and fsyncs; false (with message) on I/O failure.
  bool Sync(std::string* error = nullptr);
  // Group commit off the caller's thread: TakePending() hands the buffered
  // lines over; WriteSynced() (any thread, one at a time) makes them durable.
  std::string TakePending();
  bool WriteSynced(const std::string& lines, std::string* error);
  bool has_pending() const { return !pending_.empty(); }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string pending_;
};

}  // namespace respec
