#pragma once
namespace respec {
inline constexpr const char* kVersion = RESPEC_VERSION;
}  // namespace respec
