// Credentials without the network: environment first, then the aliyun CLI's
// config.json; errors name files and fields, never values. (The links that
// call STS, the metadata service or a URI are tested end to end in
// tests/e2e/identity_e2e_test.cc.) The metadata link is always disabled
// here: unit tests never leave loopback.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include <sys/stat.h>

#include "config/credentials_loader.h"
#include "support/temp_dir.h"

namespace respec {
namespace {

namespace fs = std::filesystem;

// A fixed environment with the metadata link off (never 100.100.100.200).
EnvLookup Env(std::map<std::string, std::string> vars) {
  vars["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true";
  return FixedEnvironment(std::move(vars));
}

struct Home : testing::TempDir {
  Home() : TempDir("respec-home") {}
  std::string WriteAliyun(const std::string& text, mode_t mode = 0600) const {
    return Write(".aliyun/config.json", text, mode);
  }
};

const char* kAliyun = R"({
  "current": "dev",
  "profiles": [
    {"name": "dev", "mode": "AK", "access_key_id": "LTAIdevdevdev1234", "access_key_secret": "dev-secret-value"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.abcdefgh5678", "access_key_secret": "sts-secret-value",
     "sts_token": "sts-token-value"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y"},
    {"name": "broken", "mode": "AK", "access_key_id": "LTAIbroken", "access_key_secret": 42}
  ]
})";

std::string AllText(const CredentialsResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e + "\n";
  for (const auto& w : r.warnings) s += w + "\n";
  return s;
}

TEST_CASE("environment variables come first") {
  Home home;
  home.WriteAliyun(kAliyun);
  CredentialSources src;
  src.home_dir = home.path.string();
  src.env = Env({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenvenvenv9999"},
                 {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"},
                 {"ALIBABA_CLOUD_SECURITY_TOKEN", "env-token"}});
  auto r = LoadCredentials(src);
  REQUIRE(r.ok());
  CHECK(r.credentials.access_key_id == "LTAIenvenvenv9999");
  CHECK(r.credentials.access_key_secret == "env-secret");
  CHECK(r.credentials.security_token == "env-token");
  CHECK(r.credentials.source == "environment");
  CHECK(r.credentials.Redacted() == "LTAI****9999 +STS (environment)");

  // Half an AccessKey is reported, and the chain goes on (as the official
  // libraries do) to config.json.
  src.env = Env({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenvenvenv9999"}});
  r = LoadCredentials(src);
  REQUIRE(r.ok());
  CHECK(r.provider_name == "~/.aliyun/config.json profile dev (AK)");
  CHECK(r.warnings == std::vector<std::string>{"skipped environment AccessKey: ALIBABA_CLOUD_ACCESS_KEY_ID is set but "
                                               "ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"});
}

TEST_CASE("the aliyun CLI's current profile, a named one, ALIBABA_CLOUD_PROFILE") {
  Home home;
  home.WriteAliyun(kAliyun);
  CredentialSources src;
  src.env = Env({{"HOME", home.path.string()}});
  auto r = LoadCredentials(src);
  REQUIRE(r.ok());
  CHECK(r.credentials.access_key_id == "LTAIdevdevdev1234");
  CHECK(r.credentials.access_key_secret == "dev-secret-value");
  CHECK(r.credentials.security_token.empty());
  CHECK(r.credentials.source == "~/.aliyun/config.json profile dev (AK)");
  CHECK(r.warnings.empty());

  src.aliyun_profile = "sts";
  r = LoadCredentials(src);
  REQUIRE(r.ok());
  CHECK(r.credentials.security_token == "sts-token-value");

  src.aliyun_profile = "";
  src.env = Env({{"HOME", home.path.string()}, {"ALIBABA_CLOUD_PROFILE", "sts"}});
  r = LoadCredentials(src);
  REQUIRE(r.ok());
  CHECK(r.credentials.source == "~/.aliyun/config.json profile sts (StsToken)");
}

TEST_CASE("config.json problems name the file and field, never a value") {
  Home home;
  std::string path = home.WriteAliyun(kAliyun, 0644);
  CredentialSources src;
  src.home_dir = home.path.string();
  src.env = Env({});

  auto r = LoadCredentials(src);
  CHECK(r.ok());
  CHECK(r.warnings == std::vector<std::string>{path + " holds secrets and is readable by group or others (mode 0644); chmod 600 it"});

  src.aliyun_profile = "role";
  r = LoadCredentials(src);
  CHECK_FALSE(r.ok());
  CHECK(r.errors.at(0).find(path + ": profile \"role\": field ram_role_arn is empty (mode RamRoleArn)") !=
        std::string::npos);

  src.aliyun_profile = "broken";
  r = LoadCredentials(src);
  CHECK_FALSE(r.ok());
  CHECK(r.errors.at(0).find(path + ": profile \"broken\": field access_key_secret must be a string") != std::string::npos);
  CHECK(r.credentials.access_key_id.empty());

  src.aliyun_profile = "nosuch";
  r = LoadCredentials(src);
  CHECK(r.errors.at(0).find(path + ": no profile named \"nosuch\" (profiles: dev, sts, role, broken)") != std::string::npos);

  home.WriteAliyun("{\"profiles\": [{\"name\": \"dev\", \"access_key_secret\": \"half-written-secr");
  src.aliyun_profile = "";
  r = LoadCredentials(src);
  CHECK(r.errors.at(0).find(path + ": not valid JSON (an object with \"profiles\" expected)") != std::string::npos);

  for (const char* secret : {"dev-secret-value", "sts-secret-value", "sts-token-value", "half-written-secr"})
    CHECK(AllText(r).find(secret) == std::string::npos);
}

TEST_CASE("no credentials anywhere") {
  Home home;
  CredentialSources src;
  src.home_dir = home.path.string();
  src.env = Env({});
  auto r = LoadCredentials(src);
  CHECK_FALSE(r.ok());
  const std::string& m = r.errors.at(0);
  CHECK(m.rfind("no credentials: nothing in Alibaba Cloud's default chain supplied them; tried, in order:", 0) == 0);
  CHECK(m.find("3. aliyun CLI profile (~/.aliyun/config.json): " + (home.path / ".aliyun/config.json").string() +
               " does not exist") != std::string::npos);
  CHECK(m.find("5. ECS instance RAM role (metadata service): ALIBABA_CLOUD_ECS_METADATA_DISABLED is true") !=
        std::string::npos);
  CHECK(r.tried.size() == 6);
}

}  // namespace
}  // namespace respec
