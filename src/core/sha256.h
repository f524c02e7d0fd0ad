// Sha256Hex: lower-case hex SHA-256 of some bytes — plan ids, plan digests,
// the spec's hash, V3 signature payload hashes. One implementation (OpenSSL).
// Threads: pure function.
#pragma once

#include <string>
#include <string_view>

namespace respec {

std::string Sha256Hex(std::string_view bytes);

}  // namespace respec
