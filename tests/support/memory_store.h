// MemoryStateStore: an in-memory StateStore (state/state_store.h) for unit
// tests, with fault knobs: fail the next N appends, fail every append from
// a given one on, or record what was durable when (so a test can check that
// a call's record was durable before the cloud saw the call).
// Threads: guarded by a mutex (the executor appends on a runner thread).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "state/state_store.h"

namespace respec::testing {

class MemoryStateStore final : public StateStore {
 public:
  std::string Name() const override { return "memory"; }
  Status BeginRun(RunRecord* run) override {
    std::lock_guard<std::mutex> l(mu_);
    run->run_id = "r-test-" + std::to_string(++runs_);
    run->holder.run_id = run->run_id;
    run->outcome = "running";
    run_records_.push_back(*run);
    return Status::OK();
  }
  Status EndRun(const std::string& run_id, const std::string& outcome) override {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& r : run_records_)
      if (r.run_id == run_id) r.outcome = outcome;
    return Status::OK();
  }
  Status AcquireLeases(const std::string&, const std::vector<std::string>&, std::chrono::milliseconds,
                       Holder*) override {
    return Status::OK();
  }
  Status RenewLeases(const std::string&, std::chrono::milliseconds) override { return Status::OK(); }
  Status ReleaseLeases(const std::string&, const std::vector<std::string>&) override { return Status::OK(); }
  Status AppendJournal(const std::string& run_id, const std::string& plan_id,
                       const std::vector<nlohmann::json>& records) override {
    std::lock_guard<std::mutex> l(mu_);
    ++appends_;
    if (fail_from_append > 0 && appends_ >= fail_from_append) return Status::IOError("injected journal failure");
    for (auto r : records) {
      if (r.is_object()) r["run"] = run_id;
      journal_[plan_id].push_back(std::move(r));
    }
    return Status::OK();
  }
  Status LoadJournal(const std::string& plan_id, std::vector<nlohmann::json>* records) override {
    std::lock_guard<std::mutex> l(mu_);
    *records = journal_[plan_id];
    return Status::OK();
  }
  Status ListRuns(std::vector<RunRecord>* runs) override {
    std::lock_guard<std::mutex> l(mu_);
    *runs = run_records_;
    return Status::OK();
  }
  Status RunJournal(const std::string& run_id, std::vector<nlohmann::json>* records) override {
    std::lock_guard<std::mutex> l(mu_);
    records->clear();
    for (const auto& [plan, recs] : journal_)
      for (const auto& r : recs)
        if (r.is_object() && r.value("run", "") == run_id) records->push_back(r);
    return Status::OK();
  }

  // Every durable record of `plan_id`, oldest first.
  std::vector<nlohmann::json> Durable(const std::string& plan_id) {
    std::lock_guard<std::mutex> l(mu_);
    return journal_[plan_id];
  }

  int fail_from_append = 0;  // 0: never; N: the N-th append and every later one fail

 private:
  std::mutex mu_;
  int runs_ = 0;
  int appends_ = 0;
  std::vector<RunRecord> run_records_;
  std::map<std::string, std::vector<nlohmann::json>> journal_;
};

}  // namespace respec::testing
