// The StateStore contract (state/state_store.h), for the local directory and
// for PostgreSQL. The [.pg] cases need a real server: tests/state/pg_run.sh
// starts a throwaway one and sets RESPEC_TEST_PG_URL (CTest: state_pg). Run
// without it they fail, never pass silently.
#include <libpq-fe.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <thread>

#include "state/dir_store.h"
#include "state/lease_keeper.h"
#include "state/pg_store.h"
#include "core/clock.h"
#include "support/temp_dir.h"

using namespace respec;
using std::chrono::milliseconds;

namespace {

std::string PgUrl() {
  const char* u = std::getenv("RESPEC_TEST_PG_URL");
  if (!u || !*u) FAIL("RESPEC_TEST_PG_URL is not set: run these cases through tests/state/pg_run.sh (ctest -R state_pg)");
  return u;
}

std::unique_ptr<PgStateStore> OpenPg() {
  auto s = PgStateStore::Open(PgUrl());
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  return std::move(s).value();
}

// A raw statement against the test database (to set up what the store must refuse).
void Sql(const std::string& sql) {
  PGconn* c = PQconnectdb(PgUrl().c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string err = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  INFO(err);
  REQUIRE(ok);
}

RunRecord NewRun(const std::string& plan, const std::string& host = "runner-a") {
  RunRecord r;
  r.plan_id = plan;
  r.plan_digest = "sha256:abc";
  r.started = "2026-12-01T08:00:00Z";
  r.holder.host = host;
  r.holder.pid = 4242;
  r.holder.ci_run = "GITHUB_RUN_ID=77";
  r.holder.plan_id = plan;
  r.holder.since = r.started;
  return r;
}

std::string UniquePlan(const std::string& base) {
  static int n = 0;
  return base + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

// Journal order, run tagging, resume across runs, audit: the same for every store.
void CheckJournalContract(StateStore& store, const std::string& plan, bool one_run_at_a_time) {
  RunRecord a = NewRun(plan);
  REQUIRE(store.BeginRun(&a).ok());
  REQUIRE(!a.run_id.empty());
  REQUIRE(store.AppendJournal(a.run_id, plan, {{{"ev", "begin"}}, {{"ev", "call"}, {"instance", "i-1"}, {"kind", "stop"}}}).ok());
  REQUIRE(store.AppendJournal(a.run_id, plan, {{{"ev", "call"}, {"instance", "i-2"}, {"kind", "modify"}, {"client_token", "tok-2"}}}).ok());
  if (one_run_at_a_time) {
    RunRecord again = NewRun(plan);
    Status busy = store.BeginRun(&again);
    CHECK(busy.IsBusy());
  }
  REQUIRE(store.EndRun(a.run_id, "interrupted").ok());

  RunRecord b = NewRun(plan, "runner-b");
  REQUIRE(store.BeginRun(&b).ok());
  CHECK(b.run_id != a.run_id);
  REQUIRE(store.AppendJournal(b.run_id, plan, {{{"ev", "begin"}}, {{"ev", "instance_done"}, {"instance", "i-2"}}}).ok());

  std::vector<nlohmann::json> recs;
  REQUIRE(store.LoadJournal(plan, &recs).ok());
  std::vector<std::string> evs;
  for (const auto& r : recs)
    if (r.value("ev", "") != "run_begin" && r.value("ev", "") != "run_end") evs.push_back(r.value("ev", "") + "@" + r.value("run", ""));
  CHECK(evs == std::vector<std::string>{"begin@" + a.run_id, "call@" + a.run_id, "call@" + a.run_id,
                                        "begin@" + b.run_id, "instance_done@" + b.run_id});
  JournalState st = ReplayJournal(recs);
  CHECK(st.runs == 2);
  CHECK(st.stopped == std::set<std::string>{"i-1"});
  CHECK(st.touched == std::set<std::string>{"i-1", "i-2"});
  CHECK(st.finished == std::set<std::string>{"i-2"});

  std::vector<nlohmann::json> only_a;
  REQUIRE(store.RunJournal(a.run_id, &only_a).ok());
  int calls = 0;
  for (const auto& r : only_a) {
    CHECK(r.value("run", "") == a.run_id);
    if (r.value("ev", "") == "call") ++calls;
  }
  CHECK(calls == 2);
  CHECK(store.RunJournal("r-no-such-run", &only_a).IsNotFound());

  REQUIRE(store.EndRun(b.run_id, "succeeded").ok());
  std::vector<RunRecord> runs;
  REQUIRE(store.ListRuns(&runs).ok());
  std::map<std::string, RunRecord> by_id;
  for (const auto& r : runs) by_id[r.run_id] = r;
  REQUIRE(by_id.count(a.run_id));
  REQUIRE(by_id.count(b.run_id));
  CHECK(by_id[a.run_id].outcome == "interrupted");
  CHECK(by_id[b.run_id].outcome == "succeeded");
  CHECK(by_id[b.run_id].holder.host == "runner-b");
  CHECK(by_id[a.run_id].holder.ci_run == "GITHUB_RUN_ID=77");
  CHECK(by_id[a.run_id].plan_digest == "sha256:abc");
  CHECK(by_id[a.run_id].plan_id == plan);
  CHECK(!by_id[b.run_id].finished.empty());
}

}  // namespace

TEST_CASE("directory store: journal, one run at a time, audit", "[state][dir]") {
  testing::TempDir tmp;
  DirStateStore store((tmp.path / "state").string());
  CheckJournalContract(store, "p-dir", /*one_run_at_a_time=*/true);
}

TEST_CASE("postgresql store: journal, resume across runs, audit", "[.pg][state]") {
  auto store = OpenPg();
  CheckJournalContract(*store, UniquePlan("p-pg"), /*one_run_at_a_time=*/false);
  // A second connection (another runner) sees the same journal.
  auto other = OpenPg();
  std::vector<RunRecord> runs;
  REQUIRE(other->ListRuns(&runs).ok());
  CHECK(runs.size() >= 2);
}

TEST_CASE("postgresql store: leases are all-or-nothing and name the holder", "[.pg][state]") {
  auto a_store = OpenPg();
  auto b_store = OpenPg();
  const std::string plan = UniquePlan("p-lease");
  const std::string x = plan + "-i-x", y = plan + "-i-y", z = plan + "-i-z";
  RunRecord a = NewRun(plan, "runner-a"), b = NewRun(plan, "runner-b");
  REQUIRE(a_store->BeginRun(&a).ok());
  REQUIRE(b_store->BeginRun(&b).ok());
  REQUIRE(a_store->AcquireLeases(a.run_id, {x, y}, milliseconds(60000), nullptr).ok());
  // Taking again what it holds renews.
  REQUIRE(a_store->AcquireLeases(a.run_id, {y}, milliseconds(60000), nullptr).ok());

  Holder conflict;
  Status s = b_store->AcquireLeases(b.run_id, {y, z}, milliseconds(60000), &conflict);
  REQUIRE(s.IsBusy());
  CHECK(conflict.run_id == a.run_id);
  CHECK(conflict.host == "runner-a");
  CHECK(conflict.pid == 4242);
  CHECK(conflict.ci_run == "GITHUB_RUN_ID=77");
  CHECK(s.message().find(a.run_id) != std::string::npos);
  CHECK(s.message().find("runner-a") != std::string::npos);
  // All or nothing: b's failed batch did not keep z.
  RunRecord c = NewRun(plan, "runner-c");
  REQUIRE(b_store->BeginRun(&c).ok());
  CHECK(b_store->AcquireLeases(c.run_id, {z}, milliseconds(60000), nullptr).ok());

  // Released leases are free again.
  REQUIRE(a_store->EndRun(a.run_id, "succeeded").ok());
  CHECK(b_store->AcquireLeases(b.run_id, {x, y}, milliseconds(60000), nullptr).ok());
}

TEST_CASE("postgresql store: an expired lease is free; a renewed one is not", "[.pg][state]") {
  auto store = OpenPg();
  const std::string plan = UniquePlan("p-ttl");
  const std::string x = plan + "-i-x";
  RunRecord dead = NewRun(plan, "dead"), next = NewRun(plan, "next");
  REQUIRE(store->BeginRun(&dead).ok());
  REQUIRE(store->BeginRun(&next).ok());
  // TTL 0: expired by the time any later statement runs (server time), no sleeping.
  REQUIRE(store->AcquireLeases(dead.run_id, {x}, milliseconds(0), nullptr).ok());
  CHECK(store->AcquireLeases(next.run_id, {x}, milliseconds(0), nullptr).ok());
  // The dead run's heartbeat now reports the lease lost.
  CHECK(store->RenewLeases(dead.run_id, milliseconds(60000)).IsBusy());
  // Renewal extends: next renews to an hour, dead cannot take it back.
  REQUIRE(store->RenewLeases(next.run_id, milliseconds(3600000)).ok());
  Holder h;
  CHECK(store->AcquireLeases(dead.run_id, {x}, milliseconds(60000), &h).IsBusy());
  CHECK(h.run_id == next.run_id);
}

TEST_CASE("postgresql store: concurrent batches over one instance: exactly one wins", "[.pg][state]") {
  const std::string plan = UniquePlan("p-race");
  const std::string shared = plan + "-i-shared";
  constexpr int kRunners = 8;
  std::atomic<int> won{0}, busy{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRunners; ++i) {
    threads.emplace_back([&, i] {
      auto s = PgStateStore::Open(PgUrl());
      if (!s.ok()) return void(++other);
      RunRecord r = NewRun(plan, "runner-" + std::to_string(i));
      if (!s.value()->BeginRun(&r).ok()) return void(++other);
      Status st = s.value()->AcquireLeases(r.run_id, {plan + "-own-" + std::to_string(i), shared}, milliseconds(60000), nullptr);
      if (st.ok()) ++won;
      else if (st.IsBusy()) ++busy;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(won == 1);
  CHECK(busy == kRunners - 1);
  CHECK(other == 0);
}

TEST_CASE("postgresql store: a newer schema version is refused, nothing written", "[.pg][state]") {
  { auto first = OpenPg(); }  // schema exists
  Sql("UPDATE respec_schema SET version = 99");
  auto s = PgStateStore::Open(PgUrl());
  Sql("UPDATE respec_schema SET version = " + std::to_string(PgStateStore::kSchemaVersion));
  REQUIRE(!s.ok());
  CHECK(s.status().code() == Status::Code::kUnsupported);
  CHECK(s.status().message().find("99") != std::string::npos);
  CHECK(s.status().message().find("newer") != std::string::npos);
}

TEST_CASE("postgresql store: the schema is created on first use with its version", "[.pg][state]") {
  Sql("DROP TABLE IF EXISTS respec_schema, respec_runs, respec_leases, respec_journal");
  auto store = OpenPg();
  std::vector<RunRecord> runs;
  REQUIRE(store->ListRuns(&runs).ok());
  CHECK(runs.empty());
  Sql("DO $$ BEGIN IF (SELECT max(version) FROM respec_schema) <> 1 THEN RAISE EXCEPTION 'version'; END IF; END $$");
}

TEST_CASE("postgresql store: a lease keeper renews and reports a failure", "[.pg][state]") {
  auto store = OpenPg();
  VirtualClock clock;
  const std::string plan = UniquePlan("p-keep");
  RunRecord r = NewRun(plan);
  REQUIRE(store->BeginRun(&r).ok());
  REQUIRE(store->AcquireLeases(r.run_id, {plan + "-i"}, milliseconds(60000), nullptr).ok());
  LeaseKeeper keeper(store.get(), &clock, r.run_id, milliseconds(60000), milliseconds(20000));
  keeper.RenewOnce();
  CHECK(keeper.renewals() == 1);
  CHECK(!keeper.failed());
  // Someone else deletes the lease (as if it expired and was taken): the next renewal fails.
  Sql("DELETE FROM respec_leases WHERE run_id = '" + r.run_id + "'");
  keeper.RenewOnce();
  CHECK(keeper.failed());
  CHECK(keeper.error().IsBusy());
}

TEST_CASE("postgresql URL: a password is refused and never echoed; Name() shows none", "[state][pgurl]") {
  for (const std::string url : {"postgresql://respec:Sup3rS3cretPw@db.example:5432/respec?sslmode=require",
                                "host=db.example user=respec password=Sup3rS3cretPw dbname=respec",
                                "postgresql://respec@db.example/respec?password=Sup3rS3cretPw"}) {
    auto name = PgStateStore::SafeName(url);
    REQUIRE(!name.ok());
    CHECK(name.status().message().find("Sup3rS3cretPw") == std::string::npos);
    CHECK(name.status().message().find("password") != std::string::npos);
    auto open = PgStateStore::Open(url);
    REQUIRE(!open.ok());
    CHECK(open.status().message().find("Sup3rS3cretPw") == std::string::npos);
  }
  auto ok = PgStateStore::SafeName("postgresql://respec@db.example:5432/fleet?sslmode=verify-full");
  REQUIRE(ok.ok());
  CHECK(ok.value() == "postgresql://respec@db.example:5432/fleet");
  CHECK(!PgStateStore::SafeName("postgresql://[oops").ok());
}
