// RefreshingProvider: refreshes ahead of expiry, never hands out expired
// credentials, survives a failed early refresh, refetches after Invalidate,
// and fetches once when many threads ask at the same time. VirtualClock only.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "cloud/credentials.h"

using namespace respec;
using std::chrono::seconds;

namespace {

struct Fetcher {
  VirtualClock* clock;
  seconds lifetime{60};
  std::atomic<int> calls{0};
  bool fail = false;
  bool already_expired = false;

  StatusOr<Credentials> operator()() {
    int n = ++calls;
    if (fail) return Status::IOError("sts unreachable");
    Credentials c;
    c.access_key_id = "STS.key" + std::to_string(n);
    c.access_key_secret = "secret" + std::to_string(n);
    c.security_token = "token" + std::to_string(n);
    c.expiration = clock->Now() + (already_expired ? seconds(0) : lifetime);
    return c;
  }
};

}  // namespace

TEST_CASE("RefreshingProvider refreshes a third of the lifetime ahead of expiry") {
  VirtualClock clock;
  Fetcher f{&clock};
  RefreshingProvider p("test", [&] { return f(); }, &clock);
  REQUIRE(p.Get().ok());
  CHECK(p.Get().value().access_key_id == "STS.key1");
  clock.Advance(Millis(39'000));  // 21 s left: more than a third (20 s)
  CHECK(p.Get().value().access_key_id == "STS.key1");
  clock.Advance(Millis(1'000));   // 20 s left: refresh now
  CHECK(p.Get().value().access_key_id == "STS.key2");
  CHECK(f.calls == 2);
  // Long lifetimes refresh at most 3 minutes ahead.
  f.lifetime = seconds(3600);
  p.Invalidate();
  CHECK(p.Get().value().access_key_id == "STS.key3");
  clock.Advance(Millis((3600 - 181) * 1000));
  CHECK(p.Get().value().access_key_id == "STS.key3");
  clock.Advance(Millis(1000));
  CHECK(p.Get().value().access_key_id == "STS.key4");
}

TEST_CASE("RefreshingProvider never hands out expired credentials") {
  VirtualClock clock;
  Fetcher f{&clock};
  f.already_expired = true;
  RefreshingProvider p("OIDC role (environment)", [&] { return f(); }, &clock);
  auto got = p.Get();
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().message().find("OIDC role (environment)") != std::string::npos);
  CHECK(got.status().message().find("expired") != std::string::npos);
}

TEST_CASE("RefreshingProvider keeps valid credentials when an early refresh fails, not after expiry") {
  VirtualClock clock;
  Fetcher f{&clock};
  RefreshingProvider p("test", [&] { return f(); }, &clock);
  REQUIRE(p.Get().ok());
  f.fail = true;
  clock.Advance(Millis(50'000));  // inside the refresh window, still valid
  auto got = p.Get();
  REQUIRE(got.ok());
  CHECK(got.value().access_key_id == "STS.key1");
  clock.Advance(Millis(10'000));  // expired now
  got = p.Get();
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().message() == "sts unreachable");
  f.fail = false;
  got = p.Get();
  REQUIRE(got.ok());
  CHECK(got.value().access_key_id == "STS.key4");
}

TEST_CASE("RefreshingProvider: Invalidate forces a fetch; concurrent callers share one fetch") {
  VirtualClock clock;
  Fetcher f{&clock};
  RefreshingProvider p("test", [&] { return f(); }, &clock);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 100; ++k)
        if (p.Get().ok()) ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 800);
  CHECK(f.calls == 1);
  p.Invalidate();
  CHECK(p.Get().value().access_key_id == "STS.key2");
  CHECK(p.fetches() == 2);
}

TEST_CASE("Credentials::Redacted shows neither the secret nor the token") {
  Credentials c;
  c.access_key_id = "STS.NTabcdefghijkl";
  c.access_key_secret = "the-secret-value";
  c.security_token = "CAIStokenvalue";
  c.source = "OIDC role (environment)";
  std::string r = c.Redacted();
  CHECK(r == "STS.****ijkl +STS (OIDC role (environment))");
  CHECK(r.find("the-secret") == std::string::npos);
  CHECK(r.find("CAIS") == std::string::npos);
}
