// The fixture's implementation (a *_test.cc so the test glob builds it) and
// the tests of the fixture's own plumbing: the server answers and keeps
// connections alive.
#include "emulator/http/http_fixture.h"

#include <catch2/catch.hpp>

#include <chrono>

namespace respec::emulator::http::testing {
namespace {

size_t Collect(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

}  // namespace

WorldInstance MakeInstance(const std::string& id, const std::string& type, const std::string& status,
                           int cpu, int mem_gib) {
  WorldInstance w;
  Instance& i = w.instance;
  i.id = id;
  i.region = "cn-hangzhou";
  i.zone = "cn-hangzhou-h";
  i.type = type;
  i.type_family = type.substr(0, type.rfind('.'));
  i.status = status;
  i.charge_type = "PrePaid";
  i.expired_time = "2027-06-01T00:00Z";
  i.network_type = "vpc";
  i.image_id = "aliyun_3_x64_20G_alibase_20240528.vhd";
  i.name = id + "-name";
  i.cpu = cpu;
  i.memory_mib = mem_gib * 1024;
  return w;
}

std::string Reply::Code() const {
  auto j = Json();
  return j.is_object() && j.contains("Code") && j["Code"].is_string() ? j["Code"].get<std::string>()
                                                                        : std::string();
}

World TestWorld() {
  World w = DefaultWorld();
  w.keys = {AccessKey{kKeyId, kSecret, ""}, AccessKey{kStsKeyId, kStsSecret, kStsToken}};
  w.instances.push_back(MakeInstance("i-run", "ecs.g7.xlarge", kRunning, 4, 16));
  w.instances.push_back(MakeInstance("i-stopped", "ecs.g7.2xlarge", kStopped, 8, 32));
  WorldInstance eip = MakeInstance("i-eip", "ecs.c7.large", kRunning, 2, 4);
  eip.instance.eip_address = "47.1.2.3";
  eip.instance.name = "web \"1\"\\\t\u00e9";  // quote, backslash, tab, UTF-8: escaping
  eip.instance.lock_reasons = {"financial"};
  eip.instance.tags = {{"env", "prod"}, {"role", "web"}};
  w.instances.push_back(eip);
  return w;
}

ApiOptions HttpFixture::DefaultOptions() {
  ApiOptions o;
  o.default_qps = 0;
  return o;
}

HttpFixture::HttpFixture(World world, ApiOptions options) {
  model = std::make_unique<Model>(std::move(world), &clock);
  api = std::make_unique<Api>(model.get(), &clock, std::move(options));
  server = std::make_unique<Server>(api.get(), ServerOptions{});
  std::string error;
  if (!server->Start(&error)) FAIL("server did not start: " << error);
  port = server->port();
  curl_ = curl_easy_init();
}

HttpFixture::~HttpFixture() {
  if (curl_) curl_easy_cleanup(curl_);
  server->Stop();
}

std::string HttpFixture::NextNonce() { return "nonce-" + std::to_string(++nonce_); }

Reply HttpFixture::Perform(const std::string& method, const std::string& url,
                           const std::vector<std::string>& headers, const std::string& body) {
  Reply r;
  std::string content_type_header;
  curl_easy_reset(curl_);
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Expect:");
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  if (fresh_) curl_easy_setopt(curl_, CURLOPT_FRESH_CONNECT, 1L);
  fresh_ = false;
  r.curl = curl_easy_perform(curl_);
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
  char* ct = nullptr;
  curl_easy_getinfo(curl_, CURLINFO_CONTENT_TYPE, &ct);
  if (ct) r.content_type = ct;
  curl_header* ra = nullptr;
  if (curl_easy_header(curl_, "x-acs-retry-after", 0, CURLH_HEADER, -1, &ra) == CURLHE_OK && ra)
    r.retry_after = ra->value;
  curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &r.new_connections);
  curl_slist_free_all(list);
  return r;
}

Reply HttpFixture::Raw(const std::string& method, const std::string& target,
                       const std::vector<std::string>& headers, const std::string& body) {
  return Perform(method, "http://127.0.0.1:" + std::to_string(port) + target, headers, body);
}

Reply HttpFixture::Get(const std::string& path) { return Raw("GET", path, {}, ""); }

nlohmann::json HttpFixture::Instance(const std::string& id) {
  auto all = Get("/_emulator/instances").Json();
  for (auto& i : all)
    if (i["InstanceId"] == id) return i;
  return nullptr;
}

static bool Omitted(const SignOptions& o, const std::string& name) {
  for (const auto& n : o.omit_params)
    if (n == name) return true;
  return false;
}

static std::string Encode(const sign::Params& params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (!q.empty()) q += '&';
    q += sign::PercentEncode(k) + "=" + sign::PercentEncode(v);
  }
  return q;
}

Reply HttpFixture::Rpc(const std::string& action, sign::Params params, SignOptions o) {
  sign::Params all = {{"Action", action},
                      {"Version", o.version},
                      {"AccessKeyId", o.key_id},
                      {"SignatureMethod", "HMAC-SHA1"},
                      {"SignatureVersion", "1.0"},
                      {"SignatureNonce", o.nonce.empty() ? NextNonce() : o.nonce},
                      {"Timestamp", o.timestamp.empty() ? FormatUtcSeconds(clock.Now()) : o.timestamp}};
  if (!o.format.empty()) all.emplace_back("Format", o.format);
  if (!o.security_token.empty()) all.emplace_back("SecurityToken", o.security_token);
  sign::Params kept;
  for (auto& kv : all)
    if (!Omitted(o, kv.first)) kept.push_back(kv);
  for (auto& kv : params) kept.push_back(kv);
  if (!o.omit_signature) {
    std::string sts = sign::RpcStringToSign(o.method, kept);
    kept.emplace_back("Signature", sign::RpcSignature(o.secret, sts));
  }
  std::string encoded = Encode(kept);
  fresh_ = o.fresh_connection;
  if (o.method == "POST")
    return Raw("POST", "/", {"Content-Type: application/x-www-form-urlencoded"}, encoded);
  return Raw(o.method, "/?" + encoded, {}, "");
}

Reply HttpFixture::V3(const std::string& action, sign::Params params, SignOptions o) {
  std::string body = o.v3_form_body ? Encode(params) : "";
  sign::Params query = o.v3_form_body ? sign::Params{} : params;
  if (!o.format.empty()) query.emplace_back("Format", o.format);
  std::string host = "127.0.0.1:" + std::to_string(port);
  sign::Params headers = {{"host", host},
                          {"x-acs-action", action},
                          {"x-acs-version", o.version},
                          {"x-acs-date", o.timestamp.empty() ? FormatUtcSeconds(clock.Now()) : o.timestamp},
                          {"x-acs-signature-nonce", o.nonce.empty() ? NextNonce() : o.nonce},
                          {"x-acs-content-sha256", Sha256Hex(body)}};
  if (!o.security_token.empty()) headers.emplace_back("x-acs-security-token", o.security_token);
  // Sent on every V3 POST (libcurl would add it anyway) and signed, as the
  // official SDKs do; omit_params {"content-type"} leaves it out.
  headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  sign::Params kept;
  for (auto& kv : headers)
    if (!Omitted(o, kv.first)) kept.push_back(kv);
  std::vector<std::string> signed_names;
  for (auto& kv : kept) signed_names.push_back(kv.first);
  std::sort(signed_names.begin(), signed_names.end());
  sign::V3Request req{"POST", "/", query, kept, Sha256Hex(body)};
  std::string sts = sign::V3StringToSign(sign::V3CanonicalRequest(req, signed_names));
  std::vector<std::string> lines;
  for (auto& kv : kept) lines.push_back(kv.first + ": " + kv.second);
  for (auto& kv : o.extra_headers) lines.push_back(kv.first + ": " + kv.second);
  if (!o.omit_signature) {
    std::string auth = sign::V3Authorization(o.key_id, signed_names, sign::V3Signature(o.secret, sts));
    if (o.v3_algorithm != "ACS3-HMAC-SHA256") auth.replace(0, auth.find(' '), o.v3_algorithm);
    lines.push_back("Authorization: " + auth);
  }
  fresh_ = o.fresh_connection;
  std::string target = "/";
  if (!query.empty()) target += "?" + Encode(query);
  return Raw("POST", target, lines, o.tamper_body.empty() ? body : o.tamper_body);
}

TEST_CASE("fixture: the server answers and keeps the connection alive") {
  HttpFixture f;
  Reply a = f.Rpc("DescribeRegions", {});
  REQUIRE(a.status == 200);
  Reply b = f.Rpc("DescribeRegions", {});
  REQUIRE(b.status == 200);
  CHECK(b.new_connections == 0);  // reused the keep-alive connection
  CHECK(b.Json()["Regions"]["Region"].size() == 2);
}

}  // namespace respec::emulator::http::testing
