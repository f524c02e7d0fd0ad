#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "state/env.h"

namespace respec {
namespace {

Status Err(const std::string& what, const std::string& path, int err) {
  return Status::IOError(what + " " + path + ": " + std::strerror(err));
}

// Opens without following a symlink; refuses anything but a regular file.
Status OpenRegular(const std::string& path, int flags, int* fd_out) {
  // O_NONBLOCK: opening a FIFO must not hang (it is refused below); no effect on regular files.
  int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
  if (fd < 0) {
    int e = errno;
    if (e == ELOOP) return Status::IOError("refusing " + path + ": it is a symbolic link (state files must be regular files)");
    if (e == ENOENT) return Status::NotFound("no file " + path);
    if (e == ENXIO) return Status::IOError("refusing " + path + ": not a regular file");  // a FIFO without reader
    return Err("cannot open", path, e);
  }
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IOError("refusing " + path + ": not a regular file");
  }
  *fd_out = fd;
  return Status::OK();
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override { ::close(fd_); }
  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Err("cannot write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }
  Status Sync() override { return ::fdatasync(fd_) == 0 ? Status::OK() : Err("cannot sync", path_, errno); }
  Status Truncate() override { return ::ftruncate(fd_, 0) == 0 ? Status::OK() : Err("cannot truncate", path_, errno); }
  uint64_t Size() const override {
    struct stat st{};
    return ::fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string path_;
};

class PosixLockedFile final : public LockedFile {
 public:
  PosixLockedFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixLockedFile() override {
    // Leave the file (removing it would race with a newcomer's open); empty its body.
    if (::ftruncate(fd_, 0) != 0) {
    }
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  Status WriteBody(const std::string& body) override {
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, body.data(), body.size(), 0) != static_cast<ssize_t>(body.size()))
      return Err("cannot write lock file", path_, errno);
    if (::fsync(fd_) != 0) return Err("cannot sync lock file", path_, errno);
    return Status::OK();
  }

 private:
  int fd_;
  std::string path_;
};

Status ReadFd(int fd, const std::string& path, size_t cap, std::string* out) {
  out->clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Err("cannot read", path, errno);
    }
    if (n == 0) return Status::OK();
    if (out->size() + static_cast<size_t>(n) > cap)
      return Status::IOError("refusing " + path + ": larger than " + std::to_string(cap) + " bytes");
    out->append(buf, static_cast<size_t>(n));
  }
}

class PosixEnv final : public Env {
 public:
  Status CreateDir(const std::string& path) override {
    if (path.empty()) return Status::Invalid("empty state directory path");
    std::string prefix;
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      prefix = path.substr(0, pos);
      if (prefix.empty()) continue;
      if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return Err("cannot create directory", prefix, errno);
    }
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) return Err("cannot create directory", path, errno);
    if (!S_ISDIR(st.st_mode)) return Status::IOError("refusing state directory " + path + ": not a directory");
    return Status::OK();
  }
  Status OpenAppend(const std::string& path, std::unique_ptr<WritableFile>* out) override {
    int fd = -1;
    if (Status s = OpenRegular(path, O_WRONLY | O_CREAT | O_APPEND, &fd); !s.ok()) return s;
    *out = std::make_unique<PosixWritableFile>(fd, path);
    return Status::OK();
  }
  Status ReadFile(const std::string& path, size_t cap, std::string* out) override {
    int fd = -1;
    if (Status s = OpenRegular(path, O_RDONLY, &fd); !s.ok()) return s;
    Status s = ReadFd(fd, path, cap, out);
    ::close(fd);
    return s;
  }
  Status ListDir(const std::string& path, std::vector<std::string>* names) override {
    names->clear();
    DIR* d = ::opendir(path.c_str());
    if (!d) return errno == ENOENT ? Status::NotFound("no directory " + path) : Err("cannot list", path, errno);
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names->push_back(n);
    }
    ::closedir(d);
    return Status::OK();
  }
  Status TryLock(const std::string& path, std::unique_ptr<LockedFile>* out, std::string* body) override {
    int fd = -1;
    if (Status s = OpenRegular(path, O_RDWR | O_CREAT, &fd); !s.ok()) return s;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int e = errno;
      if (e == EWOULDBLOCK && body) (void)ReadFd(fd, path, 8192, body);
      ::close(fd);
      if (e == EWOULDBLOCK) return Status::Busy("lock " + path + " is held");
      return Err("cannot lock", path, e);
    }
    *out = std::make_unique<PosixLockedFile>(fd, path);
    return Status::OK();
  }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv env;
  return &env;
}

}  // namespace respec
