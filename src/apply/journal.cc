#include "apply/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace respec {

Journal::~Journal() {
  if (fd_ >= 0) {
    Sync();
    ::close(fd_);
  }
}

std::string Journal::PathFor(const std::string& state_dir, const std::string& plan_id) {
  std::string safe;
  for (char c : plan_id) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  if (safe.empty()) safe = "unnamed";
  return (std::filesystem::path(state_dir) / ("journal-" + safe + ".jsonl")).string();
}

bool Journal::Open(const std::string& path, std::string* error) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) {
    if (error) *error = "cannot create state directory " + dir.string() + ": " + ec.message();
    return false;
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (error) *error = "cannot open journal " + path + ": " + std::strerror(errno);
    return false;
  }
  path_ = path;
  // A torn last line from a crash must not glue onto our first record.
  struct stat st{};
  if (::fstat(fd_, &st) == 0 && st.st_size > 0) {
    int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    char last = '\n';
    if (rfd >= 0) {
      if (::pread(rfd, &last, 1, st.st_size - 1) != 1) last = '\n';
      ::close(rfd);
    }
    if (last != '\n') pending_ += '\n';
  }
  return true;
}

void Journal::Append(nlohmann::json record) {
  pending_ += record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  pending_ += '\n';
}

std::string Journal::TakePending() {
  std::string out;
  out.swap(pending_);
  return out;
}

bool Journal::Sync(std::string* error) { return WriteSynced(TakePending(), error); }

bool Journal::WriteSynced(const std::string& lines, std::string* error) {
  if (fd_ < 0) {
    if (error) *error = "journal is not open";
    return lines.empty();
  }
  if (lines.empty()) return true;
  const char* p = lines.data();
  size_t left = lines.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (error) *error = "cannot write journal " + path_ + ": " + std::strerror(errno);
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0) {
    if (error) *error = "cannot sync journal " + path_ + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

JournalState Journal::Load(const std::string& path) {
  std::vector<nlohmann::json> records;
  int unreadable = 0;
  std::ifstream in(path);
  std::string line;
  while (in && std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      ++unreadable;
      continue;
    }
    records.push_back(std::move(j));
  }
  JournalState st = ReplayJournal(records);
  st.bad_lines += unreadable;
  return st;
}

}  // namespace respec
