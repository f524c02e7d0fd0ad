// ApplyLock (used by DirStateStore, state/dir_store.h): one `respec apply` per state directory (= per fleet checkout)
// on a machine. The lock file <state_dir>/apply.lock is held with flock(2)
// for the life of the object and carries a JSON body naming the holder
// (pid, host, since), so a refused second apply can say who holds it.
// A stale file whose holder died is harmless: the kernel released its
// flock, so the next apply takes the lock and rewrites the body.
//
// Errors: Acquire returns false and fills `message` ("apply already running:
// pid 123 on host build-7 since 2026-...; ..." or an I/O error). Never throws.
// Threads: not shared. Ownership: owns the descriptor; released on destruction.
#pragma once

#include <string>

namespace respec {

class ApplyLock {
 public:
  ApplyLock() = default;
  ApplyLock(const ApplyLock&) = delete;
  ApplyLock& operator=(const ApplyLock&) = delete;
  ~ApplyLock();

  // `now_text`: RFC 3339 time to record as "since".
  bool Acquire(const std::string& state_dir, const std::string& now_text, std::string* message);
  void Release();
  bool held() const { return fd_ >= 0; }
  static std::string PathFor(const std::string& state_dir);

 private:
  int fd_ = -1;
};

}  // namespace respec
