#include <catch2/catch.hpp>

#include "core/clock.h"
#include "core/timefmt.h"

using namespace respec;

TEST_CASE("ParseUtcTime accepts the API's two UTC forms") {
  auto a = ParseUtcTime("2018-01-01T12:05Z");
  REQUIRE(a);
  CHECK(FormatUtcMinutes(*a) == "2018-01-01T12:05Z");
  auto b = ParseUtcTime("2026-02-28T23:59:59Z");
  REQUIRE(b);
  CHECK(FormatUtcSeconds(*b) == "2026-02-28T23:59:59Z");
}

TEST_CASE("ParseUtcTime rejects everything else") {
  for (const char* bad : {"", "2018-01-01", "2018-01-01T12:05", "2018-01-01T12:05+08:00",
                          "2018-01-01t12:05z", "2018-02-30T12:05Z", "2018-01-01T24:00Z",
                          "2018-01-01T12:60Z", "2018-01-01T12:05:60Z", "2018-1-01T12:05Z",
                          "2018-01-01T12:05:00.000Z"}) {
    INFO(bad);
    CHECK_FALSE(ParseUtcTime(bad));
  }
}

TEST_CASE("VirtualClock moves only when told") {
  VirtualClock c;
  auto t0 = c.Now();
  CHECK(FormatUtcSeconds(t0) == "2026-01-01T00:00:00Z");
  c.SleepFor(Millis(1500));
  CHECK(c.Now() - t0 == Millis(1500));
  c.Advance(Millis(500));
  CHECK(FormatUtcSeconds(c.Now()) == "2026-01-01T00:00:02Z");
}

TEST_CASE("ParseRfc3339 reads offsets, optional seconds, and returns UTC") {
  auto utc = ParseUtcTime("2026-12-01T02:00Z");
  REQUIRE(utc);
  CHECK(ParseRfc3339("2026-12-01T02:00Z") == utc);
  CHECK(ParseRfc3339("2026-12-01T02:00:00Z") == utc);
  CHECK(ParseRfc3339("2026-12-01T10:00+08:00") == utc);
  CHECK(ParseRfc3339("2026-12-01t10:00:00+08:00") == utc);
  CHECK(ParseRfc3339("2026-11-30T21:00-05:00") == utc);
  CHECK(ParseRfc3339("2026-12-01T07:30+05:30") == utc);
  CHECK(ParseRfc3339("2026-12-01T02:00z") == utc);
  CHECK(FormatUtcMinutes(*ParseRfc3339("2027-01-01T00:00+08:00")) == "2026-12-31T16:00Z");
  for (const char* bad : {"", "2026-12-01T10:00+8:00", "2026-12-01T10:00+0800", "2026-12-01T10:00",
                          "2026-12-01T10:00+24:00", "2026-12-01T10:00+08:60", "2026-12-01 10:00Z",
                          "2026-12-01T10:00:00.5Z", "2026-02-30T10:00Z", "2026-12-01T10:00+08:00x"}) {
    INFO(bad);
    CHECK_FALSE(ParseRfc3339(bad));
  }
}
