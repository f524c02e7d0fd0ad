// Every link of the default credential chain end to end against the
// emulator's STS and metadata doors over HTTP, the precedence between them,
// the message when none applies, STS refusals with the real codes, refresh
// of short-lived credentials during a run, and the retry after
// InvalidSecurityToken.Expired.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "config/credentials_loader.h"
#include "ecs/ecs_cloud.h"
#include "identity_fixture.h"

using namespace respec;
using namespace respec::identity_test;

namespace {

CredentialsResult Load(const IdentityEmulator& emu, std::map<std::string, std::string> env,
                       std::string aliyun_profile = "") {
  CredentialSources src;
  src.env = FixedEnvironment(std::move(env));
  src.home_dir = emu.home.string();
  src.aliyun_profile = std::move(aliyun_profile);
  src.transport.total_timeout = Millis(5000);
  return LoadCredentials(src);
}

std::unique_ptr<ecs::EcsCloud> ClientFor(const IdentityEmulator& emu, std::shared_ptr<CredentialsProvider> p,
                                         Clock* clock) {
  ecs::EcsOptions o;
  o.endpoint = emu.url();
  std::string error, warning;
  auto cloud = ecs::EcsCloud::Create(std::move(p), o, clock, &error, &warning);
  REQUIRE(cloud);
  return cloud;
}

Result<DescribeInstancesPage> ListHangzhou(ecs::EcsCloud& cloud) {
  DescribeInstancesRequest req;
  req.region = "cn-hangzhou";
  return cloud.DescribeInstances(req);
}

// The provider signs a real ECS call the emulator accepts.
void CheckWorks(const IdentityEmulator& emu, const CredentialsResult& r) {
  INFO((r.errors.empty() ? r.provider_name : r.errors.front()));
  REQUIRE(r.ok());
  SystemClock clock;
  auto cloud = ClientFor(emu, r.provider, &clock);
  auto page = ListHangzhou(*cloud);
  INFO((page.ok() ? "" : page.error().code + ": " + page.error().message));
  CHECK(page.ok());
}

std::string ConfigJson(const std::string& current, const std::string& profiles) {
  return "{\"current\":\"" + current + "\",\"profiles\":[" + profiles + "]}";
}

std::string AkProfile(const std::string& name) {
  return std::string("{\"name\":\"") + name + "\",\"mode\":\"AK\",\"access_key_id\":\"" + kKeyId +
         "\",\"access_key_secret\":\"" + kSecret + "\"}";
}

}  // namespace

TEST_CASE("chain: environment AccessKey") {
  IdentityEmulator emu;
  auto env = emu.BaseEnv();
  env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = kKeyId;
  env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = kSecret;
  auto r = Load(emu, env);
  CHECK(r.provider_name == "environment AccessKey");
  CHECK_FALSE(r.credentials.expiration);
  CheckWorks(emu, r);
}

TEST_CASE("chain: OIDC role from the environment; the token file is read again at refresh") {
  IdentityEmulator emu;
  auto env = emu.BaseEnv();
  env["ALIBABA_CLOUD_ROLE_ARN"] = kDeployer;
  env["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = kOidcProvider;
  env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = emu.WriteFile("token", Jwt(600) + "\n");
  env["ALIBABA_CLOUD_ROLE_SESSION_NAME"] = "ci-run-42";
  auto r = Load(emu, env);
  CHECK(r.provider_name == "OIDC role (environment)");
  CHECK(r.credentials.role == std::string(kDeployer) + "/ci-run-42");
  CHECK(r.credentials.access_key_id.rfind("STS.", 0) == 0);
  CHECK_FALSE(r.credentials.security_token.empty());
  REQUIRE(r.credentials.expiration);
  CheckWorks(emu, r);
  // The CI system rewrites the file with an expired token: the next fetch
  // reads it and STS refuses with the real code.
  emu.WriteFile("token", Jwt(-10));
  r.provider->Invalidate();
  auto again = r.provider->Get();
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().message().find("AuthenticationFail.OIDCToken.Expired") != std::string::npos);
  CHECK(again.status().message().find("eyJ") == std::string::npos);  // no token in the message
}

TEST_CASE("chain: OIDC refusals carry STS's codes and fall through with a warning") {
  IdentityEmulator emu;
  auto env = emu.BaseEnv();
  env["ALIBABA_CLOUD_ROLE_ARN"] = kChained;  // trusts no OIDC provider
  env["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = kOidcProvider;
  env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = emu.WriteFile("token", Jwt(600));
  auto r = Load(emu, env);
  REQUIRE_FALSE(r.ok());
  CHECK(r.errors.at(0).find("AuthenticationFail.NoPermission") != std::string::npos);
  env["ALIBABA_CLOUD_ROLE_ARN"] = kDeployer;
  env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = emu.WriteFile("token", Jwt(600, "someone-else"));
  r = Load(emu, env);
  CHECK(r.errors.at(0).find("AuthenticationFail.OIDCToken.AudienceNotMatch") != std::string::npos);
  env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = emu.WriteFile("token", Jwt(600, "sts.aliyuncs.com", "https://evil"));
  r = Load(emu, env);
  CHECK(r.errors.at(0).find("AuthenticationFail.OIDCToken.IssuerNotMatch") != std::string::npos);
  env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = emu.WriteFile("token", "not-a-jwt");
  r = Load(emu, env);
  CHECK(r.errors.at(0).find("AuthenticationFail.OIDCToken.Invalid") != std::string::npos);
  // A failed link does not hide a later one: config.json still supplies them.
  emu.WriteFile(".aliyun/config.json", ConfigJson("default", AkProfile("default")));
  r = Load(emu, env);
  CHECK(r.ok());
  CHECK(r.provider_name == "~/.aliyun/config.json profile default (AK)");
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("skipped OIDC role (environment)") != std::string::npos);
}

TEST_CASE("chain: every unattended mode of ~/.aliyun/config.json") {
  IdentityEmulator emu;
  std::string token_file = emu.WriteFile("token", Jwt(600));
  std::string profiles =
      AkProfile("ak") + "," +
      "{\"name\":\"role\",\"mode\":\"RamRoleArn\",\"access_key_id\":\"" + kKeyId +
      "\",\"access_key_secret\":\"" + kSecret + "\",\"ram_role_arn\":\"" + kDeployer +
      "\",\"ram_session_name\":\"cli\",\"expired_seconds\":900}," +
      "{\"name\":\"chain\",\"mode\":\"ChainableRamRoleArn\",\"source_profile\":\"role\",\"ram_role_arn\":\"" +
      kChained + "\"}," +
      "{\"name\":\"ecs\",\"mode\":\"EcsRamRole\",\"ram_role_name\":\"respec-runner\"}," +
      "{\"name\":\"oidc\",\"mode\":\"OIDC\",\"oidc_provider_arn\":\"" + kOidcProvider +
      "\",\"oidc_token_file\":\"" + token_file + "\",\"ram_role_arn\":\"" + kDeployer + "\"}," +
      "{\"name\":\"uri\",\"mode\":\"CredentialsURI\",\"credentials_uri\":\"" + emu.uri_url() + "\"}," +
      "{\"name\":\"sso\",\"mode\":\"CloudSSO\"}";
  emu.WriteFile(".aliyun/config.json", ConfigJson("ak", profiles));
  struct Case { std::string profile, name, role; };
  for (const Case& c : std::vector<Case>{
           {"", "~/.aliyun/config.json profile ak (AK)", ""},
           {"role", "~/.aliyun/config.json profile role (RamRoleArn)", std::string(kDeployer) + "/cli"},
           {"chain", "~/.aliyun/config.json profile chain (ChainableRamRoleArn) from ~/.aliyun/config.json profile role (RamRoleArn)", kChained},
           {"ecs", "~/.aliyun/config.json profile ecs (EcsRamRole)", "respec-runner"},
           {"oidc", "~/.aliyun/config.json profile oidc (OIDC)", kDeployer},
           {"uri", "~/.aliyun/config.json profile uri (CredentialsURI)", ""}}) {
    INFO(c.profile);
    auto r = Load(emu, emu.BaseEnv(), c.profile);
    CHECK(r.provider_name == c.name);
    if (!c.role.empty()) CHECK(r.credentials.role.rfind(c.role, 0) == 0);
    CheckWorks(emu, r);
  }
  // ALIBABA_CLOUD_PROFILE picks one too; an interactive mode is refused by name.
  auto env = emu.BaseEnv();
  env["ALIBABA_CLOUD_PROFILE"] = "sso";
  auto r = Load(emu, env);
  REQUIRE_FALSE(r.ok());
  CHECK(r.errors.at(0).find("mode CloudSSO is not supported by respec") != std::string::npos);
  CHECK(emu.uri_requests == 1);
}

TEST_CASE("chain: ~/.alibabacloud/credentials, the metadata service (hardened), the credentials URI") {
  IdentityEmulator emu;
  emu.WriteFile(".alibabacloud/credentials",
                std::string("[default]\ntype = access_key\naccess_key_id = ") + kKeyId +
                    "\naccess_key_secret = " + kSecret + "\n\n[deploy]\ntype = ram_role_arn\naccess_key_id = " +
                    kKeyId + "\naccess_key_secret = " + kSecret + "\nrole_arn = " + kDeployer +
                    "\nrole_session_name = ini\n\n[runner]\ntype = ecs_ram_role\nrole_name = respec-runner\n");
  const std::string file = (emu.home / ".alibabacloud/credentials").string();
  auto r = Load(emu, emu.BaseEnv());
  CHECK(r.provider_name == file + " [default] (access_key)");
  CheckWorks(emu, r);
  auto env = emu.BaseEnv();
  env["ALIBABA_CLOUD_PROFILE"] = "deploy";
  r = Load(emu, env);
  CHECK(r.provider_name == file + " [deploy] (ram_role_arn)");
  CHECK(r.credentials.role == std::string(kDeployer) + "/ini");
  CheckWorks(emu, r);
  env["ALIBABA_CLOUD_PROFILE"] = "runner";
  r = Load(emu, env);
  CHECK(r.provider_name == file + " [runner] (ecs_ram_role)");
  CheckWorks(emu, r);

  std::filesystem::remove(file);
  env = emu.BaseEnv(/*metadata_on=*/true);
  env["ALIBABA_CLOUD_CREDENTIALS_URI"] = emu.uri_url();
  r = Load(emu, env);
  CHECK(r.provider_name == "ECS instance RAM role (metadata service)");
  CHECK(r.credentials.role == "respec-runner");
  CheckWorks(emu, r);
  CHECK(emu.metadata->requests() >= 3);  // token, role name, credentials

  env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true";
  r = Load(emu, env);
  CHECK(r.provider_name == "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI)");
  CheckWorks(emu, r);
}

TEST_CASE("metadata door: hardened mode refuses a request without the session token") {
  IdentityEmulator emu;
  ecs::HttpTransport t(ecs::TransportOptions{});
  ecs::HttpRequest req;
  req.method = "GET";
  req.url = emu.metadata_url() + "/latest/meta-data/ram/security-credentials/respec-runner";
  auto r = t.Send(req, ecs::CallInfo{"metadata", "", ""});
  REQUIRE(r.ok());
  CHECK(r.value().http_status == 401);
  // IMDSv1 fallback off: the provider reports the refusal instead of guessing.
  auto env = emu.BaseEnv(true);
  env["ALIBABA_CLOUD_ECS_METADATA"] = "no-such-role";
  auto loaded = Load(emu, env);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.errors.at(0).find("answered HTTP 404") != std::string::npos);
}

TEST_CASE("chain precedence, explicit role assumption, and the message when nothing applies") {
  IdentityEmulator emu;
  auto env = emu.BaseEnv(true);
  env["ALIBABA_CLOUD_CREDENTIALS_URI"] = emu.uri_url();
  emu.WriteFile(".alibabacloud/credentials", std::string("[default]\ntype = access_key\naccess_key_id = ") +
                                                 kKeyId + "\naccess_key_secret = " + kSecret + "\n");
  CHECK(Load(emu, env).provider_name.find(".alibabacloud/credentials [default]") != std::string::npos);
  emu.WriteFile(".aliyun/config.json", ConfigJson("default", AkProfile("default")));
  CHECK(Load(emu, env).provider_name == "~/.aliyun/config.json profile default (AK)");
  env["ALIBABA_CLOUD_ROLE_ARN"] = kDeployer;
  env["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = kOidcProvider;
  env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = emu.WriteFile("token", Jwt(600));
  CHECK(Load(emu, env).provider_name == "OIDC role (environment)");
  env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = kKeyId;
  env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = kSecret;
  CHECK(Load(emu, env).provider_name == "environment AccessKey");
  // A role ARN without the OIDC variables: assume it with what was found.
  env.erase("ALIBABA_CLOUD_OIDC_PROVIDER_ARN");
  env.erase("ALIBABA_CLOUD_OIDC_TOKEN_FILE");
  env["ALIBABA_CLOUD_ROLE_EXTERNAL_ID"] = "ext-1";
  auto r = Load(emu, env);
  CHECK(r.provider_name ==
        std::string("role ") + kDeployer + " (ALIBABA_CLOUD_ROLE_ARN) assumed with the environment AccessKey");
  CheckWorks(emu, r);
  env["ALIBABA_CLOUD_ROLE_ARN"] = "acs:ram::1000000000000001:role/nobody";
  r = Load(emu, env);
  REQUIRE_FALSE(r.ok());
  CHECK(r.errors.at(0).find("EntityNotExist.Role") != std::string::npos);

  IdentityEmulator empty;
  auto none = Load(empty, empty.BaseEnv());
  REQUIRE_FALSE(none.ok());
  const std::string& msg = none.errors.at(0);
  INFO(msg);
  for (const char* link : {"1. environment AccessKey: ALIBABA_CLOUD_ACCESS_KEY_ID is not set",
                           "2. OIDC role (environment): ALIBABA_CLOUD_OIDC_PROVIDER_ARN and",
                           "3. aliyun CLI profile (~/.aliyun/config.json):", "does not exist",
                           "4. ", ".alibabacloud/credentials does not exist",
                           "5. ECS instance RAM role (metadata service): ALIBABA_CLOUD_ECS_METADATA_DISABLED is true",
                           "6. credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI): ALIBABA_CLOUD_CREDENTIALS_URI is not set"})
    CHECK(msg.find(link) != std::string::npos);
}

TEST_CASE("refresh over HTTP: 3-second credentials rotate during a run with no expired call") {
  IdentityEmulator emu(20, /*lifetime_seconds=*/3);
  auto env = emu.BaseEnv();
  env["ALIBABA_CLOUD_ROLE_ARN"] = kDeployer;
  env["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = kOidcProvider;
  env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = emu.WriteFile("token", Jwt(600));
  auto r = Load(emu, env);
  REQUIRE(r.ok());
  SystemClock clock;
  auto cloud = ClientFor(emu, r.provider, &clock);
  std::set<std::string> keys;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(7500);
  int calls = 0;
  while (std::chrono::steady_clock::now() < end) {
    auto page = ListHangzhou(*cloud);
    INFO((page.ok() ? "" : page.error().code));
    REQUIRE(page.ok());
    keys.insert(r.provider->Get().value().access_key_id);
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(keys.size() >= 3);  // at least two rotations
  CHECK(calls > 20);
  CHECK(emu.api->StatsJson()["errors"].value("InvalidSecurityToken.Expired", 0) == 0);
}

TEST_CASE("a call that meets InvalidSecurityToken.Expired refreshes and is sent once more") {
  IdentityEmulator emu(20, /*lifetime_seconds=*/1);
  auto env = emu.BaseEnv();
  env["ALIBABA_CLOUD_ROLE_ARN"] = kDeployer;
  env["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = kOidcProvider;
  env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = emu.WriteFile("token", Jwt(600));
  // The client's clock stands still, so it believes its 1-second credentials
  // are fresh; the server's clock does not.
  VirtualClock frozen(std::chrono::system_clock::now());
  CredentialSources src;
  src.env = FixedEnvironment(env);
  src.clock = &frozen;
  auto r = LoadCredentials(src);
  REQUIRE(r.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  SystemClock clock;
  auto cloud = ClientFor(emu, r.provider, &clock);
  auto page = ListHangzhou(*cloud);
  INFO((page.ok() ? "" : page.error().code));
  CHECK(page.ok());
  CHECK(emu.api->StatsJson()["errors"].value("InvalidSecurityToken.Expired", 0) == 1);
  CHECK(emu.api->sts()->issued() == 2);
}

TEST_CASE("apply of 200 instances while the emulator issues 3-second credentials: several rotations") {
  const char* bin = std::getenv("RESPEC_BIN");
  const char* src = std::getenv("RESPEC_SOURCE_DIR");
  if (!bin || !src) {
    WARN("SKIPPED: RESPEC_BIN or RESPEC_SOURCE_DIR not set (run through ctest)");
    return;
  }
  // 3-second credentials (the issue asks for 60 s; 3 s gives as many
  // rotations in a test that lasts seconds, not minutes: one every 2 s).
  // Model time runs 5x faster, so the apply lasts long enough for several.
  IdentityEmulator emu(200, /*lifetime_seconds=*/3, /*time_scale=*/5);
  std::filesystem::path dir = emu.home / "apply";
  std::filesystem::create_directories(dir);
  std::string token = emu.WriteFile("token", Jwt(3600));
  std::string cmd =
      "cd '" + dir.string() + "' && env -i PATH=/usr/bin:/bin HOME='" + dir.string() +
      "' RESPEC_TIME_SCALE=5 ALIBABA_CLOUD_ECS_METADATA_DISABLED=true RESPEC_STS_ENDPOINT=" + emu.url() +
      " ALIBABA_CLOUD_ROLE_ARN=" + kDeployer + " ALIBABA_CLOUD_OIDC_PROVIDER_ARN=" + kOidcProvider +
      " ALIBABA_CLOUD_OIDC_TOKEN_FILE='" + token + "' RESPEC='" + bin + "' EP=" + emu.url() +
      " bash -c 'source \"" + src + "/tests/cli/apply_lib.sh\"; "
      "unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET; "
      "write_rehearsal_toml respec.toml 5; write_mixed_spec fleet.yaml; "
      "\"$RESPEC\" --endpoint $EP plan -f fleet.yaml --out plan.json --allow-blocked --detailed-exitcode >plan.out 2>&1; "
      "echo plan-exit=$?; "
      "timeout 300 \"$RESPEC\" --endpoint $EP apply plan.json --state-dir state; echo apply-exit=$?' 2>&1";
  const auto t0 = std::chrono::steady_clock::now();
  FILE* f = popen(cmd.c_str(), "r");
  REQUIRE(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  INFO(out.substr(out.size() > 4000 ? out.size() - 4000 : 0));
  CHECK(out.find("plan-exit=2") != std::string::npos);  // changes present
  CHECK(out.find("apply-exit=0") != std::string::npos);
  CHECK(out.find("InvalidSecurityToken.Expired") == std::string::npos);
  CHECK(emu.api->StatsJson()["errors"].value("InvalidSecurityToken.Expired", 0) == 0);
  size_t issued = emu.api->sts()->issued();
  WARN("plan + apply of 200 instances took " << secs << " s with " << issued
                                             << " AssumeRoleWithOIDC credentials issued (3 s lifetime)");
  CHECK(issued >= 5);  // plan's, apply's first, and at least three rotations
  CHECK(emu.api->StatsJson()["requests"].value("ModifyPrepayInstanceSpec", 0) >= 100);
}
