// respec.toml: where it is found, profiles, and the exact messages for
// mistakes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include "config/config.h"
#include "support/temp_dir.h"

namespace respec {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

std::vector<std::string> Messages(const std::string& text, const std::string& profile = "", Profile* out = nullptr,
                                  bool* ok = nullptr) {
  Profile p;
  std::vector<Diagnostic> diags;
  bool r = LoadProfileFromString(text, "respec.toml", profile, &p, &diags);
  if (out) *out = p;
  if (ok) *ok = r;
  std::vector<std::string> m;
  for (const auto& d : diags) m.push_back(d.ToString());
  return m;
}

const char* kFull = R"(
[profiles.default]
region = "cn-hangzhou"

[profiles.prod]
region = "cn-shanghai"
endpoint = "http://127.0.0.1:8470"
signature = "v1"
credentialsProfile = "prod-ak"
stateDir = "/var/lib/respec"
connectTimeoutMs = 1000
requestTimeoutMs = 9000
httpConcurrency = 4

[profiles.prod.retry]
maxAttempts = 3
baseDelayMs = 100
maxDelayMs = 1000
deadlineMs = 60000
lastOrderDelayMs = 2000
lastOrderMaxAttempts = 5

[profiles.prod.rate]
defaultQps = 7.5
adaptive = false

[profiles.prod.rate.actions]
DescribeInstances = 40
ModifyPrepayInstanceSpec = 2
)";

TEST_CASE("a named profile is read field by field") {
  Profile p;
  bool ok = false;
  auto m = Messages(kFull, "prod", &p, &ok);
  CHECK(m.empty());
  REQUIRE(ok);
  CHECK(p.name == "prod");
  CHECK(p.region == "cn-shanghai");
  CHECK(p.endpoint == "http://127.0.0.1:8470");
  CHECK(p.signature == "v1");
  CHECK(p.credentials_profile == "prod-ak");
  CHECK(p.state_dir == "/var/lib/respec");
  CHECK(p.connect_timeout_ms == 1000);
  CHECK(p.request_timeout_ms == 9000);
  CHECK(p.http_concurrency == 4);
  CHECK(p.retry.max_attempts == 3);
  CHECK(p.retry.base_delay_ms == 100);
  CHECK(p.retry.max_delay_ms == 1000);
  CHECK(p.retry.deadline_ms == 60000);
  CHECK(p.retry.last_order_delay_ms == 2000);
  CHECK(p.retry.last_order_max_attempts == 5);
  CHECK(p.rate.default_qps == 7.5);
  CHECK_FALSE(p.rate.adaptive);
  CHECK(p.rate.action_qps == std::map<std::string, double>{{"DescribeInstances", 40}, {"ModifyPrepayInstanceSpec", 2}});
}

TEST_CASE("the default profile; defaults for everything not set") {
  Profile p;
  bool ok = false;
  CHECK(Messages(kFull, "", &p, &ok).empty());
  CHECK(ok);
  CHECK(p.name == "default");
  CHECK(p.region == "cn-hangzhou");
  CHECK(p.signature == "v3");
  CHECK(p.retry.max_attempts == RetrySettings{}.max_attempts);
  // No [profiles.default] at all is fine too.
  CHECK(Messages("[profiles.prod]\nregion = \"cn-beijing\"\n", "", &p, &ok).empty());
  CHECK(ok);
  CHECK(p.region.empty());
}

TEST_CASE("a profile asked for by name must exist") {
  bool ok = true;
  auto m = Messages(kFull, "staging", nullptr, &ok);
  CHECK_FALSE(ok);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "respec.toml: profile \"staging\" not found; profiles here: default, prod");
}

TEST_CASE("mistakes: syntax, unknown keys, types, ranges") {
  auto m = Messages("[profiles.default\nregion = 1\n");
  REQUIRE(m.size() == 1);
  CHECK(m[0].rfind("respec.toml:1:", 0) == 0);
  CHECK(m[0].find("TOML syntax error: ") != std::string::npos);

  m = Messages("[profiles.default]\nregoin = \"cn-hangzhou\"\nhttpConcurrency = \"8\"\nconnectTimeoutMs = 0\n"
               "signature = \"v2\"\nendpoint = \"127.0.0.1:8470\"\n[profiles.default.retry]\nmaxAttempt = 3\n"
               "baseDelayMs = 500\nmaxDelayMs = 100\n[profiles.default.rate.actions]\ndescribe = 3\nDescribeInstances = -1\n"
               "[profile.x]\n");
  std::vector<std::string> want = {
      "respec.toml:2:1: profiles.default.regoin: unknown key \"regoin\"; did you mean \"region\"?",
      "respec.toml:3:19: profiles.default.httpConcurrency: expected an integer, got a string",
      "respec.toml:4:20: profiles.default.connectTimeoutMs: 0 is out of range (1 to 600000)",
      "respec.toml:5:13: profiles.default.signature: must be v3 or v1, got \"v2\"",
      "respec.toml:6:12: profiles.default.endpoint: must start with http:// or https://",
      "respec.toml:8:1: profiles.default.retry.maxAttempt: unknown key \"maxAttempt\"; did you mean \"maxAttempts\"?",
      "respec.toml:10:14: profiles.default.retry.maxDelayMs (100) must not be below baseDelayMs (500)",
      "respec.toml:12:1: profiles.default.rate.actions.describe: \"describe\" is not an ECS action name (like DescribeInstances)",
      "respec.toml:13:21: profiles.default.rate.actions.DescribeInstances: -1 is out of range (0.01 to 10000)",
      "respec.toml:14:2: profile: unknown key \"profile\"; did you mean \"profiles\"?",
  };
  CHECK(m == want);
}

TEST_CASE("a secret in respec.toml is refused without echoing it") {
  auto m = Messages("[profiles.default]\naccessKeySecret = \"s3cr3t-value\"\n");
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "respec.toml:2:1: profiles.default.accessKeySecret: respec never reads secrets from its config file; "
                "use the ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables or "
                "~/.aliyun/config.json");
  CHECK(m[0].find("s3cr3t") == std::string::npos);
}

TEST_CASE("files: search order, explicit path, group-readable secrets") {
  TempDir dir;
  auto env = FixedEnvironment({{"HOME", (dir.path / "home").string()}});
  ConfigRequest req;
  req.working_dir = (dir.path / "work").string();
  req.env = env;
  Profile p;
  std::string used;
  std::vector<Diagnostic> diags;
  // Nothing anywhere: defaults.
  CHECK(LoadProfile(req, &p, &used, &diags));
  CHECK(used.empty());
  CHECK(diags.empty());
  // ~/.config/respec/config.toml, then ./respec.toml wins over it.
  std::string home_cfg = dir.Write("home/.config/respec/config.toml", "[profiles.default]\nregion = \"cn-beijing\"\n");
  CHECK(LoadProfile(req, &p, &used, &diags));
  CHECK(used == home_cfg);
  CHECK(p.region == "cn-beijing");
  std::string xdg_cfg = dir.Write("xdg/respec/config.toml", "[profiles.default]\nregion = \"cn-qingdao\"\n");
  req.env = FixedEnvironment({{"HOME", (dir.path / "home").string()}, {"XDG_CONFIG_HOME", (dir.path / "xdg").string()}});
  CHECK(LoadProfile(req, &p, &used, &diags));
  CHECK(used == xdg_cfg);
  CHECK(p.region == "cn-qingdao");
  std::string local = dir.Write("work/respec.toml", "[profiles.default]\nregion = \"cn-shenzhen\"\n");
  CHECK(LoadProfile(req, &p, &used, &diags));
  CHECK(used == local);
  CHECK(p.region == "cn-shenzhen");
  CHECK(diags.empty());

  req.profile = "prod";
  CHECK_FALSE(LoadProfile(req, &p, &used, &diags));
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].ToString() == local + ": profile \"prod\" not found; profiles here: default");

  diags.clear();
  req.profile = "";
  req.explicit_path = (dir.path / "missing.toml").string();
  CHECK_FALSE(LoadProfile(req, &p, &used, &diags));
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].ToString() == req.explicit_path + ": cannot open: No such file or directory");

  diags.clear();
  req.explicit_path = dir.Write("leaky.toml", "[profiles.default]\nsecurityToken = \"tok\"\n", 0644);
  CHECK_FALSE(LoadProfile(req, &p, &used, &diags));
  REQUIRE(diags.size() == 2);
  CHECK(diags[1].warning);
  CHECK(diags[1].ToString() == req.explicit_path + ": warning: this file holds a secret (profiles.default.securityToken) "
                               "and is readable by group or others (mode 0644); remove the secret and chmod 600 the file");
  // Mode 0600: the secret is still refused, but there is no warning.
  diags.clear();
  chmod(req.explicit_path.c_str(), 0600);
  CHECK_FALSE(LoadProfile(req, &p, &used, &diags));
  CHECK(diags.size() == 1);
}

}  // namespace
}  // namespace respec

namespace respec {
namespace {

TEST_CASE("examples/respec.toml is valid, every profile of it") {
  const char* src = std::getenv("RESPEC_SOURCE_DIR");
  std::string path = std::string(src ? src : RESPEC_SOURCE_DIR) + "/examples/respec.toml";
  for (const char* name : {"", "emulator", "prod"}) {
    ConfigRequest req;
    req.explicit_path = path;
    req.profile = name;
    req.env = FixedEnvironment({});
    Profile p;
    std::string used;
    std::vector<Diagnostic> diags;
    INFO(name);
    CHECK(LoadProfile(req, &p, &used, &diags));
    for (const auto& d : diags) FAIL_CHECK(d.ToString());
    CHECK(used == path);
    CHECK_FALSE(p.region.empty());
  }
}

}  // namespace
}  // namespace respec
