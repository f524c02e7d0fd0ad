// The one table of ECS error codes respec knows: every code of both seed
// documents for ModifyPrepayInstanceSpec (English and Chinese), plus the
// signature/authentication codes and the status errors of Stop/Start/Reboot.
// The category of each row decides what respec does about the code. The
// emulator produces its errors from this table too, so codes, HTTP statuses
// and messages agree.
#pragma once

#include <span>
#include <string_view>

#include "cloud/error.h"

namespace respec {

struct ErrorInfo {
  std::string_view code;
  int http_status;             // as the English seed (or the API) documents it
  std::string_view message;    // the documented message; "%s" where the API fills it in
  std::string_view description;  // the seed's description
  ErrorCategory category;         // decides what respec does (cloud/retry.h, the executor)
};

// All rows. A code may have several rows (the seeds list some codes twice
// with different messages or statuses); the first row is the canonical one.
std::span<const ErrorInfo> AllErrors();

// The canonical row for `code`, or nullptr if respec does not know it.
const ErrorInfo* FindError(std::string_view code);

// Category for a code; unknown codes are classified by HTTP status
// (5xx: transient; 429 or a "Throttling." prefix: throttled; else unknown).
ErrorCategory CategorizeError(std::string_view code, int http_status);

}  // namespace respec
