// Benchmark: latency of one journal write (StateStore::AppendJournal, one
// "call" record, committed before it returns) on PostgreSQL over a loopback
// Unix socket, against the local directory (fdatasync'd) for comparison.
// Target: p99 <= 2 ms on PostgreSQL. Needs RESPEC_BENCH_PG_URL (bench/
// state_bench.sh starts a throwaway server and sets it); without it the
// PostgreSQL half reports "skipped". Env: N (writes, default 2000).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "state/dir_store.h"
#include "state/pg_store.h"

using namespace respec;

static void Measure(const char* name, StateStore& store, int n) {
  RunRecord run;
  run.plan_id = "p-bench-" + std::to_string(::getpid());
  run.started = "2026-12-01T00:00:00Z";
  run.holder = ThisProcessHolder();
  if (Status s = store.BeginRun(&run); !s.ok()) {
    std::printf("%-12s error: %s\n", name, s.message().c_str());
    return;
  }
  std::vector<double> us;
  us.reserve(n);
  for (int i = 0; i < n; ++i) {
    nlohmann::json rec = {{"ev", "call"}, {"instance", "i-bench" + std::to_string(i)}, {"kind", "modify"},
                          {"client_token", "0123456789abcdef0123456789abcdef"}, {"target_type", "ecs.g7.2xlarge"}};
    auto t0 = std::chrono::steady_clock::now();
    Status s = store.AppendJournal(run.run_id, run.plan_id, {rec});
    auto t1 = std::chrono::steady_clock::now();
    if (!s.ok()) {
      std::printf("%-12s error: %s\n", name, s.message().c_str());
      return;
    }
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  (void)store.EndRun(run.run_id, "succeeded");
  std::sort(us.begin(), us.end());
  auto q = [&](double p) { return us[std::min(us.size() - 1, static_cast<size_t>(p * us.size()))] / 1000.0; };
  std::printf("%-12s %d writes  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", name, n, q(0.5), q(0.99), us.back() / 1000.0);
}

int main() {
  const int n = std::getenv("N") ? std::atoi(std::getenv("N")) : 2000;
  std::string tmpl = (std::filesystem::temp_directory_path() / "respec-jbench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return 1;
  {
    DirStateStore dir(tmpl + "/state");
    Measure("directory", dir, n);
  }
  std::filesystem::remove_all(tmpl);
  const char* url = std::getenv("RESPEC_BENCH_PG_URL");
  if (!url || !*url) {
    std::printf("postgresql   skipped: RESPEC_BENCH_PG_URL not set (bench/state_bench.sh sets it)\n");
    return 0;
  }
  auto pg = PgStateStore::Open(url);
  if (!pg.ok()) {
    std::printf("postgresql   error: %s\n", pg.status().message().c_str());
    return 1;
  }
  Measure("postgresql", *pg.value(), n);
  return 0;
}
