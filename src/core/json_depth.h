// JSON nesting guard: checks how deep text nests before a parser sees it,
// so untrusted JSON (API answers, plan files) cannot exhaust the stack.
// Errors: none (a position or nothing). Threads: pure. Ownership: views only.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace respec {

// The byte offset where `text` first nests deeper than `limit` levels of [
// and { outside strings, if it does.
std::optional<size_t> DeeperThan(std::string_view text, int limit);

}  // namespace respec
