#include "state/pg_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>

namespace respec {

namespace {

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

constexpr const char* kLeaseLock = "SELECT pg_advisory_xact_lock(7221700101)";
constexpr const char* kUtcNow = "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

std::string JsonArray(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::string Millis(std::chrono::milliseconds ttl) { return std::to_string(ttl.count()); }

}  // namespace

struct PgStateStore::Conn {
  PGconn* pg = nullptr;
  ~Conn() {
    if (pg) PQfinish(pg);
  }
  std::string Error() const {
    std::string m = pg ? PQerrorMessage(pg) : "no connection";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    for (char& c : m)
      if (c == '\n') c = ' ';
    return m;
  }
  // Runs one statement; `want` is PGRES_COMMAND_OK or PGRES_TUPLES_OK.
  Status Exec(const std::string& sql, const std::vector<std::string>& params, Result* out,
              ExecStatusType want = PGRES_TUPLES_OK) {
    if (PQstatus(pg) != CONNECTION_OK) {
      PQreset(pg);
      if (PQstatus(pg) != CONNECTION_OK) return Status::IOError("PostgreSQL unreachable: " + Error());
    }
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    Result r(PQexecParams(pg, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, 0));
    ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != want && !(want == PGRES_TUPLES_OK && st == PGRES_COMMAND_OK)) {
      std::string m = r ? PQresultErrorMessage(r.get()) : Error();
      while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
      if (m.empty()) m = Error();
      return Status::IOError("PostgreSQL: " + m);
    }
    if (out) *out = std::move(r);
    return Status::OK();
  }
  Status Command(const std::string& sql, const std::vector<std::string>& params = {}) {
    return Exec(sql, params, nullptr, PGRES_COMMAND_OK);
  }
  // A failed statement inside BEGIN..COMMIT: roll back (best effort) and pass the error on.
  Status Abort(Status s) {
    if (PQstatus(pg) == CONNECTION_OK) (void)Command("ROLLBACK");
    return s;
  }
};

StatusOr<std::string> PgStateStore::SafeName(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (!opts) {
    std::string m = err ? err : "unparsable";
    if (err) PQfreemem(err);
    while (!m.empty() && m.back() == '\n') m.pop_back();
    // libpq's message may quote the input; name the problem, never the URL.
    (void)m;
    return Status::Invalid("--state-backend: not a PostgreSQL URL or connection string (postgresql://user@host:5432/db)");
  }
  std::map<std::string, std::string> v;
  for (PQconninfoOption* o = opts; o->keyword; ++o)
    if (o->val) v[o->keyword] = o->val;
  PQconninfoFree(opts);
  if (!v["password"].empty())
    return Status::Invalid(
        "--state-backend: the URL carries a password; respec refuses it (it would end up in logs and CI "
        "configs). Remove it and use PGPASSWORD, ~/.pgpass or a service file");
  std::string host = v["host"].empty() ? (v["hostaddr"].empty() ? "localhost" : v["hostaddr"]) : v["host"];
  std::string name = "postgresql://" + (v["user"].empty() ? std::string() : v["user"] + "@") + host;
  if (!v["port"].empty()) name += ":" + v["port"];
  name += "/" + v["dbname"];
  return name;
}

StatusOr<std::unique_ptr<PgStateStore>> PgStateStore::Open(const std::string& url) {
  auto name = SafeName(url);
  if (!name.ok()) return name.status();
  auto conn = std::make_unique<Conn>();
  const char* keys[] = {"connect_timeout", "application_name", "options", "dbname", nullptr};
  const char* vals[] = {"10", "respec", "-c client_min_messages=warning", url.c_str(), nullptr};
  conn->pg = PQconnectdbParams(keys, vals, /*expand_dbname=*/1);
  if (!conn->pg || PQstatus(conn->pg) != CONNECTION_OK)
    return Status::IOError("cannot connect to state backend " + name.value() + ": " + conn->Error());
  std::unique_ptr<PgStateStore> store(new PgStateStore(std::move(conn), name.value()));
  if (Status s = store->EnsureSchema(); !s.ok()) return s;
  return store;
}

PgStateStore::PgStateStore(std::unique_ptr<Conn> conn, std::string name)
    : conn_(std::move(conn)), name_(std::move(name)) {}

PgStateStore::~PgStateStore() = default;

Status PgStateStore::EnsureSchema() {
  std::lock_guard<std::mutex> l(mu_);
  Conn& c = *conn_;
  if (Status s = c.Command("BEGIN"); !s.ok()) return s;
  Result r;
  Status s = c.Exec("SELECT pg_advisory_xact_lock(7221700100)", {}, nullptr);
  if (s.ok()) s = c.Command("CREATE TABLE IF NOT EXISTS respec_schema (version integer NOT NULL)");
  if (s.ok()) s = c.Exec("SELECT max(version) FROM respec_schema", {}, &r);
  if (!s.ok()) return c.Abort(s);
  const bool fresh = PQgetisnull(r.get(), 0, 0);
  const int version = fresh ? 0 : std::atoi(PQgetvalue(r.get(), 0, 0));
  if (version > kSchemaVersion)
    return c.Abort(Status::Unsupported("state backend " + name_ + " has respec schema version " +
                                       std::to_string(version) + ", newer than this respec understands (" +
                                       std::to_string(kSchemaVersion) + "); upgrade respec"));
  if (fresh) {
    for (const char* ddl : {
             "CREATE TABLE IF NOT EXISTS respec_runs (run_id text PRIMARY KEY, plan_id text NOT NULL, "
             "plan_digest text NOT NULL DEFAULT '', host text, pid integer, ci_run text, started text NOT NULL, "
             "finished text, outcome text NOT NULL)",
             "CREATE TABLE IF NOT EXISTS respec_leases (instance_id text PRIMARY KEY, run_id text NOT NULL, "
             "host text, pid integer, ci_run text, plan_id text, since text NOT NULL, expires timestamptz NOT NULL)",
             "CREATE INDEX IF NOT EXISTS respec_leases_run ON respec_leases (run_id)",
             "CREATE TABLE IF NOT EXISTS respec_journal (seq bigserial PRIMARY KEY, run_id text NOT NULL, "
             "plan_id text NOT NULL, record text NOT NULL)",
             "CREATE INDEX IF NOT EXISTS respec_journal_plan ON respec_journal (plan_id, seq)",
             "CREATE INDEX IF NOT EXISTS respec_journal_run ON respec_journal (run_id, seq)",
         }) {
      if (s = c.Command(ddl); !s.ok()) return c.Abort(s);
    }
    if (s = c.Command("INSERT INTO respec_schema (version) VALUES (" + std::to_string(kSchemaVersion) + ")");
        !s.ok())
      return c.Abort(s);
  }
  return c.Command("COMMIT");
}

Status PgStateStore::BeginRun(RunRecord* run) {
  std::lock_guard<std::mutex> l(mu_);
  run->run_id = NewRunId(run->started);
  run->holder.run_id = run->run_id;
  run->outcome = "running";
  return conn_->Command(
      "INSERT INTO respec_runs (run_id, plan_id, plan_digest, host, pid, ci_run, started, outcome) "
      "VALUES ($1, $2, $3, $4, $5::integer, $6, $7, 'running')",
      {run->run_id, run->plan_id, run->plan_digest, run->holder.host, std::to_string(run->holder.pid),
       run->holder.ci_run, run->started});
}

Status PgStateStore::EndRun(const std::string& run_id, const std::string& outcome) {
  std::lock_guard<std::mutex> l(mu_);
  Status s = conn_->Command("UPDATE respec_runs SET finished = " + std::string(kUtcNow) +
                                ", outcome = $2 WHERE run_id = $1",
                            {run_id, outcome});
  Status r = conn_->Command("DELETE FROM respec_leases WHERE run_id = $1", {run_id});
  held_.erase(run_id);
  return s.ok() ? r : s;
}

Status PgStateStore::AcquireLeases(const std::string& run_id, const std::vector<std::string>& instance_ids,
                                   std::chrono::milliseconds ttl, Holder* conflict) {
  std::lock_guard<std::mutex> l(mu_);
  Conn& c = *conn_;
  std::vector<std::string> ids = instance_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const std::string arr = JsonArray(ids);
  if (Status s = c.Command("BEGIN"); !s.ok()) return s;
  Status s = c.Exec(kLeaseLock, {}, nullptr);
  if (s.ok())
    s = c.Command(
        "DELETE FROM respec_leases WHERE instance_id IN (SELECT json_array_elements_text($1::json)) "
        "AND expires < clock_timestamp()",
        {arr});
  Result r;
  if (s.ok())
    s = c.Exec(
        "SELECT l.instance_id, l.run_id, l.host, l.pid, l.ci_run, l.plan_id, l.since FROM respec_leases l "
        "WHERE l.instance_id IN (SELECT json_array_elements_text($1::json)) AND l.run_id <> $2 "
        "ORDER BY l.since LIMIT 1",
        {arr, run_id}, &r);
  if (!s.ok()) return c.Abort(s);
  if (PQntuples(r.get()) > 0) {
    Holder h;
    h.run_id = PQgetvalue(r.get(), 0, 1);
    h.host = PQgetvalue(r.get(), 0, 2);
    h.pid = std::atoi(PQgetvalue(r.get(), 0, 3));
    h.ci_run = PQgetvalue(r.get(), 0, 4);
    h.plan_id = PQgetvalue(r.get(), 0, 5);
    h.since = PQgetvalue(r.get(), 0, 6);
    if (conflict) *conflict = h;
    return c.Abort(Status::Busy("instance " + std::string(PQgetvalue(r.get(), 0, 0)) + " is leased to " + h.Describe()));
  }
  s = c.Command(
      "INSERT INTO respec_leases (instance_id, run_id, host, pid, ci_run, plan_id, since, expires) "
      "SELECT i, r.run_id, r.host, r.pid, r.ci_run, r.plan_id, " + std::string(kUtcNow) +
          ", clock_timestamp() + $3::bigint * interval '1 millisecond' "
          "FROM json_array_elements_text($1::json) AS i, respec_runs r WHERE r.run_id = $2 "
          "ON CONFLICT (instance_id) DO UPDATE SET expires = EXCLUDED.expires",
      {arr, run_id, Millis(ttl)});
  if (!s.ok()) return c.Abort(s);
  if (s = c.Command("COMMIT"); !s.ok()) return s;
  Result n;
  if (c.Exec("SELECT count(*) FROM respec_leases WHERE run_id = $1", {run_id}, &n).ok())
    held_[run_id] = std::atol(PQgetvalue(n.get(), 0, 0));
  return Status::OK();
}

Status PgStateStore::RenewLeases(const std::string& run_id, std::chrono::milliseconds ttl) {
  std::lock_guard<std::mutex> l(mu_);
  Result r;
  Status s = conn_->Exec(
      "UPDATE respec_leases SET expires = clock_timestamp() + $2::bigint * interval '1 millisecond' "
      "WHERE run_id = $1",
      {run_id, Millis(ttl)}, &r, PGRES_COMMAND_OK);
  if (!s.ok()) return s;
  const long renewed = std::atol(PQcmdTuples(r.get()));
  if (auto it = held_.find(run_id); it != held_.end() && renewed < it->second)
    return Status::Busy("lost " + std::to_string(it->second - renewed) + " lease(s) of run " + run_id +
                        " (expired and taken by another run)");
  return Status::OK();
}

Status PgStateStore::ReleaseLeases(const std::string& run_id, const std::vector<std::string>& instance_ids) {
  std::lock_guard<std::mutex> l(mu_);
  held_.erase(run_id);  // what is left is counted again at the next AcquireLeases
  if (instance_ids.empty()) return conn_->Command("DELETE FROM respec_leases WHERE run_id = $1", {run_id});
  return conn_->Command(
      "DELETE FROM respec_leases WHERE run_id = $1 AND instance_id IN (SELECT json_array_elements_text($2::json))",
      {run_id, JsonArray(instance_ids)});
}

Status PgStateStore::AppendJournal(const std::string& run_id, const std::string& plan_id,
                                   const std::vector<nlohmann::json>& records) {
  if (records.empty()) return Status::OK();
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : records) {
    nlohmann::json rec = r;
    if (rec.is_object() && !run_id.empty()) rec["run"] = run_id;
    arr.push_back(std::move(rec));
  }
  const std::string text = arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> l(mu_);
  // One statement, its own transaction: committed (durable) when it returns OK.
  return conn_->Command(
      "INSERT INTO respec_journal (run_id, plan_id, record) "
      "SELECT $1, $2, e.value::text FROM json_array_elements($3::json) WITH ORDINALITY AS e(value, n) ORDER BY e.n",
      {run_id, plan_id, text});
}

static Status ReadRecords(PgStateStore::Conn& c, const std::string& sql, const std::string& key,
                          std::vector<nlohmann::json>* records) {
  records->clear();
  Result r;
  if (Status s = c.Exec(sql, {key}, &r); !s.ok()) return s;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto j = nlohmann::json::parse(PQgetvalue(r.get(), i, 1), nullptr, false);
    if (j.is_discarded()) j = nlohmann::json();
    if (j.is_object()) j["seq"] = std::atoll(PQgetvalue(r.get(), i, 0));
    records->push_back(std::move(j));
  }
  return Status::OK();
}

Status PgStateStore::LoadJournal(const std::string& plan_id, std::vector<nlohmann::json>* records) {
  std::lock_guard<std::mutex> l(mu_);
  return ReadRecords(*conn_, "SELECT seq, record FROM respec_journal WHERE plan_id = $1 ORDER BY seq", plan_id,
                     records);
}

Status PgStateStore::ListRuns(std::vector<RunRecord>* runs) {
  std::lock_guard<std::mutex> l(mu_);
  runs->clear();
  Result r;
  // A run still "running" that holds no live lease and is not this moment's is reported abandoned.
  Status s = conn_->Exec(
      "SELECT run_id, plan_id, plan_digest, host, pid, ci_run, started, coalesce(finished, ''), "
      "CASE WHEN outcome = 'running' AND NOT EXISTS (SELECT 1 FROM respec_leases l WHERE l.run_id = r.run_id "
      "AND l.expires >= clock_timestamp()) AND EXISTS (SELECT 1 FROM respec_journal j WHERE j.run_id = r.run_id) "
      "THEN 'abandoned' ELSE outcome END FROM respec_runs r ORDER BY started, run_id",
      {}, &r);
  if (!s.ok()) return s;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    RunRecord rr;
    rr.run_id = PQgetvalue(r.get(), i, 0);
    rr.plan_id = PQgetvalue(r.get(), i, 1);
    rr.plan_digest = PQgetvalue(r.get(), i, 2);
    rr.holder.run_id = rr.run_id;
    rr.holder.host = PQgetvalue(r.get(), i, 3);
    rr.holder.pid = std::atoi(PQgetvalue(r.get(), i, 4));
    rr.holder.ci_run = PQgetvalue(r.get(), i, 5);
    rr.holder.plan_id = rr.plan_id;
    rr.started = rr.holder.since = PQgetvalue(r.get(), i, 6);
    rr.finished = PQgetvalue(r.get(), i, 7);
    rr.outcome = PQgetvalue(r.get(), i, 8);
    runs->push_back(std::move(rr));
  }
  return Status::OK();
}

Status PgStateStore::RunJournal(const std::string& run_id, std::vector<nlohmann::json>* records) {
  std::lock_guard<std::mutex> l(mu_);
  Result r;
  if (Status s = conn_->Exec("SELECT 1 FROM respec_runs WHERE run_id = $1", {run_id}, &r); !s.ok()) return s;
  if (PQntuples(r.get()) == 0) return Status::NotFound("no run " + run_id + " in " + name_);
  return ReadRecords(*conn_, "SELECT seq, record FROM respec_journal WHERE run_id = $1 ORDER BY seq", run_id,
                     records);
}

}  // namespace respec
