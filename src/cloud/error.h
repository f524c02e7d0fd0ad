// CloudError and Result<T>: how every Cloud call reports failure. Errors are
// values, never exceptions, so the executor can decide per category what to
// do (retry, repair state, fail the instance, stop the run).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace respec {

// What respec does about an error; see cloud/error_table.h for the mapping.
enum class ErrorCategory {
  kThrottled,        // Throttling*: back off and retry
  kOrderInProgress,  // LastOrderProcessing: retry after the previous order settles
  kTransient,        // InternalError, 5xx, transport failures: retry
  kWrongState,       // InvalidStatus.NotStopped, IncorrectInstanceStatus: re-read, repair
  kQuotaOrBilling,   // downgrade quota, arrears, billing method: fatal for the instance
  kStock,            // NoStock, InstanceType.Offline: fatal for the instance
  kNotFound,         // unknown or released instance: fatal for the instance
  kBlocked,          // instance-level refusal (expired, local disk, EIP, image): fatal
  kBadRequest,       // invalid parameters: a bug or a bad spec, fatal
  kAuth,             // signature / key / token: fatal for the whole run
  kUnknown,          // a code respec has never seen: treated as fatal, not retried
};

const char* CategoryName(ErrorCategory c);
bool IsRetryable(ErrorCategory c);

struct CloudError {
  std::string code;        // API error code, or "Transport.*" / "Response.*" for local failures
  std::string message;     // never contains a secret or a signature
  int http_status = 0;     // 0 when no HTTP response was received
  std::string request_id;  // for the user's support ticket
  std::string action;      // API action, e.g. "ModifyPrepayInstanceSpec"
  std::string instance_id; // when the call concerned one instance
  ErrorCategory category = ErrorCategory::kUnknown;
  // True when the request may have been accepted by the server although no
  // answer came back (timeout, dropped connection): the caller must not
  // assume the call had no effect.
  bool ambiguous = false;
  // The gateway's x-acs-retry-after header (milliseconds, as the official
  // SDKs read it), sent with Throttling; -1 when absent.
  long long retry_after_ms = -1;

  // "Throttling (HTTP 400): You have made ... [action=..., instance=..., RequestId=...]",
  // one line without control characters (core/terminal_text.h): safe to print.
  std::string Describe() const;
};

// Builds an error whose category and default message come from the table.
CloudError MakeCloudError(std::string code, std::string message, int http_status = 0);

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(CloudError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const CloudError& error() const { return std::get<1>(v_); }
  CloudError& error() { return std::get<1>(v_); }

 private:
  std::variant<T, CloudError> v_;
};

// For calls whose success carries only the RequestId.
struct Ack {
  std::string request_id;
};

}  // namespace respec
