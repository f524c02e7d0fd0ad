// Load benchmark of the emulator's HTTP door, loopback only and bounded:
// 16 keep-alive clients send 20,000 signed RPC requests (mostly
// DescribeInstances, some DescribeInstanceStatus/Stop/Start, some
// ModifyPrepayInstanceSpec with ClientTokens) to an in-process emulator with
// 1,000 instances, no faults, no rate limit. Prints requests/s, p50/p99/max
// latency, errors by code, and checks that every request was answered and
// no order was lost: the orders in /_emulator/orders are exactly the
// distinct OrderIds of accepted ModifyPrepayInstanceSpec answers.
// Usage: emulator_load_bench [--requests N] [--clients N] [--instances N]
// Exit status: 0 if every request was answered and no order lost.
#include <curl/curl.h>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/timefmt.h"
#include "ecs/signer.h"
#include "emulator/http/api.h"
#include "emulator/http/server.h"
#include "emulator/model.h"
#include "emulator/world.h"

namespace {

using namespace respec;
using namespace respec::emulator;
using Steady = std::chrono::steady_clock;

constexpr auto kDeadline = std::chrono::seconds(120);

size_t Collect(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

struct Target {
  std::string id;
  std::string upgrade;  // next size up in the same family
};

struct Shared {
  uint16_t port = 0;
  std::string key_id, secret;
  std::vector<Target> targets;
  std::atomic<int> next{0};
  int total = 0;
  Steady::time_point deadline;

  std::mutex mu;
  std::vector<double> latencies_ms;
  std::map<std::string, long> errors;       // API error codes
  long transport_errors = 0;                // no HTTP answer
  std::set<std::string> accepted_orders;    // OrderIds of 200 answers
  std::map<std::string, long> sent;
};

std::string Get(CURL* curl, const std::string& url, long* status) {
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  *status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
  return body;
}

void Client(Shared* s, int client_id) {
  CURL* curl = curl_easy_init();
  std::vector<double> lat;
  std::map<std::string, long> errors, sent;
  std::set<std::string> orders;
  long transport = 0;
  uint64_t rng = 0x9E3779B97F4A7C15ull * (client_id + 1);
  auto rand = [&rng] {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
  };
  std::string base = "http://127.0.0.1:" + std::to_string(s->port) + "/?";
  for (int n = s->next++; n < s->total && Steady::now() < s->deadline; n = s->next++) {
    const Target& t = s->targets[rand() % s->targets.size()];
    int roll = int(rand() % 100);
    sign::Params p;
    std::string action;
    if (roll < 80) {
      action = "DescribeInstances";
      p = {{"RegionId", "cn-hangzhou"}};
      if (roll % 2) {
        std::string ids = "[";
        for (int k = 0; k < 5; ++k)
          ids += (k ? ",\"" : "\"") + s->targets[rand() % s->targets.size()].id + "\"";
        p.emplace_back("InstanceIds", ids + "]");
      } else {
        p.emplace_back("PageSize", "20");
        p.emplace_back("PageNumber", std::to_string(1 + rand() % 50));
      }
    } else if (roll < 85) {
      action = "DescribeInstanceStatus";
      p = {{"RegionId", "cn-hangzhou"}, {"PageSize", "50"}};
    } else if (roll < 89) {
      action = "StopInstance";
      p = {{"InstanceId", t.id}};
    } else if (roll < 93) {
      action = "StartInstance";
      p = {{"InstanceId", t.id}};
    } else {
      action = "ModifyPrepayInstanceSpec";
      p = {{"RegionId", "cn-hangzhou"},
           {"InstanceId", t.id},
           {"InstanceType", t.upgrade},
           {"ClientToken", "bench-" + t.id + "-" + t.upgrade}};
    }
    sign::Params all = {{"Action", action},
                        {"Version", "2014-05-26"},
                        {"Format", "JSON"},
                        {"AccessKeyId", s->key_id},
                        {"SignatureMethod", "HMAC-SHA1"},
                        {"SignatureVersion", "1.0"},
                        {"SignatureNonce", std::to_string(client_id) + "-" + std::to_string(n)},
                        {"Timestamp", FormatUtcSeconds(std::chrono::system_clock::now())}};
    all.insert(all.end(), p.begin(), p.end());
    std::string sig = sign::RpcSignature(s->secret, sign::RpcStringToSign("GET", all));
    all.emplace_back("Signature", sig);
    std::string url = base;
    for (size_t i = 0; i < all.size(); ++i)
      url += (i ? "&" : "") + sign::PercentEncode(all[i].first) + "=" + sign::PercentEncode(all[i].second);

    long status = 0;
    auto t0 = Steady::now();
    std::string body = Get(curl, url, &status);
    lat.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
    ++sent[action];
    if (status == 0) {
      ++transport;
      continue;
    }
    if (status == 200 && action != "ModifyPrepayInstanceSpec") continue;  // parse only what is checked
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (status != 200) {
      ++errors[j.is_object() && j.contains("Code") ? j["Code"].get<std::string>() : "HTTP" + std::to_string(status)];
    } else if (action == "ModifyPrepayInstanceSpec") {
      orders.insert(j.value("OrderId", std::string("?")));
    }
  }
  curl_easy_cleanup(curl);
  std::lock_guard<std::mutex> l(s->mu);
  s->latencies_ms.insert(s->latencies_ms.end(), lat.begin(), lat.end());
  for (auto& [k, v] : errors) s->errors[k] += v;
  for (auto& [k, v] : sent) s->sent[k] += v;
  s->accepted_orders.insert(orders.begin(), orders.end());
  s->transport_errors += transport;
}

// CPU seconds used so far by the server's io threads (named "respec-io").
double ServerCpuSeconds() {
  double total = 0;
  DIR* d = opendir("/proc/self/task");
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::string base = std::string("/proc/self/task/") + e->d_name;
    FILE* f = std::fopen((base + "/comm").c_str(), "r");
    if (!f) continue;
    char comm[64] = {0};
    bool io = std::fgets(comm, sizeof comm, f) && std::strncmp(comm, "respec-io", 9) == 0;
    std::fclose(f);
    if (!io || !(f = std::fopen((base + "/stat").c_str(), "r"))) continue;
    char buf[1024] = {0};
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char* p = std::strrchr(buf, ')');  // fields after the command name
    unsigned long utime = 0, stime = 0;
    if (p && std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) == 2)
      total += double(utime + stime) / double(sysconf(_SC_CLK_TCK));
  }
  closedir(d);
  return total;
}

int IntFlag(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  int requests = IntFlag(argc, argv, "--requests", 20000);
  int clients = IntFlag(argc, argv, "--clients", 16);
  int instances = IntFlag(argc, argv, "--instances", 1000);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  World world = GenerateWorld(instances, 42);
  Shared s;
  s.key_id = world.keys.front().id;
  s.secret = world.keys.front().secret;
  std::map<std::string, const CatalogType*> by_id;
  for (const auto& c : world.catalog) by_id[c.type.id] = &c;
  const char* sizes[] = {"large", "xlarge", "2xlarge", "3xlarge", "4xlarge", "6xlarge", "8xlarge"};
  for (const auto& w : world.instances) {
    const std::string& type = w.instance.type;
    std::string family = type.substr(0, type.rfind('.'));
    std::string size = type.substr(type.rfind('.') + 1);
    for (size_t i = 0; i + 1 < std::size(sizes); ++i)
      if (size == sizes[i] && by_id.count(family + "." + sizes[i + 1]))
        s.targets.push_back({w.instance.id, family + "." + sizes[i + 1]});
  }

  SystemClock wall;
  Model model(std::move(world), &wall);
  http::ApiOptions options;
  options.default_qps = 0;  // no throttling: measure the server
  http::Api api(&model, &wall, options);
  http::Server server(&api, http::ServerOptions{});
  std::string error;
  if (!server.Start(&error)) {
    std::fprintf(stderr, "emulator_load_bench: %s\n", error.c_str());
    return 1;
  }
  s.port = server.port();
  s.total = requests;
  s.deadline = Steady::now() + kDeadline;

  auto t0 = Steady::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) threads.emplace_back(Client, &s, c);
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Steady::now() - t0).count();

  double server_cpu = ServerCpuSeconds();
  CURL* curl = curl_easy_init();
  long status = 0;
  auto orders = nlohmann::json::parse(
      Get(curl, "http://127.0.0.1:" + std::to_string(s.port) + "/_emulator/orders", &status), nullptr, false);
  curl_easy_cleanup(curl);
  server.Stop();

  std::set<std::string> placed;
  if (orders.is_array())
    for (const auto& o : orders) placed.insert(o.value("OrderId", std::string()));

  auto& lat = s.latencies_ms;
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, size_t(p * lat.size()))]; };
  long api_errors = 0;
  for (auto& [k, v] : s.errors) api_errors += v;

  std::printf("emulator_load_bench: %zu requests, %d clients (keep-alive), %d instances, %.2f s\n",
              lat.size(), clients, instances, secs);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::printf("  throughput: %.0f requests/s; CPU (server + clients) %.0f us per request\n",
              lat.size() / secs, 1e6 * cpu / std::max<size_t>(1, lat.size()));
  std::printf("  server io threads: %.0f us CPU per request\n", 1e6 * server_cpu / std::max<size_t>(1, lat.size()));
  std::printf("  latency: p50 %.3f ms, p99 %.3f ms, max %.3f ms (target p99 < 5 ms)\n", pct(0.50),
              pct(0.99), lat.empty() ? 0.0 : lat.back());
  std::printf("  sent:");
  for (auto& [k, v] : s.sent) std::printf(" %s=%ld", k.c_str(), v);
  std::printf("\n  unanswered (transport errors): %ld\n", s.transport_errors);
  std::printf("  API errors (expected from the state machine):");
  for (auto& [k, v] : s.errors) std::printf(" %s=%ld", k.c_str(), v);
  std::printf(" (total %ld)\n", api_errors);
  std::printf("  orders: %zu accepted OrderIds, %zu in /_emulator/orders\n", s.accepted_orders.size(),
              placed.size());

  bool ok = true;
  if (static_cast<int>(lat.size()) != requests) {
    std::printf("FAIL: only %zu of %d requests sent before the deadline\n", lat.size(), requests);
    ok = false;
  }
  if (s.transport_errors != 0) {
    std::printf("FAIL: %ld requests got no answer\n", s.transport_errors);
    ok = false;
  }
  if (placed != s.accepted_orders) {
    std::printf("FAIL: orders placed and orders accepted differ\n");
    ok = false;
  }
  if (pct(0.99) >= 5.0) std::printf("NOTE: p99 %.3f ms is above the 5 ms target\n", pct(0.99));
  std::printf("%s\n", ok ? "OK: every request answered, no order lost" : "FAILED");
  curl_global_cleanup();
  return ok ? 0 : 1;
}
