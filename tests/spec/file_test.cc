// Reading spec files: missing, directories, special files, huge files.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "spec/spec_test_util.h"
#include "support/temp_dir.h"

namespace respec {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

std::vector<std::string> LoadFile(const std::string& path, bool* ok = nullptr) {
  VirtualClock clock;
  FleetSpec spec;
  std::vector<Diagnostic> diags;
  bool r = LoadFleetSpec(path, clock, &spec, &diags);
  if (ok) *ok = r;
  std::vector<std::string> out;
  for (const Diagnostic& d : diags) out.push_back(d.ToString());
  return out;
}

TEST_CASE("a missing file, a directory, a device") {
  TempDir dir;
  auto m = LoadFile((dir.path / "nope.yaml").string());
  REQUIRE(m.size() == 1);
  CHECK(m[0] == (dir.path / "nope.yaml").string() + ": cannot open: No such file or directory");
  m = LoadFile(dir.path.string());
  REQUIRE(m.size() == 1);
  CHECK(m[0] == dir.path.string() + ": is a directory, not a fleet spec file");
  m = LoadFile("/dev/zero");
  REQUIRE(m.size() == 1);
  CHECK(m[0] == "/dev/zero: is not a regular file");
  std::string fifo = (dir.path / "fifo").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  m = LoadFile(fifo);  // must not block waiting for a writer
  REQUIRE(m.size() == 1);
  CHECK(m[0] == fifo + ": is not a regular file");
}

TEST_CASE("a 100 MB file is refused by its size, at once") {
  TempDir dir;
  std::string big = (dir.path / "big.yaml").string();
  { std::ofstream(big) << "version: 1\n"; }
  REQUIRE(truncate(big.c_str(), 100 * 1000 * 1000) == 0);  // sparse: no disk used
  auto start = std::chrono::steady_clock::now();
  bool ok = true;
  auto m = LoadFile(big, &ok);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(ok);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == big + ": file is too large: 100000000 bytes; a fleet spec may be at most 8388608 bytes (8 MiB)");
  CHECK(took < std::chrono::milliseconds(100));
}

TEST_CASE("a file is read and its name used in messages") {
  TempDir dir;
  std::string path = (dir.path / "fleet.yaml").string();
  { std::ofstream(path) << "version: 1\ngroups:\n  web:\n    targets: []\n"; }
  bool ok = true;
  auto m = LoadFile(path, &ok);
  CHECK_FALSE(ok);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == path + ":4:14: groups.web.targets: targets is empty: a group needs at least one target");
}

}  // namespace
}  // namespace respec
