// The Launcher behind `respec emulator`: banner, port file, extra key pair,
// state file round trip, and clear errors for bad flags.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "emulator/http/http_fixture.h"
#include "emulator/http/launcher.h"

namespace respec::emulator::http::testing {
namespace {

std::string TempDir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("respec-launcher-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("launcher: banner with endpoint and credentials, port file, extra key") {
  std::string dir = TempDir();
  LaunchConfig c;
  c.listen = "127.0.0.1:0";
  c.generate = 5;
  c.port_file = dir + "/port";
  c.access_key_id = "LTAIextra";
  c.access_key_secret = "extra-secret";
  Launcher l;
  std::ostringstream out;
  std::string error;
  REQUIRE(l.Start(c, out, &error));
  uint16_t port = l.server()->port();
  CHECK(port != 0);
  CHECK(ReadFile(c.port_file) == std::to_string(port) + "\n");
  std::string banner = out.str();
  CHECK(banner.find("endpoint: http://127.0.0.1:" + std::to_string(port) + "\n") != std::string::npos);
  CHECK(banner.find("export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIextra ALIBABA_CLOUD_ACCESS_KEY_SECRET=extra-secret\n") !=
        std::string::npos);
  CHECK(l.model()->FindAccessKey("LTAIextra") != nullptr);
  CHECK(l.model()->FindAccessKey("LTAI5tRespecDemoKey0001") != nullptr);
  CHECK(l.model()->Instances().size() == 5);
  REQUIRE(l.Stop(&error));
  std::filesystem::remove_all(dir);
}

TEST_CASE("launcher: the state file survives a restart") {
  std::string dir = TempDir();
  LaunchConfig c;
  c.listen = "127.0.0.1:0";
  c.generate = 3;
  c.state_file = dir + "/state.json";
  std::ostringstream out;
  std::string error;
  std::string id;
  {
    Launcher l;
    REQUIRE(l.Start(c, out, &error));
    id = l.model()->Instances()[0].instance.id;
    REQUIRE(l.model()->StopInstance("cn-hangzhou", id).ok());
    REQUIRE(l.Stop(&error));
  }
  REQUIRE(std::filesystem::exists(c.state_file));
  Launcher again;
  REQUIRE(again.Start(c, out, &error));
  std::string status;
  for (const auto& w : again.model()->Instances())
    if (w.instance.id == id) status = w.instance.status;
  CHECK((status == "Stopping" || status == "Stopped"));
  REQUIRE(again.Stop(&error));
  std::filesystem::remove_all(dir);
}

TEST_CASE("launcher: bad flags give one clear message") {
  auto fails = [](LaunchConfig c, const std::string& needle) {
    Launcher l;
    std::ostringstream out;
    std::string error;
    CHECK_FALSE(l.Start(c, out, &error));
    INFO(error);
    CHECK(error.find(needle) != std::string::npos);
  };
  LaunchConfig base;
  base.listen = "127.0.0.1:0";
  LaunchConfig c = base;
  c.listen = "localhost";
  fails(c, "--listen");
  c = base;
  c.listen = "not-an-ip:80";
  fails(c, "not an IP address");
  c = base;
  c.world_file = "/nonexistent/world.yaml";
  fails(c, "/nonexistent/world.yaml");
  c = base;
  c.world_file = "w.yaml";
  c.generate = 3;
  fails(c, "exclusive");
  c = base;
  c.access_key_id = "only-id";
  fails(c, "--access-key-secret");
  c = base;
  c.qps = {"DescribeInstances=fast"};
  fails(c, "--qps");
  c = base;
  c.faults = "gremlins=1";
  fails(c, "gremlins");
  c = base;
  c.time_scale = 0;
  fails(c, "--time-scale");
}

TEST_CASE("launcher: --qps sets the default and per-action limits") {
  ApiOptions o;
  std::string error;
  REQUIRE(ApplyQpsFlags({"50", "ModifyPrepayInstanceSpec=5"}, &o, &error));
  CHECK(o.default_qps == 50);
  CHECK(o.qps_limits["ModifyPrepayInstanceSpec"] == 5);
  CHECK_FALSE(ApplyQpsFlags({"=5"}, &o, &error));
  CHECK_FALSE(ApplyQpsFlags({"-1"}, &o, &error));
}

}  // namespace respec::emulator::http::testing
