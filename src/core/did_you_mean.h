// "did you mean" suggestions for misspelt keys and names. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace respec {

// Levenshtein distance, case-insensitive; inputs longer than 256 bytes
// compare as far apart (a key that long is no typo).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo
// (distance <= max(1, len/3)), else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace respec
