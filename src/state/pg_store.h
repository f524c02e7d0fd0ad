// PgStateStore: the PostgreSQL StateStore (state/state_store.h), shared by
// every runner that points at the same database. Built on libpq.
//
// URL: postgresql://user@host:5432/db?sslmode=… (any libpq URI or conninfo).
// The password comes only from libpq's usual sources (PGPASSWORD, ~/.pgpass,
// the service file): Open() refuses a URL that carries one, without echoing
// it, and Name() shows user@host:port/db only.
//
// Tables (created on first use, under an advisory lock so concurrent first
// runs do not race): respec_schema (version), respec_runs (one row per run:
// holder, plan id and digest, started, finished, outcome), respec_leases
// (instance id -> holder and expiry, server time), respec_journal (seq,
// run, plan, record text). A schema version newer than kSchemaVersion is
// refused (Status::Unsupported) and nothing is written.
//
// Leases are taken in one transaction under a transaction-scoped advisory
// lock (no deadlocks between overlapping batches): expired leases are
// deleted, free ones inserted, the run's own renewed; if any id is held by
// another live run the transaction rolls back and *conflict names it.
// AppendJournal is one INSERT statement (its own transaction): OK means
// COMMITted (synchronous_commit as the server has it, on by default).
//
// Errors: Status (IOError for connection and SQL failures, with libpq's
// message, which never contains the password). Threads: every method locks
// one mutex around the single connection, so a heartbeat thread may renew
// while the executor appends. Ownership: owns the connection.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "state/state_store.h"

namespace respec {

class PgStateStore final : public StateStore {
 public:
  static constexpr int kSchemaVersion = 1;

  // Connects and makes sure the schema is there. Refuses a URL with a password.
  static StatusOr<std::unique_ptr<PgStateStore>> Open(const std::string& url);
  // "postgresql://user@host:port/db" from a URL, or Invalid (password, bad syntax).
  static StatusOr<std::string> SafeName(const std::string& url);
  ~PgStateStore() override;

  std::string Name() const override { return name_; }
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

  struct Conn;  // libpq connection wrapper (pg_store.cc)

 private:
  PgStateStore(std::unique_ptr<Conn> conn, std::string name);
  Status EnsureSchema();

  std::mutex mu_;
  std::unique_ptr<Conn> conn_;
  std::string name_;
  std::map<std::string, long> held_;  // run_id -> leases it held after its last AcquireLeases
};

}  // namespace respec
