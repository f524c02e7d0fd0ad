#include "state/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace respec {

ApplyLock::~ApplyLock() { Release(); }

std::string ApplyLock::PathFor(const std::string& state_dir) {
  return (std::filesystem::path(state_dir) / "apply.lock").string();
}

static std::string ReadAll(int fd) {
  std::string s;
  char buf[512];
  off_t off = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n <= 0) break;
    s.append(buf, static_cast<size_t>(n));
    off += n;
    if (s.size() > 8192) break;
  }
  return s;
}

bool ApplyLock::Acquire(const std::string& state_dir, const std::string& now_text,
                        std::string* message) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    *message = "cannot create state directory " + state_dir + ": " + ec.message();
    return false;
  }
  const std::string path = PathFor(state_dir);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *message = "cannot open lock file " + path + ": " + std::strerror(errno);
    return false;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string body = ReadAll(fd);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      *message = "cannot lock " + path + ": " + std::strerror(err);
      return false;
    }
    auto j = nlohmann::json::parse(body, nullptr, false);
    std::string holder = "another respec apply";
    if (j.is_object()) {
      holder = "respec apply (pid " + std::to_string(j.value("pid", 0)) + " on host " +
               j.value("host", std::string("?")) + " since " + j.value("since", std::string("?")) + ")";
    }
    *message = "another apply holds the lock " + path + ": " + holder +
               "; wait for it to finish, or stop it (it resumes safely from its journal)";
    return false;
  }
  // We hold it: whoever wrote the body before is gone (their flock died with them).
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown");
  nlohmann::json body = {{"pid", static_cast<int>(::getpid())}, {"host", host}, {"since", now_text}};
  std::string text = body.dump() + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    *message = "cannot write lock file " + path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  ::fsync(fd);
  fd_ = fd;
  return true;
}

void ApplyLock::Release() {
  if (fd_ < 0) return;
  // Leave the file (removing it would race with a newcomer's open); empty its body.
  if (::ftruncate(fd_, 0) != 0) {
  }
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace respec
