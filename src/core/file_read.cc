#include "core/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace respec {
namespace {

std::string TooLarge(uint64_t size, size_t max_bytes, const char* what) {
  return fmt::format("file is too large: {} bytes; a {} may be at most {} bytes ({} MiB)", size, what, max_bytes,
                     max_bytes >> 20);
}

Status ReadAll(int fd, const struct stat& st, size_t max_bytes, const char* what, std::string* text) {
  text->resize(static_cast<size_t>(st.st_size) + 1);
  size_t got = 0;
  while (got < text->size()) {
    ssize_t n = ::read(fd, text->data() + got, text->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError(fmt::format("cannot read: {}", std::strerror(errno)));
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (got == text->size() && text->size() <= max_bytes) text->resize(std::min(text->size() * 2, max_bytes + 1));
  }
  if (got > max_bytes) return Status::Invalid(TooLarge(got, max_bytes, what));  // it grew while we read it
  text->resize(got);
  return Status::OK();
}

}  // namespace

Status ReadFileBounded(const std::string& path, size_t max_bytes, const char* what, std::string* text) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("cannot open: {}", std::strerror(errno)));
  struct stat st;
  Status s;
  if (::fstat(fd, &st) != 0) s = Status::IOError(fmt::format("cannot read: {}", std::strerror(errno)));
  else if (S_ISDIR(st.st_mode)) s = Status::Invalid(fmt::format("is a directory, not a {} file", what));
  else if (!S_ISREG(st.st_mode)) s = Status::Invalid("is not a regular file");
  else if (static_cast<uint64_t>(st.st_size) > max_bytes) s = Status::Invalid(TooLarge(st.st_size, max_bytes, what));
  else s = ReadAll(fd, st, max_bytes, what, text);
  ::close(fd);
  if (!s.ok()) text->clear();
  return s;
}

}  // namespace respec
