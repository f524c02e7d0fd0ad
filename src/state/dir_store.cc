#include "state/dir_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace respec {

DirStateStore::DirStateStore(std::string dir) : dir_(std::move(dir)) {}

DirStateStore::~DirStateStore() {
  for (auto& [plan, fd] : journal_fds_) ::close(fd);
}

std::string DirStateStore::JournalPath(const std::string& plan_id) const {
  std::string safe;
  for (char c : plan_id) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  if (safe.empty()) safe = "unnamed";
  return (std::filesystem::path(dir_) / ("journal-" + safe + ".jsonl")).string();
}

Status DirStateStore::BeginRun(RunRecord* run) {
  std::string message;
  if (!lock_.Acquire(dir_, run->started, &message)) return Status::Busy(message);
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  std::string stamp;
  for (char c : run->started)
    if (std::isdigit(static_cast<unsigned char>(c))) stamp += c;
  run->run_id = "r-" + stamp.substr(0, 14) + "-" + suffix;
  run->holder.run_id = run->run_id;
  run->outcome = "running";
  return Status::OK();
}

Status DirStateStore::EndRun(const std::string&, const std::string&) {
  lock_.Release();
  return Status::OK();
}

Status DirStateStore::AcquireLeases(const std::string&, const std::vector<std::string>&, std::chrono::milliseconds,
                                    Holder*) {
  if (!lock_.held()) return Status::Internal("leases asked for before BeginRun");
  return Status::OK();
}

Status DirStateStore::RenewLeases(const std::string&, std::chrono::milliseconds) { return Status::OK(); }

Status DirStateStore::ReleaseLeases(const std::string&, const std::vector<std::string>&) { return Status::OK(); }

Status DirStateStore::OpenJournal(const std::string& plan_id, int* out) {
  auto it = journal_fds_.find(plan_id);
  if (it != journal_fds_.end()) {
    *out = it->second;
    return Status::OK();
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IOError("cannot create state directory " + dir_ + ": " + ec.message());
  const std::string path = JournalPath(plan_id);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot open journal " + path + ": " + std::strerror(errno));
  // A torn last line from a crash must not glue onto our first record.
  struct stat st{};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    char last = '\n';
    if (::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
      if (::write(fd, "\n", 1) != 1) {
        ::close(fd);
        return Status::IOError("cannot write journal " + path + ": " + std::strerror(errno));
      }
    }
  }
  journal_fds_[plan_id] = fd;
  *out = fd;
  return Status::OK();
}

Status DirStateStore::AppendJournal(const std::string& run_id, const std::string& plan_id,
                                    const std::vector<nlohmann::json>& records) {
  if (records.empty()) return Status::OK();
  int fd = -1;
  if (Status s = OpenJournal(plan_id, &fd); !s.ok()) return s;
  std::string lines;
  for (const auto& r : records) {
    nlohmann::json rec = r;
    if (rec.is_object() && !run_id.empty()) rec["run"] = run_id;
    lines += rec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    lines += '\n';
  }
  const std::string path = JournalPath(plan_id);
  const char* p = lines.data();
  size_t left = lines.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("cannot write journal " + path + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fdatasync(fd) != 0) return Status::IOError("cannot sync journal " + path + ": " + std::strerror(errno));
  return Status::OK();
}

Status DirStateStore::ReadJournalFile(const std::string& path, std::vector<nlohmann::json>* records) const {
  std::ifstream in(path);
  if (!in) return Status::OK();  // no journal yet: no records
  std::string line;
  while (std::getline(in, line)) {
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
  std::error_code ec;
  if (!std::filesystem::is_directory(dir_, ec)) return Status::OK();
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("journal-", 0) == 0 && e.path().extension() == ".jsonl") files.push_back(e.path().string());
  }
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
      if (ev == "begin") {
        RunRecord rr;
        rr.run_id = run;
        rr.plan_id = r.value("plan_id", "");
        rr.plan_digest = r.value("plan_digest", "");
        rr.started = r.value("t", "");
        rr.outcome = "unknown";
        rr.holder.run_id = run;
        rr.holder.pid = r.value("pid", 0);
        rr.holder.host = r.value("host", "");
        rr.holder.ci_run = r.value("ci_run", "");
        rr.holder.plan_id = rr.plan_id;
        rr.holder.since = rr.started;
        index[run] = runs->size();
        runs->push_back(std::move(rr));
      } else if (ev == "end" && index.count(run)) {
        RunRecord& rr = (*runs)[index[run]];
        rr.finished = r.value("t", "");
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
