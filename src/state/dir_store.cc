#include "state/dir_store.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string_view>

#include "core/timefmt.h"

namespace respec {

static std::string NowText() { return FormatUtcSeconds(std::chrono::system_clock::now()); }

DirStateStore::DirStateStore(std::string dir, Env* env) : dir_(std::move(dir)), env_(env), lock_(env) {}

DirStateStore::~DirStateStore() = default;

std::string DirStateStore::JournalPath(const std::string& plan_id) const {
  std::string safe;
  for (char c : plan_id) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  if (safe.empty()) safe = "unnamed";
  return (std::filesystem::path(dir_) / ("journal-" + safe + ".jsonl")).string();
}

Status DirStateStore::BeginRun(RunRecord* run) {
  std::string message;
  if (!lock_.Acquire(dir_, run->started, &message))
    return message.rfind("another apply holds", 0) == 0 ? Status::Busy(message) : Status::IOError(message);
  run->run_id = NewRunId(run->started);
  run->holder.run_id = run->run_id;
  run->outcome = "running";
  run_plans_[run->run_id] = run->plan_id;
  // The run's own record (who, which plan and digest), read by ListRuns.
  return AppendJournal(run->run_id, run->plan_id,
                       {{{"ev", "run_begin"}, {"plan_id", run->plan_id}, {"plan_digest", run->plan_digest},
                         {"host", run->holder.host}, {"pid", run->holder.pid}, {"ci_run", run->holder.ci_run},
                         {"t", run->started}}});
}

Status DirStateStore::EndRun(const std::string& run_id, const std::string& outcome) {
  Status s;
  if (auto it = run_plans_.find(run_id); it != run_plans_.end())
    s = AppendJournal(run_id, it->second, {{{"ev", "run_end"}, {"outcome", outcome}, {"t", NowText()}}});
  lock_.Release();
  return s;
}

Status DirStateStore::AcquireLeases(const std::string&, const std::vector<std::string>&, std::chrono::milliseconds,
                                    Holder*) {
  if (!lock_.held()) return Status::Internal("leases asked for before BeginRun");
  return Status::OK();
}

Status DirStateStore::RenewLeases(const std::string&, std::chrono::milliseconds) { return Status::OK(); }

Status DirStateStore::ReleaseLeases(const std::string&, const std::vector<std::string>&) { return Status::OK(); }

Status DirStateStore::OpenJournal(const std::string& plan_id, WritableFile** out) {
  auto it = journals_.find(plan_id);
  if (it != journals_.end()) {
    *out = it->second.get();
    return Status::OK();
  }
  if (Status s = env_->CreateDir(dir_); !s.ok()) return s;
  std::unique_ptr<WritableFile> file;
  if (Status s = env_->OpenAppend(JournalPath(plan_id), &file); !s.ok()) return s;
  // A torn last line from a crash must not glue onto our first record (readers skip empty lines).
  if (file->Size() > 0)
    if (Status s = file->Append("\n"); !s.ok()) return s;
  *out = file.get();
  journals_[plan_id] = std::move(file);
  return Status::OK();
}

Status DirStateStore::AppendJournal(const std::string& run_id, const std::string& plan_id,
                                    const std::vector<nlohmann::json>& records) {
  if (records.empty()) return Status::OK();
  WritableFile* file = nullptr;
  if (Status s = OpenJournal(plan_id, &file); !s.ok()) return s;
  std::string lines;
  for (const auto& r : records) {
    nlohmann::json rec = r;
    if (rec.is_object() && !run_id.empty()) rec["run"] = run_id;
    lines += rec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    lines += '\n';
  }
  if (Status s = file->Append(lines); !s.ok()) return s;
  return file->Sync();
}

Status DirStateStore::ReadJournalFile(const std::string& path, std::vector<nlohmann::json>* records) const {
  std::string text;
  Status s = env_->ReadFile(path, kMaxJournalBytes, &text);
  if (s.IsNotFound()) return Status::OK();  // no journal yet: no records
  if (!s.ok()) return s;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    records->push_back(j.is_discarded() ? nlohmann::json() : std::move(j));
  }
  return Status::OK();
}

Status DirStateStore::LoadJournal(const std::string& plan_id, std::vector<nlohmann::json>* records) {
  records->clear();
  return ReadJournalFile(JournalPath(plan_id), records);
}

Status DirStateStore::ListRuns(std::vector<RunRecord>* runs) {
  runs->clear();
  std::vector<std::string> names, files;
  Status listed = env_->ListDir(dir_, &names);
  if (listed.IsNotFound()) return Status::OK();
  if (!listed.ok()) return listed;
  for (const auto& name : names)
    if (name.rfind("journal-", 0) == 0 && name.size() > 6 && name.compare(name.size() - 6, 6, ".jsonl") == 0)
      files.push_back((std::filesystem::path(dir_) / name).string());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::vector<nlohmann::json> recs;
    if (Status s = ReadJournalFile(f, &recs); !s.ok()) return s;
    std::map<std::string, size_t> index;
    for (const auto& r : recs) {
      if (!r.is_object()) continue;
      const std::string run = r.value("run", "");
      if (run.empty()) continue;
      const std::string ev = r.value("ev", "");
      if (ev == "run_begin" || (ev == "begin" && !index.count(run))) {
        RunRecord rr;
        rr.run_id = run;
        rr.plan_id = r.value("plan_id", "");
        rr.plan_digest = r.value("plan_digest", "");
        rr.started = r.value("t", "");
        rr.outcome = "abandoned";  // until its run_end: a run that died or still runs
        rr.holder.run_id = run;
        rr.holder.pid = r.value("pid", 0);
        rr.holder.host = r.value("host", "");
        rr.holder.ci_run = r.value("ci_run", "");
        rr.holder.plan_id = rr.plan_id;
        if (lock_.held() && run_plans_.count(run)) rr.outcome = "running";
        rr.holder.since = rr.started;
        index[run] = runs->size();
        runs->push_back(std::move(rr));
      } else if ((ev == "run_end" || ev == "end") && index.count(run)) {
        RunRecord& rr = (*runs)[index[run]];
        rr.finished = r.value("t", "");
        if (ev == "run_end" || rr.outcome == "abandoned")
          rr.outcome = r.value("outcome", r.value("exit_code", 1) == 0 ? "succeeded" : "failed");
      }
    }
  }
  std::sort(runs->begin(), runs->end(), [](const RunRecord& a, const RunRecord& b) { return a.started < b.started; });
  return Status::OK();
}

Status DirStateStore::RunJournal(const std::string& run_id, std::vector<nlohmann::json>* records) {
  records->clear();
  std::vector<RunRecord> runs;
  if (Status s = ListRuns(&runs); !s.ok()) return s;
  for (const auto& r : runs) {
    if (r.run_id != run_id) continue;
    std::vector<nlohmann::json> all;
    if (Status s = LoadJournal(r.plan_id, &all); !s.ok()) return s;
    for (auto& rec : all)
      if (rec.is_object() && rec.value("run", "") == run_id) records->push_back(std::move(rec));
    return Status::OK();
  }
  return Status::NotFound("no run " + run_id + " in " + Name());
}

}  // namespace respec
