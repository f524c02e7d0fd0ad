#include "core/status.h"

namespace respec {

std::string Status::ToString() const {
  const char* what = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalid: what = "invalid"; break;
    case Code::kNotFound: what = "not found"; break;
    case Code::kIOError: what = "IO error"; break;
    case Code::kBusy: what = "busy"; break;
    case Code::kUnsupported: what = "unsupported"; break;
    case Code::kInternal: what = "internal error"; break;
  }
  return std::string(what) + ": " + message_;
}

}  // namespace respec
