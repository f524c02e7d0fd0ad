// EcsCloud end to end over a local HTTP server: the wire format of both
// signature schemes (verified with the signer, itself pinned to published
// vectors), decoding, connection reuse, transport failures and their
// ambiguity, and that no secret ever reaches a log line or an error.
#include <catch2/catch.hpp>

#include <thread>

#include "cloud/error_table.h"
#include "ecs/ecs_cloud.h"
#include "ecs/ecs_params.h"
#include "ecs/endpoint.h"
#include "mini_server.h"
#include "wire_harness.h"

using namespace respec;
using namespace respec::ecs;
using respec::testing::MiniServer;
using respec::testing::Reply;
using respec::testing::SeenRequest;
using namespace respec::ecs::testing;

TEST_CASE("V3 requests carry a signature the signer verifies") {
  Harness h([](const SeenRequest&) { return Ok(R"({"RequestId":"R-1","OrderId":"20260101"})"); },
            SignatureVersion::kV3, /*sts=*/true);
  ModifyPrepaySpecRequest req;
  req.region = "cn-hangzhou";
  req.instance_id = "i-bp1";
  req.instance_type = "ecs.g7.xlarge";
  req.operator_type = "downgrade";
  req.client_token = "plan-7f3e/i-bp1/resize";
  req.auto_pay = true;
  req.migrate_across_zone = false;
  req.system_disk_category = "cloud_ssd";
  req.reboot_time = "2026-02-01T03:00:00Z";
  req.end_time = "2026-03-01T00:00Z";
  req.reboot_when_finished = true;
  auto r = h.cloud->ModifyPrepayInstanceSpec(req);
  REQUIRE(r.ok());
  CHECK(r->order_id == "20260101");
  auto seen = h.server.requests();
  REQUIRE(seen.size() == 1);
  const SeenRequest& s = seen[0];
  CHECK(s.method == "POST");
  CHECK(s.headers.at("user-agent").rfind("respec/", 0) == 0);
  CHECK(s.headers.at("x-acs-action") == "ModifyPrepayInstanceSpec");
  CHECK(s.headers.at("x-acs-version") == "2014-05-26");
  CHECK(s.headers.at("x-acs-security-token") == kToken);
  sign::Params q = Query(s.target);
  CHECK(Get(q, "RegionId") == "cn-hangzhou");
  CHECK(Get(q, "InstanceId") == "i-bp1");
  CHECK(Get(q, "InstanceType") == "ecs.g7.xlarge");
  CHECK(Get(q, "OperatorType") == "downgrade");
  CHECK(Get(q, "ClientToken") == "plan-7f3e/i-bp1/resize");
  CHECK(Get(q, "AutoPay") == "true");
  CHECK(Get(q, "MigrateAcrossZone") == "false");
  CHECK(Get(q, "SystemDisk.Category") == "cloud_ssd");
  CHECK(Get(q, "RebootTime") == "2026-02-01T03:00:00Z");
  CHECK(Get(q, "EndTime") == "2026-03-01T00:00Z");
  CHECK(Get(q, "RebootWhenFinished") == "true");
  CHECK(Get(q, "Signature") == "<absent>");

  // Recompute the signature from what arrived on the wire.
  const std::string& auth = s.headers.at("authorization");
  REQUIRE(auth.rfind("ACS3-HMAC-SHA256 Credential=LTAI5tTestKeyId01,SignedHeaders=", 0) == 0);
  std::string signed_list = auth.substr(auth.find("SignedHeaders=") + 14);
  signed_list = signed_list.substr(0, signed_list.find(','));
  CHECK(signed_list ==
        "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;"
        "x-acs-signature-nonce;x-acs-version");
  // Every header on the wire that V3 asks to be signed is signed: host,
  // content-type (libcurl would add one to a POST) and every x-acs-*.
  REQUIRE(s.headers.count("content-type"));
  CHECK(s.headers.at("content-type") == "application/x-www-form-urlencoded");
  for (const auto& [name, value] : s.headers) {
    bool must = name == "host" || name == "content-type" || name.rfind("x-acs-", 0) == 0;
    INFO("header " << name);
    if (must) CHECK((";" + signed_list + ";").find(";" + name + ";") != std::string::npos);
  }
  std::vector<std::string> names;
  for (size_t p = 0; p <= signed_list.size();) {
    size_t e = signed_list.find(';', p);
    if (e == std::string::npos) e = signed_list.size();
    names.push_back(signed_list.substr(p, e - p));
    p = e + 1;
  }
  sign::V3Request v3;
  v3.method = s.method;
  v3.path = "/";
  v3.query = q;
  for (const auto& [k, v] : s.headers) v3.headers.emplace_back(k, v);
  v3.hashed_payload = Sha256Hex(s.body);
  std::string expect = sign::V3Signature(kSecret, sign::V3StringToSign(sign::V3CanonicalRequest(v3, names)));
  CHECK(auth.substr(auth.find("Signature=") + 10) == expect);
}

TEST_CASE("RPC 1.0 requests carry a Signature the signer verifies") {
  Harness h([](const SeenRequest&) { return Ok(R"({"RequestId":"R-2"})"); }, SignatureVersion::kRpc1,
            /*sts=*/true);
  REQUIRE(h.cloud->StopInstance("cn-shanghai", "i-xyz").ok());
  auto seen = h.server.requests();
  REQUIRE(seen.size() == 1);
  sign::Params q = Query(seen[0].target);
  CHECK(Get(q, "Action") == "StopInstance");
  CHECK(Get(q, "Version") == "2014-05-26");
  CHECK(Get(q, "Format") == "JSON");
  CHECK(Get(q, "SignatureMethod") == "HMAC-SHA1");
  CHECK(Get(q, "SignatureVersion") == "1.0");
  CHECK(Get(q, "SecurityToken") == kToken);
  CHECK(Get(q, "InstanceId") == "i-xyz");
  CHECK(Get(q, "RegionId") == "<absent>");  // the power actions take none; the endpoint is the region
  CHECK(Get(q, "Timestamp").size() == 20);
  std::string sig = Get(q, "Signature");
  sign::Params rest;
  for (const auto& kv : q)
    if (kv.first != "Signature") rest.push_back(kv);
  CHECK(sig == sign::RpcSignature(kSecret, sign::RpcStringToSign("POST", rest)));
  CHECK(seen[0].headers.count("authorization") == 0);
}

TEST_CASE("DescribeInstances parameters and paging") {
  Harness h([](const SeenRequest&) {
    return Ok(R"({"RequestId":"R-3","NextToken":"t2","TotalCount":3,"Instances":{"Instance":[
      {"InstanceId":"i-1","InstanceType":"ecs.g6.large","Status":"Running","ZoneId":"cn-hangzhou-h"}]}})");
  });
  DescribeInstancesRequest req;
  req.region = "cn-hangzhou";
  req.instance_ids = {"i-1", "i-2"};
  req.tags = {{"env", "prod"}, {"team", "payments"}};
  req.status = "Running";
  req.zone = "cn-hangzhou-h";
  req.charge_type = "PrePaid";
  req.next_token = "t1";
  req.max_results = 50;
  auto r = h.cloud->DescribeInstances(req);
  REQUIRE(r.ok());
  CHECK(r->next_token == "t2");
  REQUIRE(r->instances.size() == 1);
  CHECK(r->instances[0].region == "cn-hangzhou");
  sign::Params q = Query(h.server.requests()[0].target);
  CHECK(Get(q, "InstanceIds") == R"(["i-1","i-2"])");
  CHECK(Get(q, "Tag.1.Key") == "env");
  CHECK(Get(q, "Tag.1.Value") == "prod");
  CHECK(Get(q, "Tag.2.Key") == "team");
  CHECK(Get(q, "Tag.2.Value") == "payments");
  CHECK(Get(q, "Status") == "Running");
  CHECK(Get(q, "ZoneId") == "cn-hangzhou-h");
  CHECK(Get(q, "InstanceChargeType") == "PrePaid");
  CHECK(Get(q, "NextToken") == "t1");
  CHECK(Get(q, "MaxResults") == "50");
  CHECK(Get(q, "PageNumber") == "<absent>");

  DescribeInstancesRequest paged;
  paged.region = "cn-hangzhou";
  paged.page_number = 2;
  paged.page_size = 10;
  REQUIRE(h.cloud->DescribeInstances(paged).ok());
  q = Query(h.server.requests()[1].target);
  CHECK(Get(q, "PageNumber") == "2");
  CHECK(Get(q, "PageSize") == "10");
  CHECK(Get(q, "NextToken") == "<absent>");
  CHECK(Get(q, "MaxResults") == "<absent>");
  CHECK(Get(q, "InstanceIds") == "<absent>");

  // More than the API's 100 IDs: refused locally, nothing sent.
  DescribeInstancesRequest too_many;
  too_many.region = "cn-hangzhou";
  for (int i = 0; i < 101; ++i) too_many.instance_ids.push_back("i-" + std::to_string(i));
  auto big = h.cloud->DescribeInstances(too_many);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().category == ErrorCategory::kBadRequest);
  CHECK(big.error().message.find("100") != std::string::npos);
  CHECK(h.server.requests().size() == 2);
}

TEST_CASE("Connections are reused, and calls run in parallel") {
  Harness h([](const SeenRequest&) { return Ok(R"({"RequestId":"R"})"); });
  for (int i = 0; i < 20; ++i) REQUIRE(h.cloud->StartInstance("cn-hangzhou", "i-1").ok());
  CHECK(h.server.connections() == 1);
  CHECK(h.cloud->transport().handles_created() == 1);

  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 10; ++i) ok += h.cloud->RebootInstance("cn-hangzhou", "i-2").ok();
    });
  for (auto& t : ts) t.join();
  CHECK(ok == 80);
  CHECK(h.cloud->transport().handles_created() <= 9);
  CHECK(h.server.connections() <= 9);
}

TEST_CASE("Transport failures are typed, and ambiguous only when the request was sent") {
  SECTION("connection refused: never reached the server") {
    int port;
    { MiniServer gone([](const SeenRequest&) { return Reply{}; }); port = gone.port(); }
    EcsOptions o;
    o.endpoint = "http://127.0.0.1:" + std::to_string(port);
    SystemClock clock;
    std::string err;
    auto c = EcsCloud::Create(Creds(), o, &clock, &err, nullptr);
    REQUIRE(c);
    auto r = c->StopInstance("cn-hangzhou", "i-1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "Transport.ConnectionFailed");
    CHECK(r.error().category == ErrorCategory::kTransient);
    CHECK_FALSE(r.error().ambiguous);
    CHECK(r.error().instance_id == "i-1");
    CHECK(r.error().action == "StopInstance");
  }
  SECTION("connection dropped after the request: ambiguous") {
    Harness h([](const SeenRequest&) {
      Reply r;
      r.close_without_answer = true;
      return r;
    });
    ModifyPrepaySpecRequest req;
    req.region = "cn-hangzhou";
    req.instance_id = "i-1";
    req.instance_type = "ecs.g7.large";
    req.client_token = "tok";
    auto r = h.cloud->ModifyPrepayInstanceSpec(req);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "Transport.ConnectionFailed");
    CHECK(r.error().ambiguous);
    CHECK(r.error().http_status == 0);
  }
  SECTION("no answer in time: Transport.Timeout, ambiguous") {
    MiniServer slow([](const SeenRequest&) {
      Reply r;
      r.delay_ms = 1500;
      return r;
    });
    EcsOptions o;
    o.endpoint = slow.url();
    o.transport.total_timeout = Millis(300);
    SystemClock clock;
    std::string err;
    auto c = EcsCloud::Create(Creds(), o, &clock, &err, nullptr);
    auto r = c->StartInstance("cn-hangzhou", "i-1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "Transport.Timeout");
    CHECK(r.error().ambiguous);
  }
  SECTION("a body larger than the cap is refused") {
    MiniServer big([](const SeenRequest&) { return Ok(std::string(5000, ' ') + R"({"RequestId":"x"})"); });
    EcsOptions o;
    o.endpoint = big.url();
    o.transport.max_body = 1000;
    SystemClock clock;
    std::string err;
    auto c = EcsCloud::Create(Creds(), o, &clock, &err, nullptr);
    auto r = c->StartInstance("cn-hangzhou", "i-1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "Response.Malformed");
  }
  SECTION("an HTML proxy page") {
    Harness h([](const SeenRequest&) {
      Reply r;
      r.status = 502;
      r.body = "<html><body>502 Bad Gateway</body></html>";
      return r;
    });
    DescribeInstancesRequest req;
    req.region = "cn-hangzhou";
    auto r = h.cloud->DescribeInstances(req);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "Response.Malformed");
    CHECK(r.error().http_status == 502);
  }
}

TEST_CASE("SignatureNonceUsed means a duplicate delivery: ambiguous") {
  Harness h([](const SeenRequest&) {
    Reply r;
    r.status = 400;
    r.body = R"({"RequestId":"R-N","Code":"SignatureNonceUsed","Message":"Specified signature nonce was used already."})";
    return r;
  });
  auto r = h.cloud->StopInstance("cn-hangzhou", "i-1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "SignatureNonceUsed");
  CHECK(r.error().ambiguous);
  CHECK(IsRetryable(r.error().category));
  // Each call signs with a fresh nonce.
  REQUIRE(h.cloud->StopInstance("cn-hangzhou", "i-1").error().code == "SignatureNonceUsed");
  auto seen = h.server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].headers.at("x-acs-signature-nonce") != seen[1].headers.at("x-acs-signature-nonce"));
}

TEST_CASE("No secret, token or signature in any log line or error, even at -vv") {
  for (SignatureVersion v : {SignatureVersion::kV3, SignatureVersion::kRpc1}) {
    // A server that echoes the whole request back in its error message, as
    // SignatureDoesNotMatch echoes the string to sign.
    Harness h(
        [](const SeenRequest& s) {
          std::string echo;
          for (const auto& [k, val] : s.headers) echo += k + "=" + val + " ";
          echo += s.target;
          std::string esc;
          for (char c : echo) {
            if (c == '"' || c == '\\') esc.push_back('\\');
            esc.push_back(c);
          }
          Reply r;
          r.status = 400;
          r.body = R"({"RequestId":"R-E","Code":"SignatureDoesNotMatch","Message":"server string to sign is: )" + esc + R"("})";
          return r;
        },
        v, /*sts=*/true, /*verbosity=*/2);
    auto r = h.cloud->StopInstance("cn-hangzhou", "i-1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().category == ErrorCategory::kAuth);
    std::string all = r.error().Describe() + "\n" + r.error().message;
    for (const auto& l : h.log) all += "\n" + l;
    CHECK(h.log.size() >= 2);
    CHECK(all.find("StopInstance") != std::string::npos);
    // The echo did reach us (so the check below is meaningful) ...
    CHECK(all.find("****") != std::string::npos);
    // ... but neither the secret, the token nor the signature survived.
    std::string sig;
    auto seen = h.server.requests();
    REQUIRE(seen.size() == 1);
    if (v == SignatureVersion::kV3) {
      const std::string& a = seen[0].headers.at("authorization");
      sig = a.substr(a.find("Signature=") + 10);
    } else {
      sig = Get(Query(seen[0].target), "Signature");
    }
    REQUIRE(sig.size() > 10);
    CHECK(all.find(kSecret) == std::string::npos);
    CHECK(all.find(kToken) == std::string::npos);
    CHECK(all.find(sign::PercentEncode(kToken)) == std::string::npos);
    CHECK(all.find(sig) == std::string::npos);
    CHECK(all.find(sign::PercentEncode(sig)) == std::string::npos);
  }
}

TEST_CASE("Endpoint rules follow the SDK's endpoint map, and {region} templates") {
  // The SDK's map: cn-hangzhou has its own host; finance and government
  // regions share fixed hosts; every other region the regional rule.
  auto d = ResolveEndpoint("", "cn-hangzhou", false);
  REQUIRE(d.endpoint);
  CHECK(d.endpoint->base_url == "https://ecs-cn-hangzhou.aliyuncs.com");
  CHECK(d.endpoint->host_header == "ecs-cn-hangzhou.aliyuncs.com");
  CHECK(ResolveEndpoint("", "cn-shanghai-finance-1", false).endpoint->host ==
        "ecs-cn-hangzhou.aliyuncs.com");
  CHECK(ResolveEndpoint("", "cn-north-2-gov-1", false).endpoint->host == "ecs.aliyuncs.com");
  CHECK(ResolveEndpoint("", "cn-shanghai", false).endpoint->host == "ecs.cn-shanghai.aliyuncs.com");
  CHECK(ResolveEndpoint("", "ap-southeast-1", false).endpoint->host ==
        "ecs.ap-southeast-1.aliyuncs.com");
  // A template serves a multi-region fleet through VPC endpoints.
  auto vpc = ResolveEndpoint("https://ecs-vpc.{region}.aliyuncs.com", "cn-shanghai", false);
  REQUIRE(vpc.endpoint);
  CHECK(vpc.endpoint->base_url == "https://ecs-vpc.cn-shanghai.aliyuncs.com");
  CHECK(ResolveEndpoint("https://ecs-vpc.{region}.aliyuncs.com", "cn-hangzhou", false).endpoint->host ==
        "ecs-vpc.cn-hangzhou.aliyuncs.com");
  CHECK_FALSE(ResolveEndpoint("https://ecs-vpc.{region}.aliyuncs.com", "", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("https://ecs-vpc.{region}.aliyuncs.com", "a/b", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("", "", false).endpoint);
  CHECK(ResolveEndpoint("", "", false).error.find("region") != std::string::npos);
  CHECK_FALSE(ResolveEndpoint("", "cn hangzhou/..", false).endpoint);

  auto local = ResolveEndpoint("http://127.0.0.1:8470/", "", true);
  REQUIRE(local.endpoint);
  CHECK(local.endpoint->loopback);
  CHECK(local.endpoint->host_header == "127.0.0.1:8470");
  CHECK(local.warning.empty());
  CHECK(ResolveEndpoint("http://localhost:1", "", true).endpoint);
  CHECK(ResolveEndpoint("http://127.9.8.7:1", "", true).endpoint);
  auto v6 = ResolveEndpoint("http://[::1]:8470", "", true);
  REQUIRE(v6.endpoint);
  CHECK(v6.endpoint->base_url == "http://[::1]:8470");

  auto lab = ResolveEndpoint("http://10.0.0.5:8470", "", false);
  REQUIRE(lab.endpoint);
  CHECK(lab.warning.find("unencrypted") != std::string::npos);
  auto lab_sts = ResolveEndpoint("http://10.0.0.5:8470", "", true);
  CHECK_FALSE(lab_sts.endpoint);
  CHECK(lab_sts.error.find("SecurityToken") != std::string::npos);

  CHECK(ResolveEndpoint("https://ecs-vpc.cn-hangzhou.aliyuncs.com", "", true).endpoint);
  CHECK_FALSE(ResolveEndpoint("ftp://x", "", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("ecs.aliyuncs.com", "", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("https://user:pw@host", "", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("https://host/path?x=1", "", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("https://host:99999", "", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("https://host:abc", "", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("https://", "", false).endpoint);
  CHECK_FALSE(ResolveEndpoint("http://[::1", "", false).endpoint);
}

TEST_CASE("an endpoint with user-info is refused without echoing it") {
  for (const char* url : {"http://user:SECRET@127.0.0.1:8470", "https://SECRET@host", "http://a:SECRET@b@host/x"}) {
    auto c = ResolveEndpoint(url, "", false);
    INFO(c.error);
    CHECK_FALSE(c.endpoint);
    CHECK(c.error.find("user information") != std::string::npos);
    CHECK(c.error.find("SECRET") == std::string::npos);
  }
  CHECK(RedactUserInfo("http://u:p@h:1") == "http://***@h:1");
  CHECK(RedactUserInfo("http://h:1") == "http://h:1");
  auto other = ResolveEndpoint("http://u:SECRET@host:notaport", "", false);
  CHECK(other.error.find("SECRET") == std::string::npos);
}

TEST_CASE("x-acs-retry-after reaches the CloudError; an absent header leaves -1") {
  int n = 0;
  Harness h([&](const SeenRequest&) {
    Reply r;
    r.status = 400;
    r.body = R"({"RequestId":"R-9","Code":"Throttling","Message":"slow down"})";
    if (n++ == 0) r.extra_headers = "X-Acs-Retry-After: 1500\r\n";
    return r;
  });
  auto r = h.cloud->StopInstance("cn-hangzhou", "i-1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == ErrorCategory::kThrottled);
  CHECK(r.error().retry_after_ms == 1500);
  auto r2 = h.cloud->StopInstance("cn-hangzhou", "i-1");
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().retry_after_ms == -1);
}

TEST_CASE("DescribeInstanceTypes: global (no RegionId), MaxResults at most 100") {
  Harness h([](const SeenRequest&) {
    return Ok(R"({"RequestId":"R-1","InstanceTypes":{"InstanceType":[]},"NextToken":""})");
  });
  DescribeInstanceTypesRequest req;
  req.region = "cn-shanghai";
  REQUIRE(h.cloud->DescribeInstanceTypes(req).ok());
  auto seen = h.server.requests();
  REQUIRE(seen.size() == 1);
  sign::Params q = Query(seen[0].target);
  CHECK(Get(q, "RegionId") == "<absent>");
  CHECK(Get(q, "MaxResults") == "100");
}

TEST_CASE("EcsCloud refuses missing credentials and bad endpoints up front") {
  SystemClock clock;
  std::string err, warn;
  EcsOptions o;
  CHECK_FALSE(EcsCloud::Create(Credentials{}, o, &clock, &err, &warn));
  CHECK(err.find("ALIBABA_CLOUD_ACCESS_KEY_ID") != std::string::npos);
  o.endpoint = "ftp://example.com";
  CHECK_FALSE(EcsCloud::Create(Creds(), o, &clock, &err, &warn));
  CHECK(err.find("ftp://example.com") != std::string::npos);
  o.endpoint = "http://192.0.2.10:8470";
  CHECK(EcsCloud::Create(Creds(), o, &clock, &err, &warn));
  CHECK(warn.find("warning") != std::string::npos);
  // No endpoint and a call without a region: a clear local error, nothing sent.
  o.endpoint.clear();
  auto c = EcsCloud::Create(Creds(), o, &clock, &err, &warn);
  auto r = c->StopInstance("", "i-1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == ErrorCategory::kBadRequest);
  CHECK(r.error().message.find("region") != std::string::npos);
}

TEST_CASE("RESPEC_TIME_SCALE is honoured only against a loopback endpoint") {
  CHECK(RehearsalTimeScale(std::nullopt, "").scale == 1);
  CHECK(RehearsalTimeScale(std::nullopt, "").error.empty());
  auto local = RehearsalTimeScale(std::string("50"), "http://127.0.0.1:8470");
  CHECK(local.error.empty());
  CHECK(local.scale == 50);
  CHECK(RehearsalTimeScale(std::string("50"), "http://[::1]:8470").scale == 50);
  for (const char* url : {"", "https://ecs.cn-hangzhou.aliyuncs.com", "http://10.0.0.5:8470", "http://u:SECRET@127.0.0.1:1"}) {
    auto c = RehearsalTimeScale(std::string("1000"), url);
    INFO(url << ": " << c.error);
    CHECK(c.scale == 1);
    CHECK(c.error.find("honoured only against a loopback endpoint") != std::string::npos);
    CHECK(c.error.find("SECRET") == std::string::npos);
  }
  for (const char* bad : {"", "fast", "0", "-3", "1e9", "5x"})
    CHECK_FALSE(RehearsalTimeScale(std::string(bad), "http://127.0.0.1:1").error.empty());
}

// Issue 12 item 9: ForceStop only when asked; StoppedMode never (a
// StopCharging stop would release a subscription instance's resources).
TEST_CASE("StopInstance sends ForceStop only when asked and never StoppedMode") {
  for (auto version : {SignatureVersion::kRpc1, SignatureVersion::kV3}) {
    Harness h([](const SeenRequest&) { return Ok(R"({"RequestId":"R-3"})"); }, version, false);
    REQUIRE(h.cloud->StopInstance("cn-hangzhou", "i-1").ok());
    REQUIRE(h.cloud->StopInstance("cn-hangzhou", "i-2", true).ok());
    REQUIRE(h.cloud->StartInstance("cn-hangzhou", "i-2").ok());
    REQUIRE(h.cloud->RebootInstance("cn-hangzhou", "i-2").ok());
    auto seen = h.server.requests();
    REQUIRE(seen.size() == 4);
    for (size_t i = 0; i < seen.size(); ++i) {
      INFO(i << ": " << seen[i].target << " " << seen[i].body);
      const std::string wire = seen[i].target + "\n" + seen[i].body;
      CHECK(wire.find("StoppedMode") == std::string::npos);
      CHECK(wire.find("StopCharging") == std::string::npos);
      CHECK((wire.find("ForceStop=true") != std::string::npos) == (i == 1));
    }
  }
  // The builder itself: no StoppedMode whichever way it is asked.
  for (bool force : {false, true}) {
    sign::Params p = StopParams("i-1", force);
    CHECK(Get(p, "StoppedMode") == "<absent>");
    CHECK(Get(p, "ForceStop") == (force ? "true" : "<absent>"));
  }
}
