#include "core/timefmt.h"

#include <fmt/format.h>

namespace respec {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<TimePoint> ParseUtcTime(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h, mi, sec = 0;
  if (s.size() != 17 && s.size() != 20) return std::nullopt;
  if (!Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &mo) || s[7] != '-' ||
      !Digits(s, 8, 2, &d) || s[10] != 'T' || !Digits(s, 11, 2, &h) || s[13] != ':' ||
      !Digits(s, 14, 2, &mi))
    return std::nullopt;
  if (s.size() == 20) {
    if (s[16] != ':' || !Digits(s, 17, 2, &sec) || s[19] != 'Z') return std::nullopt;
  } else if (s[16] != 'Z') {
    return std::nullopt;
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec};
}

std::optional<TimePoint> ParseRfc3339(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h, mi, sec = 0;
  if (s.size() < 17 || !Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &mo) || s[7] != '-' ||
      !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !Digits(s, 11, 2, &h) || s[13] != ':' ||
      !Digits(s, 14, 2, &mi))
    return std::nullopt;
  size_t pos = 16;
  if (s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &sec)) return std::nullopt;
    pos += 3;
  }
  std::string_view zone = s.substr(pos);
  int offset_min = 0;
  if (zone != "Z" && zone != "z") {
    int oh, om;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !Digits(zone, 1, 2, &oh) || zone[3] != ':' ||
        !Digits(zone, 4, 2, &om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_min = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_min};
}

static std::string Format(TimePoint t, bool with_seconds) {
  using namespace std::chrono;
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  auto tod = floor<seconds>(t - day_point);
  long s = tod.count();
  if (with_seconds)
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", int(ymd.year()), unsigned(ymd.month()),
                       unsigned(ymd.day()), s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}Z", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()), s / 3600, (s / 60) % 60);
}

std::string FormatUtcMinutes(TimePoint t) { return Format(t, false); }
std::string FormatUtcSeconds(TimePoint t) { return Format(t, true); }

}  // namespace respec
