// Reading an input file with bounded memory: refused by its size before it
// is read (a 200 MB file costs one fstat), never more than max_bytes + 1
// bytes held even if it grows while read; directories, FIFOs and devices are
// refused (O_NONBLOCK keeps a FIFO from blocking the open).
// Errors: Status::Invalid / IOError with a message that does not repeat the
// path (callers prefix it), e.g. "file is too large: 209715200 bytes; a plan
// may be at most 67108864 bytes (64 MiB)". `what` names the kind of file
// ("fleet spec", "plan"). Threads: safe. Ownership: fills *text.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace respec {

Status ReadFileBounded(const std::string& path, size_t max_bytes, const char* what, std::string* text);

}  // namespace respec
