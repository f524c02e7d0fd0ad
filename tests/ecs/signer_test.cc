// Both signature schemes pinned to vectors published by Alibaba Cloud (its
// documentation) and by the official SDKs' own unit tests, so the client and
// the emulator cannot share a mistake unnoticed.
#include <catch2/catch.hpp>

#include "ecs/signer.h"

using namespace respec::sign;
using respec::Sha256Hex;

namespace {
const char* kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::vector<std::string> kDocSignedHeaders = {
    "host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce",
    "x-acs-version"};

V3Request DocRunInstances(const std::string& date, const std::string& nonce) {
  V3Request r;
  r.method = "POST";
  r.path = "/";
  r.query = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
             {"RegionId", "cn-shanghai"}};
  r.headers = {{"host", "ecs.cn-shanghai.aliyuncs.com"},
               {"x-acs-action", "RunInstances"},
               {"x-acs-version", "2014-05-26"},
               {"x-acs-date", date},
               {"x-acs-signature-nonce", nonce},
               {"x-acs-content-sha256", kEmptySha256}};
  r.hashed_payload = kEmptySha256;
  return r;
}
}  // namespace

TEST_CASE("PercentEncode follows RFC 3986 as Alibaba Cloud specifies") {
  CHECK(PercentEncode("AZaz09-_.~") == "AZaz09-_.~");
  CHECK(PercentEncode(" ") == "%20");
  CHECK(PercentEncode("*") == "%2A");
  CHECK(PercentEncode("+/=:") == "%2B%2F%3D%3A");
  CHECK(PercentEncode("\xe4\xb8\xad") == "%E4%B8%AD");  // UTF-8 bytes, uppercase hex
  // darabonba-openapi-util python/tests/test_client.py test_get_canonical_query_string:
  // ' ~/*-+' -> '%20~%2F%2A-%2B'
  CHECK(PercentEncode(" ~/*-+") == "%20~%2F%2A-%2B");
}

TEST_CASE("SHA-256 and HMAC primitives") {
  // darabonba-openapi-util golang/service/service_test.go Test_HexEncode: sha256("test")
  CHECK(Sha256Hex("test") == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  CHECK(Sha256Hex("") == kEmptySha256);
  // RFC 4231 test case 2.
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 2202 test case 2, Base64 of effcdf6ae5eb2fa2d27416d5f184df9c259a7c79.
  CHECK(HmacSha1Base64("Jefe", "what do ya want for nothing?") == "7/zfauXrL6LSdBbV8YTfnCWafHk=");
  CHECK(HmacSha1Base64("", "").size() == 28);
}

TEST_CASE("RPC 1.0: ECS documentation example (DescribeRegions, testid/testsecret)") {
  // ECS API reference "签名机制" example, as republished at
  // https://developer.aliyun.com/ask/210168 ("API 签名机制(示例)"):
  // AccessKeyId testid, AccessKeySecret testsecret, key "testsecret&",
  // signature CT9X0VtwR86fNWSnsc6v8YGOjuE=.
  Params p = {{"TimeStamp", "2016-02-23T12:46:24Z"},
              {"Format", "XML"},
              {"AccessKeyId", "testid"},
              {"Action", "DescribeRegions"},
              {"SignatureMethod", "HMAC-SHA1"},
              {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
              {"Version", "2014-05-26"},
              {"SignatureVersion", "1.0"}};
  std::string sts = RpcStringToSign("GET", p);
  CHECK(sts ==
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z"
        "%26Version%3D2014-05-26");
  CHECK(RpcSignature("testsecret", sts) == "CT9X0VtwR86fNWSnsc6v8YGOjuE=");
  CHECK(RpcSignature("testsecreT", sts) != "CT9X0VtwR86fNWSnsc6v8YGOjuE=");
}

TEST_CASE("RPC 1.0: official SDK unit-test vectors") {
  // aliyun/darabonba-openapi-util python/tests/test_client.py test_get_rpc_signature:
  // get_rpcsignature({'query': 'test', 'body': 'test'}, 'GET', 'secret')
  CHECK(RpcSignature("secret", RpcStringToSign("GET", {{"query", "test"}, {"body", "test"}})) ==
        "XlUyV4sXjOuX5FnjUz9IF9tm5rU=");
  // aliyun/darabonba-openapi-util golang/service/service_test.go Test_GetRPCSignature:
  // GetRPCSignature({"test": "ok"}, method "", "accessKeySecret")
  CHECK(RpcSignature("accessKeySecret", RpcStringToSign("", {{"test", "ok"}})) ==
        "jHx/oHoHNrbVfhncHEvPdHXZwHU=");
  // Parameter order does not matter.
  CHECK(RpcStringToSign("GET", {{"b", "2"}, {"a", "1"}}) ==
        RpcStringToSign("GET", {{"a", "1"}, {"b", "2"}}));
}

TEST_CASE("V3: documentation worked example (RunInstances, cn-shanghai)") {
  // "Request syntax and signature method V3" / "V3版本请求体&签名机制",
  // https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
  // (also https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature):
  // signature example with AccessKeyId YourAccessKeyId, AccessKeySecret
  // YourAccessKeySecret, x-acs-date 2023-10-26T10:22:32Z, nonce
  // 3156853299f313e23d1673dc12e1703d, empty body. The page's Authorization
  // header shows Signature=06563a9e...
  V3Request r = DocRunInstances("2023-10-26T10:22:32Z", "3156853299f313e23d1673dc12e1703d");
  std::string canonical = V3CanonicalRequest(r, kDocSignedHeaders);
  CHECK(canonical ==
        "POST\n/\n"
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
        "host:ecs.cn-shanghai.aliyuncs.com\n"
        "x-acs-action:RunInstances\n"
        "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-acs-date:2023-10-26T10:22:32Z\n"
        "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
        "x-acs-version:2014-05-26\n"
        "\n"
        "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string sts = V3StringToSign(canonical);
  CHECK(sts == "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
  std::string sig = V3Signature("YourAccessKeySecret", sts);
  CHECK(sig == "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
  CHECK(V3Authorization("YourAccessKeyId", kDocSignedHeaders, sig) ==
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
}

TEST_CASE("V3: documentation header example (x-acs-date 2023-10-26T09:01:01Z)") {
  // "ROA风格请求体&签名机制", https://help.aliyun.com/zh/model-studio/roa-style-request-body-signature-mechanism:
  // common request headers table, x-acs-signature-nonce d410180a5abf7fe235dd9b74aca91fc0,
  // x-acs-date 2023-10-26T09:01:01Z, Authorization ... Signature=e521358f...
  V3Request r = DocRunInstances("2023-10-26T09:01:01Z", "d410180a5abf7fe235dd9b74aca91fc0");
  // Header order and name case in the request do not matter.
  std::reverse(r.headers.begin(), r.headers.end());
  r.headers[0].first = "X-Acs-Content-Sha256";
  std::string sts = V3StringToSign(V3CanonicalRequest(r, kDocSignedHeaders));
  CHECK(V3Signature("YourAccessKeySecret", sts) ==
        "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804");
}

TEST_CASE("V3: official SDK unit-test vectors (empty values, repeated headers)") {
  V3Request r;
  r.query = {{"test", "ok"}, {"empty", ""}};
  r.headers = {{"x-acs-test", "http"}, {"x-acs-TEST", "https"}};
  r.hashed_payload = "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23";
  const std::vector<std::string> signed_headers = {"x-acs-test"};

  // aliyun/darabonba-openapi-util golang/service/service_test.go Test_GetAuthorization:
  // Pathname "" (the Go SDK signs it as "/"), no method, "empty=" form.
  r.method = "";
  r.path = "/";
  CHECK(V3CanonicalRequest(r, signed_headers) ==
        "\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n"
        "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23");
  CHECK(V3Authorization("acesskey", signed_headers,
                        V3Signature("secret", V3StringToSign(V3CanonicalRequest(r, signed_headers)))) ==
        "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,"
        "Signature=4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3");

  // aliyun/darabonba-openapi-util python/tests/test_client.py test_get_authorization:
  // method GET, pathname "", "empty" form (no '=').
  r.method = "GET";
  r.path = "";
  std::string canonical = V3CanonicalRequest(r, signed_headers, EmptyQueryValue::kKeyOnly);
  CHECK(V3Authorization("acesskey", signed_headers,
                        V3Signature("secret", V3StringToSign(canonical))) ==
        "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,"
        "Signature=da772425f29289d3460d5fc961455d40c5e8c6afd0888b78a910c991e6a14846");
}

TEST_CASE("V3: query values are percent-encoded; unsigned headers are ignored") {
  V3Request r;
  r.method = "GET";
  r.path = "/a b/c";
  r.query = {{"InstanceIds", "[\"i-1\",\"i-2\"]"}, {"Tag.1.Key", "env prod"}};
  r.headers = {{"host", "h"}, {"user-agent", "respec/0.1"}};
  std::string c = V3CanonicalRequest(r, {"host"});
  CHECK(c.find("\n/a%20b/c\n") != std::string::npos);
  CHECK(c.find("InstanceIds=%5B%22i-1%22%2C%22i-2%22%5D&Tag.1.Key=env%20prod") != std::string::npos);
  CHECK(c.find("user-agent") == std::string::npos);
}

TEST_CASE("ConstantTimeEquals") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "ab"));
  CHECK(ConstantTimeEquals("", ""));
}
