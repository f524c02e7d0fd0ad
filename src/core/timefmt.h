// RFC 3339 / ISO 8601 time text. ParseUtcTime and the formatters use the forms the ECS API uses:
// "yyyy-MM-ddTHH:mmZ" (ExpiredTime, RebootTime, EndTime) and
// "yyyy-MM-ddTHH:mm:ssZ" (Timestamp). Parsing never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace respec {

// Accepts exactly "YYYY-MM-DDTHH:MMZ" or "YYYY-MM-DDTHH:MM:SSZ" with valid
// calendar values; anything else (offsets, lowercase z, fractions) is nullopt.
std::optional<TimePoint> ParseUtcTime(std::string_view s);
// RFC 3339 as a person writes it, for every time respec reads from a user
// (fleet spec, flags): "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or an offset
// "+08:00" / "-05:30" (T and Z in either case). Seconds are optional (the
// API's own minute form is accepted); fractions are not. Returns UTC.
std::optional<TimePoint> ParseRfc3339(std::string_view s);
std::string FormatUtcMinutes(TimePoint t);  // 2026-01-01T00:00Z
std::string FormatUtcSeconds(TimePoint t);  // 2026-01-01T00:00:00Z

}  // namespace respec
