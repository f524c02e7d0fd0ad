// Env: the disk seam (LevelDB's Env/EnvWrapper) — the few file operations
// the local state directory (state/dir_store.h) and its lock
// (state/dir_lock.h) need, so tests can inject faults (tests/support/
// fault_env.h: drop unsynced writes on a simulated crash, fail writes and
// fsyncs on demand) and so every open is safe by construction:
//   - directories are created 0700; files 0600;
//   - files are opened with O_NOFOLLOW | O_CLOEXEC, and anything that is not
//     a regular file (a symlink, a FIFO, a directory) is refused with a
//     message naming the path; a symlink's target is never touched.
//
// Errors: Status (IOError naming the path and the OS reason; NotFound for a
// missing file on read; Busy from TryLock when another process holds it).
// Threads: PosixEnv is stateless and safe from any thread; a WritableFile
// is used by one thread at a time. Ownership: files are owned by the
// unique_ptr the caller receives; Default() is a process-wide singleton.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace respec {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Sync() = 0;          // fdatasync: what was appended survives a crash
  virtual Status Truncate() = 0;      // to empty (the lock body)
  virtual uint64_t Size() const = 0;  // bytes in the file now
};

// An flock(2)ed file: held until the object is destroyed.
class LockedFile {
 public:
  virtual ~LockedFile() = default;
  // Replaces the file's body (the holder description) and syncs it.
  virtual Status WriteBody(const std::string& body) = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  static Env* Default();  // PosixEnv

  // mkdir -p with mode 0700 for what it creates; a path that exists and is not a directory is refused.
  virtual Status CreateDir(const std::string& path) = 0;
  // O_WRONLY|O_CREAT|O_APPEND|O_NOFOLLOW|O_CLOEXEC, 0600; regular files only.
  virtual Status OpenAppend(const std::string& path, std::unique_ptr<WritableFile>* out) = 0;
  // The whole file (at most `cap` bytes, else IOError); NotFound when missing; regular files only.
  virtual Status ReadFile(const std::string& path, size_t cap, std::string* out) = 0;
  // Names (not paths) in a directory; NotFound when missing.
  virtual Status ListDir(const std::string& path, std::vector<std::string>* names) = 0;
  // Opens/creates (0600, no symlinks) and flock()s without waiting. Busy with
  // *body = the current holder's body when another process holds it.
  virtual Status TryLock(const std::string& path, std::unique_ptr<LockedFile>* out, std::string* body) = 0;
};

// Forwards everything to `target` (LevelDB's EnvWrapper): override what a test needs.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }
  Status CreateDir(const std::string& p) override { return target_->CreateDir(p); }
  Status OpenAppend(const std::string& p, std::unique_ptr<WritableFile>* out) override {
    return target_->OpenAppend(p, out);
  }
  Status ReadFile(const std::string& p, size_t cap, std::string* out) override { return target_->ReadFile(p, cap, out); }
  Status ListDir(const std::string& p, std::vector<std::string>* names) override { return target_->ListDir(p, names); }
  Status TryLock(const std::string& p, std::unique_ptr<LockedFile>* out, std::string* body) override {
    return target_->TryLock(p, out, body);
  }

 private:
  Env* target_;
};

}  // namespace respec
