// StateStore: everything `respec apply` persists, behind one seam — the run
// record (who applies which plan, when, with what outcome), per-instance
// leases, and the journal of calls. Two implementations:
//
//   local directory  (state/dir_store.h)  the embedded default: a lock file
//                    and JSON-lines journals in <stateDir>, through the Env
//                    disk seam (state/env.h); one apply per directory.
//   PostgreSQL       (state/pg_store.h)   shared by every runner that points
//                    at the same database: leases make two applies on
//                    different machines exclude each other per instance, and
//                    a run that died on one machine resumes on another.
//
// Contract for every implementation:
// - BeginRun registers a run of a plan and fills run->run_id; it fails with
//   Status::Busy naming the holder when the store allows one run at a time
//   (the local directory) and another is alive.
// - AcquireLeases is all-or-nothing for the batch: either every id is now
//   leased to run_id (an id it already holds is renewed), or none is and the
//   Status is Busy, with *conflict describing one holder. A lease expires
//   `ttl` after it was last taken or renewed; an expired lease is free.
// - AppendJournal is durable when it returns OK (fsync'd / COMMITted): the
//   executor sends a call only after its "call" record is durable. Records
//   are JSON objects with at least "ev" (begin | call | result | step_done |
//   instance_done | end); the store adds "run" and a sequence number, keeps
//   the order given, and never rewrites a record.
// - LoadJournal returns every record of every run of plan_id, oldest first,
//   so a resume sees what any earlier run (on any machine) did.
// - Nothing a store returns or prints contains a password or a secret; the
//   PostgreSQL store's Name() shows the URL without its password.
//
// Errors: Status, never exceptions. Threads: one caller at a time per method
// family, except RenewLeases, which a heartbeat thread may call while the
// executor appends (implementations synchronise internally).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "state/journal_state.h"

namespace respec {

// Who holds a run or a lease; recorded so a refusal can name them.
struct Holder {
  std::string run_id;
  std::string host;
  int pid = 0;
  std::string ci_run;   // pipeline run id from the usual CI variables (may be empty)
  std::string plan_id;
  std::string since;    // RFC 3339
  // "run r-… (pid 123 on host build-7, CI run 4567, plan p-…, since 2026-…)"
  std::string Describe() const;
};

struct RunRecord {
  std::string run_id;         // filled by BeginRun
  std::string plan_id;
  std::string plan_digest;    // the digest the plan carries (sha256:…)
  Holder holder;              // holder.run_id == run_id
  std::string started;        // RFC 3339
  std::string finished;       // empty while running
  std::string outcome;        // running | succeeded | failed | interrupted | abandoned
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Printable, secret-free: "directory .respec", "postgresql://respec@db:5432/respec".
  virtual std::string Name() const = 0;

  virtual Status BeginRun(RunRecord* run) = 0;
  virtual Status EndRun(const std::string& run_id, const std::string& outcome) = 0;

  virtual Status AcquireLeases(const std::string& run_id, const std::vector<std::string>& instance_ids,
                               std::chrono::milliseconds ttl, Holder* conflict) = 0;
  virtual Status RenewLeases(const std::string& run_id, std::chrono::milliseconds ttl) = 0;
  // Releases the given ids (all of the run's leases when `instance_ids` is empty).
  virtual Status ReleaseLeases(const std::string& run_id, const std::vector<std::string>& instance_ids) = 0;

  virtual Status AppendJournal(const std::string& run_id, const std::string& plan_id,
                               const std::vector<nlohmann::json>& records) = 0;
  virtual Status LoadJournal(const std::string& plan_id, std::vector<nlohmann::json>* records) = 0;

  // Audit (`respec state list` / `respec state show RUN`).
  virtual Status ListRuns(std::vector<RunRecord>* runs) = 0;
  virtual Status RunJournal(const std::string& run_id, std::vector<nlohmann::json>* records) = 0;
};

// The holder fields of this process (host, pid, CI run id from GITHUB_RUN_ID,
// CI_PIPELINE_ID, BUILD_ID, …); run_id, plan_id and since are left to the caller.
Holder ThisProcessHolder();

// A fresh run id: "r-YYYYMMDDhhmmss-xxxxxxxx" from an RFC 3339 start time.
std::string NewRunId(const std::string& started);

}  // namespace respec
