// Signature checks over HTTP, both schemes: every failure gives the API's
// code and status, and no answer ever contains the secret.
#include <catch2/catch.hpp>

#include "core/timefmt.h"
#include "emulator/http/http_fixture.h"

namespace respec::emulator::http::testing {

static const sign::Params kDescribe = {{"RegionId", "cn-hangzhou"}};

static void RequireError(const Reply& r, long status, const std::string& code) {
  INFO(r.body);
  REQUIRE(r.curl == CURLE_OK);
  CHECK(r.status == status);
  CHECK(r.Code() == code);
  CHECK(r.body.find(kSecret) == std::string::npos);
  auto j = r.Json();
  CHECK(j["RequestId"].is_string());
  CHECK(j["HostId"].is_string());
  CHECK(j["Recommend"].is_string());
  CHECK(j["Message"].is_string());
}

TEST_CASE("RPC 1.0: a correctly signed GET and POST succeed") {
  HttpFixture f;
  CHECK(f.Rpc("DescribeInstances", kDescribe).status == 200);
  SignOptions post;
  post.method = "POST";
  CHECK(f.Rpc("DescribeInstances", kDescribe, post).status == 200);
}

TEST_CASE("RPC 1.0: wrong secret -> SignatureDoesNotMatch with the server's string to sign") {
  HttpFixture f;
  SignOptions o;
  o.secret = "wrong";
  Reply r = f.Rpc("DescribeInstances", kDescribe, o);
  RequireError(r, 400, "SignatureDoesNotMatch");
  std::string msg = r.Json()["Message"];
  CHECK(msg.find("server string to sign is:GET&%2F&AccessKeyId%3D" + std::string(kKeyId)) !=
        std::string::npos);
}

TEST_CASE("RPC 1.0: a parameter changed after signing fails the signature") {
  HttpFixture f;
  // Sign for GET, send as POST: the method is part of the string to sign.
  sign::Params p = {{"RegionId", "cn-hangzhou"}};
  sign::Params all = {{"Action", "DescribeInstances"}, {"Version", "2014-05-26"},
                      {"AccessKeyId", kKeyId},         {"SignatureMethod", "HMAC-SHA1"},
                      {"SignatureVersion", "1.0"},     {"SignatureNonce", "n-1"},
                      {"Timestamp", FormatUtcSeconds(f.clock.Now())}, {"RegionId", "cn-hangzhou"}};
  std::string sig = sign::RpcSignature(kSecret, sign::RpcStringToSign("GET", all));
  all.emplace_back("Signature", sig);
  std::string q;
  for (auto& [k, v] : all) q += (q.empty() ? "" : "&") + sign::PercentEncode(k) + "=" + sign::PercentEncode(v);
  RequireError(f.Raw("POST", "/", {"Content-Type: application/x-www-form-urlencoded"}, q), 400,
               "SignatureDoesNotMatch");
  // The same request as GET passes.
  CHECK(f.Raw("GET", "/?" + q, {}, "").status == 200);
}

TEST_CASE("RPC 1.0: unknown key -> InvalidAccessKeyId.NotFound (404)") {
  HttpFixture f;
  SignOptions o;
  o.key_id = "LTAInobody";
  RequireError(f.Rpc("DescribeInstances", kDescribe, o), 404, "InvalidAccessKeyId.NotFound");
}

TEST_CASE("RPC 1.0: a reused nonce -> SignatureNonceUsed; a failed signature does not burn it") {
  HttpFixture f;
  SignOptions o;
  o.nonce = "fixed-nonce";
  o.secret = "wrong";
  RequireError(f.Rpc("DescribeInstances", kDescribe, o), 400, "SignatureDoesNotMatch");
  o.secret = kSecret;
  CHECK(f.Rpc("DescribeInstances", kDescribe, o).status == 200);
  RequireError(f.Rpc("DescribeInstances", kDescribe, o), 400, "SignatureNonceUsed");
  // After the 15-minute window the nonce is forgotten (and the new timestamp is fresh).
  f.clock.Advance(std::chrono::minutes(16));
  CHECK(f.Rpc("DescribeInstances", kDescribe, o).status == 200);
}

TEST_CASE("RPC 1.0: timestamps off by more than 15 minutes expire; malformed ones are rejected") {
  HttpFixture f;
  SignOptions o;
  o.timestamp = FormatUtcSeconds(f.clock.Now() - std::chrono::minutes(16));
  RequireError(f.Rpc("DescribeInstances", kDescribe, o), 400, "InvalidTimeStamp.Expired");
  o.timestamp = FormatUtcSeconds(f.clock.Now() + std::chrono::minutes(16));
  RequireError(f.Rpc("DescribeInstances", kDescribe, o), 400, "InvalidTimeStamp.Expired");
  o.timestamp = FormatUtcSeconds(f.clock.Now() - std::chrono::minutes(14));
  CHECK(f.Rpc("DescribeInstances", kDescribe, o).status == 200);
  for (std::string bad : {"2026-01-01 00:00:00", "2026-01-01T00:00Z", "yesterday", "2026-13-01T00:00:00Z"}) {
    o.timestamp = bad;
    RequireError(f.Rpc("DescribeInstances", kDescribe, o), 400, "InvalidTimeStamp.Format");
  }
}

TEST_CASE("RPC 1.0: each missing common parameter is named") {
  HttpFixture f;
  for (std::string name : {"AccessKeyId", "SignatureNonce", "Timestamp", "SignatureMethod",
                           "SignatureVersion"}) {
    SignOptions o;
    o.omit_params = {name};
    Reply r = f.Rpc("DescribeInstances", kDescribe, o);
    RequireError(r, 400, "MissingParameter");
    CHECK(r.body.find("\\\"" + name + "\\\"") != std::string::npos);
  }
  SignOptions o;
  o.omit_signature = true;
  Reply r = f.Rpc("DescribeInstances", kDescribe, o);
  RequireError(r, 400, "MissingParameter");
  CHECK(r.body.find("Signature") != std::string::npos);
}

TEST_CASE("STS keys need their SecurityToken (RPC and V3)") {
  HttpFixture f;
  SignOptions o;
  o.key_id = kStsKeyId;
  o.secret = kStsSecret;
  RequireError(f.Rpc("DescribeInstances", kDescribe, o), 400, "InvalidSecurityToken.Malformed");
  RequireError(f.V3("DescribeInstances", kDescribe, o), 400, "InvalidSecurityToken.Malformed");
  o.security_token = "someone-elses";
  RequireError(f.Rpc("DescribeInstances", kDescribe, o), 400,
               "InvalidSecurityToken.MismatchWithAccessKey");
  RequireError(f.V3("DescribeInstances", kDescribe, o), 400,
               "InvalidSecurityToken.MismatchWithAccessKey");
  o.security_token = kStsToken;
  CHECK(f.Rpc("DescribeInstances", kDescribe, o).status == 200);
  CHECK(f.V3("DescribeInstances", kDescribe, o).status == 200);
}

TEST_CASE("V3: correctly signed requests succeed, with parameters in the query or a form body") {
  HttpFixture f;
  Reply r = f.V3("DescribeInstances", kDescribe);
  INFO(r.body);
  CHECK(r.status == 200);
  SignOptions form;
  form.v3_form_body = true;
  Reply r2 = f.V3("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"InstanceIds", "[\"i-run\"]"}}, form);
  INFO(r2.body);
  REQUIRE(r2.status == 200);
  CHECK(r2.Json()["Instances"]["Instance"].size() == 1);
}

TEST_CASE("V3: signature failures") {
  HttpFixture f;
  SignOptions o;
  SECTION("wrong secret") {
    o.secret = "wrong";
    Reply r = f.V3("DescribeInstances", kDescribe, o);
    RequireError(r, 400, "SignatureDoesNotMatch");
    CHECK(r.body.find("server string to sign is:ACS3-HMAC-SHA256\\n") != std::string::npos);
  }
  SECTION("body altered after signing") {
    o.v3_form_body = true;
    o.tamper_body = "RegionId=cn-shanghai";
    RequireError(f.V3("DescribeInstances", kDescribe, o), 400, "SignatureDoesNotMatch");
  }
  SECTION("unknown key") {
    o.key_id = "LTAInobody";
    RequireError(f.V3("DescribeInstances", kDescribe, o), 404, "InvalidAccessKeyId.NotFound");
  }
  SECTION("each required header missing is named") {
    for (std::string h : {"x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-version"}) {
      o.omit_params = {h};
      Reply r = f.V3("DescribeInstances", kDescribe, o);
      INFO(h);
      if (h == "x-acs-version") {
        RequireError(r, 400, "MissingParameter");
        CHECK(r.body.find("Version") != std::string::npos);
      } else {
        RequireError(r, 400, "MissingParameter");
        CHECK(r.body.find(h) != std::string::npos);
      }
    }
  }
  SECTION("an x-acs- header that is not signed") {
    o.extra_headers = {{"x-acs-extra", "1"}};
    RequireError(f.V3("DescribeInstances", kDescribe, o), 400, "IncompleteSignature");
  }
  SECTION("a content-type that is sent but not signed") {
    // What libcurl adds to every POST; the V3 documentation and the SDKs
    // sign it, so the gateway may refuse a request that does not.
    o.omit_params = {"content-type"};
    o.extra_headers = {{"content-type", "application/x-www-form-urlencoded"}};
    Reply r = f.V3("DescribeInstances", kDescribe, o);
    RequireError(r, 400, "IncompleteSignature");
    CHECK(r.body.find("content-type") != std::string::npos);
  }
  SECTION("another algorithm") {
    o.v3_algorithm = "ACS3-HMAC-SM3";
    RequireError(f.V3("DescribeInstances", kDescribe, o), 400, "UnsupportedSignatureMethod");
  }
  SECTION("malformed Authorization") {
    Reply r = f.Raw("POST", "/?RegionId=cn-hangzhou",
                    {"Authorization: ACS3-HMAC-SHA256 garbage", "x-acs-action: DescribeInstances",
                     "x-acs-version: 2014-05-26"},
                    "");
    RequireError(r, 400, "IncompleteSignature");
  }
  SECTION("stale date and reused nonce") {
    o.timestamp = FormatUtcSeconds(f.clock.Now() - std::chrono::minutes(20));
    RequireError(f.V3("DescribeInstances", kDescribe, o), 400, "InvalidTimeStamp.Expired");
    o.timestamp.clear();
    o.nonce = "v3-nonce";
    CHECK(f.V3("DescribeInstances", kDescribe, o).status == 200);
    RequireError(f.V3("DescribeInstances", kDescribe, o), 400, "SignatureNonceUsed");
  }
}

}  // namespace respec::emulator::http::testing
