// FaultEnv: an EnvWrapper (state/env.h) for tests, after LevelDB's
// FaultInjectionTestEnv. It remembers how much of every file it opened for
// append was synced; Crash() truncates each to that size (dropping unsynced
// writes, optionally keeping a torn prefix of them), as a power cut would.
// fail_writes / fail_syncs make the next Append / Sync fail.
// Threads: one test thread. Ownership: borrows the target Env.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "state/env.h"

namespace respec::testing {

class FaultEnv final : public EnvWrapper {
 public:
  explicit FaultEnv(Env* target = Env::Default()) : EnvWrapper(target) {}

  bool fail_writes = false;
  bool fail_syncs = false;
  int syncs = 0;

  Status OpenAppend(const std::string& path, std::unique_ptr<WritableFile>* out) override {
    std::unique_ptr<WritableFile> real;
    if (Status s = target()->OpenAppend(path, &real); !s.ok()) return s;
    synced_[path] = real->Size();  // what is on disk when opened counts as synced
    *out = std::make_unique<File>(this, path, std::move(real));
    return Status::OK();
  }

  // A simulated crash: every file loses what was written after its last
  // Sync, except the first `torn_bytes` of it (a torn write).
  void Crash(uintmax_t torn_bytes = 0) {
    for (const auto& [path, synced] : synced_) {
      std::error_code ec;
      uintmax_t size = std::filesystem::file_size(path, ec);
      if (!ec && size > synced) std::filesystem::resize_file(path, std::min(size, synced + torn_bytes), ec);
    }
  }

 private:
  class File final : public WritableFile {
   public:
    File(FaultEnv* env, std::string path, std::unique_ptr<WritableFile> real)
        : env_(env), path_(std::move(path)), real_(std::move(real)) {}
    Status Append(std::string_view data) override {
      if (env_->fail_writes) return Status::IOError("cannot write " + path_ + ": injected write failure");
      return real_->Append(data);
    }
    Status Sync() override {
      if (env_->fail_syncs) return Status::IOError("cannot sync " + path_ + ": injected fsync failure");
      Status s = real_->Sync();
      if (s.ok()) {
        env_->synced_[path_] = real_->Size();
        ++env_->syncs;
      }
      return s;
    }
    Status Truncate() override { return real_->Truncate(); }
    uint64_t Size() const override { return real_->Size(); }

   private:
    FaultEnv* env_;
    std::string path_;
    std::unique_ptr<WritableFile> real_;
  };

  std::map<std::string, uintmax_t> synced_;
};

}  // namespace respec::testing
