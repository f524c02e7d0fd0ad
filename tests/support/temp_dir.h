// A private temporary directory for a test, removed with everything in it
// when the object goes out of scope.
#pragma once

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace respec::testing {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix = "respec-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to `rel` (creating folders) with `mode`; returns the path.
  std::string Write(const std::string& rel, const std::string& text, mode_t mode = 0600) const {
    std::filesystem::path p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    chmod(p.c_str(), mode);
    return p.string();
  }
};

}  // namespace respec::testing
