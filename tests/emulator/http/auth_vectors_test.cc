// The server's signature verification pinned to Alibaba Cloud's published V3
// worked example ("Request syntax and signature method V3": RunInstances in
// cn-shanghai, AccessKeyId YourAccessKeyId, AccessKeySecret
// YourAccessKeySecret, x-acs-date 2023-10-26T10:22:32Z, Signature 06563a9e...):
// the Authenticator, fed the documented request, accepts it, and with any
// other secret reports the documented string to sign.
#include <catch2/catch.hpp>

#include "core/timefmt.h"
#include "emulator/http/auth.h"

namespace respec::emulator::http {
namespace {

const AccessKey kDocKey{"YourAccessKeyId", "YourAccessKeySecret", ""};
const char* kDocSignature = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";
const char* kDocStringToSign =
    "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259";

RawRequest DocRequest(const std::string& signature) {
  RawRequest r;
  r.method = "POST";
  r.target = "/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai";
  r.headers = {
      {"host", "ecs.cn-shanghai.aliyuncs.com"},
      {"x-acs-action", "RunInstances"},
      {"x-acs-version", "2014-05-26"},
      {"x-acs-date", "2023-10-26T10:22:32Z"},
      {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
      {"x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"authorization",
       "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
       "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=" +
           signature},
  };
  return r;
}

}  // namespace

TEST_CASE("V3 verification accepts the documentation's worked example") {
  VirtualClock clock(*ParseUtcTime("2023-10-26T10:25:00Z"));
  AccessKey key = kDocKey;
  Authenticator auth([&](const std::string& id) { return id == key.id ? &key : nullptr; }, &clock);
  RawRequest req = DocRequest(kDocSignature);
  auto call = ParseApiCall(req);
  REQUIRE(call.ok());
  CHECK(call->scheme == SignatureScheme::kV3);
  CHECK(call->action == "RunInstances");
  auto err = auth.Verify(req, call.value());
  INFO((err ? err->message : std::string("accepted")));
  CHECK_FALSE(err.has_value());
  // Replayed: the nonce is spent.
  auto replay = auth.Verify(req, call.value());
  REQUIRE(replay.has_value());
  CHECK(replay->code == "SignatureNonceUsed");
}

TEST_CASE("V3 verification with another secret reports the documented string to sign") {
  VirtualClock clock(*ParseUtcTime("2023-10-26T10:25:00Z"));
  AccessKey key{"YourAccessKeyId", "NotTheDocSecret", ""};
  Authenticator auth([&](const std::string& id) { return id == key.id ? &key : nullptr; }, &clock);
  RawRequest req = DocRequest(kDocSignature);
  auto err = auth.Verify(req, ParseApiCall(req).value());
  REQUIRE(err.has_value());
  CHECK(err->code == "SignatureDoesNotMatch");
  CHECK(err->message.find(std::string("server string to sign is:") + kDocStringToSign) !=
        std::string::npos);
  CHECK(err->message.find("NotTheDocSecret") == std::string::npos);
}

TEST_CASE("V3 verification: the documented request an hour later is expired") {
  VirtualClock clock(*ParseUtcTime("2023-10-26T11:22:32Z"));
  AccessKey key = kDocKey;
  Authenticator auth([&](const std::string& id) { return id == key.id ? &key : nullptr; }, &clock);
  RawRequest req = DocRequest(kDocSignature);
  auto err = auth.Verify(req, ParseApiCall(req).value());
  REQUIRE(err.has_value());
  CHECK(err->code == "InvalidTimeStamp.Expired");
}

}  // namespace respec::emulator::http
