// The disk seam (state/env.h) under the local directory store: safe modes,
// no symlinks followed, faults reported, unsynced data lost on a simulated
// crash (tests/support/fault_env.h) and resume from what was synced.
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "state/dir_lock.h"
#include "state/dir_store.h"
#include "support/fault_env.h"
#include "support/temp_dir.h"

using namespace respec;

namespace {

std::string Slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mode_t Mode(const std::string& p) {
  struct stat st{};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

RunRecord Run(const std::string& plan) {
  RunRecord r;
  r.plan_id = plan;
  r.started = "2026-12-01T08:00:00Z";
  r.holder.host = "h";
  r.holder.pid = 1;
  return r;
}

}  // namespace

TEST_CASE("state directory is 0700, lock and journal 0600, whatever the umask", "[state][env]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.path / "a" / "state").string();
  mode_t old = ::umask(0);
  DirStateStore store(dir);
  RunRecord r = Run("p");
  Status s = store.BeginRun(&r);
  ::umask(old);
  REQUIRE(s.ok());
  CHECK(Mode(dir) == 0700);
  CHECK(Mode(ApplyLock::PathFor(dir)) == 0600);
  CHECK(Mode(store.JournalPath("p")) == 0600);
  REQUIRE(store.EndRun(r.run_id, "succeeded").ok());
}

TEST_CASE("symlinked journal and lock paths are refused; their targets untouched", "[state][env]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.path / "state").string();
  const std::string victim = tmp.Write("victim.txt", "precious\n", 0644);
  REQUIRE(Env::Default()->CreateDir(dir).ok());

  SECTION("journal") {
    DirStateStore store(dir);
    REQUIRE(::symlink(victim.c_str(), store.JournalPath("p").c_str()) == 0);
    Status s = store.AppendJournal("r-1", "p", {{{"ev", "begin"}}});
    REQUIRE(!s.ok());
    CHECK(s.message().find(store.JournalPath("p")) != std::string::npos);
    CHECK(s.message().find("symbolic link") != std::string::npos);
    std::vector<nlohmann::json> recs;
    CHECK(!store.LoadJournal("p", &recs).ok());  // reading refuses it too
  }
  SECTION("lock") {
    REQUIRE(::symlink(victim.c_str(), ApplyLock::PathFor(dir).c_str()) == 0);
    DirStateStore store(dir);
    RunRecord r = Run("p");
    Status s = store.BeginRun(&r);
    REQUIRE(!s.ok());
    CHECK(!s.IsBusy());
    CHECK(s.message().find("apply.lock") != std::string::npos);
    CHECK(s.message().find("symbolic link") != std::string::npos);
  }
  SECTION("a FIFO is not a regular file") {
    DirStateStore store(dir);
    REQUIRE(::mkfifo(store.JournalPath("p").c_str(), 0600) == 0);
    Status s = store.AppendJournal("r-1", "p", {{{"ev", "begin"}}});
    REQUIRE(!s.ok());
    CHECK(s.message().find("not a regular file") != std::string::npos);
    std::vector<nlohmann::json> recs;  // a reader opening a FIFO must not hang or read from it
    Status r = store.LoadJournal("p", &recs);
    REQUIRE(!r.ok());
    CHECK(r.message().find("not a regular file") != std::string::npos);
  }
  CHECK(Slurp(victim) == "precious\n");
  CHECK(Mode(victim) == 0644);
}

TEST_CASE("a failed fsync or write of the journal is reported", "[state][env]") {
  testing::TempDir tmp;
  testing::FaultEnv env;
  DirStateStore store((tmp.path / "state").string(), &env);
  REQUIRE(store.AppendJournal("r-1", "p", {{{"ev", "begin"}}}).ok());
  env.fail_syncs = true;
  Status s = store.AppendJournal("r-1", "p", {{{"ev", "call"}, {"instance", "i-1"}}});
  REQUIRE(s.IsIOError());
  CHECK(s.message().find("sync") != std::string::npos);
  CHECK(s.message().find(store.JournalPath("p")) != std::string::npos);
  env.fail_syncs = false;
  env.fail_writes = true;
  CHECK(store.AppendJournal("r-1", "p", {{{"ev", "call"}, {"instance", "i-2"}}}).IsIOError());
}

TEST_CASE("a crash loses unsynced records; resume works from what was synced", "[state][env]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.path / "state").string();
  const int torn = GENERATE(0, 7);
  {
    testing::FaultEnv env;
    DirStateStore store(dir, &env);
    REQUIRE(store.AppendJournal("r-1", "p", {{{"ev", "begin"}}, {{"ev", "call"}, {"instance", "i-1"}, {"kind", "stop"}}})
                .ok());
    env.fail_syncs = true;  // written, never synced
    REQUIRE(!store.AppendJournal("r-1", "p", {{{"ev", "instance_done"}, {"instance", "i-1"}}}).ok());
    env.Crash(torn);
  }
  // Another process (no faults) resumes from what survived.
  DirStateStore store(dir);
  std::vector<nlohmann::json> recs;
  REQUIRE(store.LoadJournal("p", &recs).ok());
  JournalState st = ReplayJournal(recs);
  CHECK(st.runs == 1);
  CHECK(st.stopped == std::set<std::string>{"i-1"});
  CHECK(st.finished.empty());  // the unsynced instance_done is gone
  CHECK(st.bad_lines == (torn > 0 ? 1 : 0));
  // The next run appends cleanly after a torn tail.
  REQUIRE(store.AppendJournal("r-2", "p", {{{"ev", "begin"}}}).ok());
  REQUIRE(store.LoadJournal("p", &recs).ok());
  st = ReplayJournal(recs);
  CHECK(st.runs == 2);
  CHECK(st.bad_lines == (torn > 0 ? 1 : 0));
}
