#include "state/dir_lock.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace respec {

std::string ApplyLock::PathFor(const std::string& state_dir) {
  return (std::filesystem::path(state_dir) / "apply.lock").string();
}

bool ApplyLock::Acquire(const std::string& state_dir, const std::string& now_text, std::string* message) {
  if (Status s = env_->CreateDir(state_dir); !s.ok()) {
    *message = s.message();
    return false;
  }
  const std::string path = PathFor(state_dir);
  std::string body;
  std::unique_ptr<LockedFile> file;
  Status s = env_->TryLock(path, &file, &body);
  if (s.IsBusy()) {
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
  if (!s.ok()) {
    *message = s.message();
    return false;
  }
  // We hold it: whoever wrote the body before is gone (their flock died with them).
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown");
  nlohmann::json j = {{"pid", static_cast<int>(::getpid())}, {"host", host}, {"since", now_text}};
  if (Status w = file->WriteBody(j.dump() + "\n"); !w.ok()) {
    *message = w.message();
    return false;
  }
  file_ = std::move(file);
  return true;
}

}  // namespace respec
