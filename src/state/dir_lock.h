// ApplyLock (used by DirStateStore, state/dir_store.h): one `respec apply`
// per state directory (= per fleet checkout) on a machine. The lock file
// <state_dir>/apply.lock is held with flock(2) for the life of the object
// and carries a JSON body naming the holder (pid, host, since), so a
// refused second apply can say who holds it. A stale file whose holder died
// is harmless: the kernel released its flock, so the next apply takes the
// lock and rewrites the body. All I/O goes through Env (state/env.h): the
// directory is created 0700, the file 0600, and a symlinked or non-regular
// lock path is refused without touching its target.
//
// Errors: Acquire returns false and fills `message` ("another apply holds
// the lock …: respec apply (pid 123 on host build-7 since …)" or an I/O
// error naming the path). Never throws.
// Threads: not shared. Ownership: owns the lock; released on destruction.
#pragma once

#include <memory>
#include <string>

#include "state/env.h"

namespace respec {

class ApplyLock {
 public:
  explicit ApplyLock(Env* env = Env::Default()) : env_(env) {}
  ApplyLock(const ApplyLock&) = delete;
  ApplyLock& operator=(const ApplyLock&) = delete;
  ~ApplyLock() = default;

  // `now_text`: RFC 3339 time to record as "since".
  bool Acquire(const std::string& state_dir, const std::string& now_text, std::string* message);
  void Release() { file_.reset(); }
  bool held() const { return file_ != nullptr; }
  static std::string PathFor(const std::string& state_dir);

 private:
  Env* env_;
  std::unique_ptr<LockedFile> file_;
};

}  // namespace respec
