// Status and StatusOr<T>: the one error value for every fallible operation
// that is not a Cloud call (files, the state store, parsers of respec's own
// formats). Cloud calls keep cloud/error.h's Result<T>/CloudError, which
// carry API codes and categories. Like LevelDB's Status: cheap when OK, a
// code plus a message otherwise; never thrown.
//
// Messages are for people: they name the file/parameter and never contain a
// secret (callers redact before building one).
// Threads: values; no shared state.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace respec {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalid,      // bad input (a file, a flag, a record)
    kNotFound,     // no such file / run / record
    kIOError,      // a read, write, fsync or connection failed
    kBusy,         // held by someone else (a lock, a lease); message names the holder
    kUnsupported,  // e.g. a state schema newer than this binary understands
    kInternal,     // a bug in respec
  };

  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status Invalid(std::string m) { return Status(Code::kInvalid, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status IOError(std::string m) { return Status(Code::kIOError, std::move(m)); }
  static Status Busy(std::string m) { return Status(Code::kBusy, std::move(m)); }
  static Status Unsupported(std::string m) { return Status(Code::kUnsupported, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  const std::string& message() const { return message_; }
  // "IO error: cannot sync journal .respec/journal-p.jsonl: No space left on device"
  std::string ToString() const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <class T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}       // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT; must not be OK
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace respec
