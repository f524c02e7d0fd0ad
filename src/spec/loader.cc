#include "spec/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/file_read.h"
#include "core/sha256.h"
#include "spec/schema_check.h"
#include "spec/semantic.h"
#include "spec/text_checks.h"
#include "spec/yaml_json.h"

namespace respec {
namespace {

void FileProblem(const std::string& path, std::string message, std::vector<Diagnostic>* diags) {
  Diagnostic d;
  d.file = path;
  d.message = std::move(message);
  diags->push_back(std::move(d));
}

std::string TooLarge(uint64_t size) {
  return fmt::format("file is too large: {} bytes; a fleet spec may be at most {} bytes (8 MiB)", size,
                     kMaxSpecBytes);
}

// Standard input (`-f -`), bounded like a file; a pipe has no size up front.
bool ReadStdinBounded(std::string* text, std::vector<Diagnostic>* diags) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      FileProblem(kStdinName, fmt::format("cannot read: {}", std::strerror(errno)), diags);
      return false;
    }
    if (n == 0) return true;
    if (text->size() + static_cast<size_t>(n) > kMaxSpecBytes) {
      FileProblem(kStdinName, TooLarge(text->size() + static_cast<size_t>(n)), diags);
      return false;
    }
    text->append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

size_t CountTargets(const FleetSpec& spec) {
  size_t n = 0;
  for (const Group& g : spec.groups) n += g.targets.size();
  return n;
}

bool LoadFleetSpec(const std::string& path, const Clock& clock, FleetSpec* out,
                   std::vector<Diagnostic>* diags) {
  std::string text;
  if (path == "-") {
    if (!ReadStdinBounded(&text, diags)) return false;
    return LoadFleetSpecFromString(text, kStdinName, clock, out, diags);
  }
  if (Status s = ReadFileBounded(path, kMaxSpecBytes, "fleet spec", &text); !s.ok()) {
    FileProblem(path, s.message(), diags);
    return false;
  }
  return LoadFleetSpecFromString(text, path, clock, out, diags);
}

bool LoadFleetSpecFromString(std::string_view text, std::string name, const Clock& clock,
                             FleetSpec* out, std::vector<Diagnostic>* diags) {
  std::vector<Diagnostic> found;
  auto finish = [&](bool ok) {
    for (Diagnostic& d : found) {
      d.file = name;
      diags->push_back(std::move(d));
    }
    return ok;
  };
  *out = FleetSpec{};
  out->path = name;
  if (text.size() > kMaxSpecBytes) {
    found.push_back({"", 0, 0, "", TooLarge(text.size()), false});
    return finish(false);
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    found.push_back({"", 1, 1, "", "the file is empty: a fleet spec needs at least \"version: 1\" and \"groups\"", false});
    return finish(false);
  }
  if (auto d = CheckUtf8(text)) {
    found.push_back(*d);
    return finish(false);
  }
  if (auto d = CheckNesting(text)) {
    found.push_back(*d);
    return finish(false);
  }
  out->sha256 = Sha256Hex(text);
  YamlJson doc;
  if (!ParseYamlToJson(text, &doc, &found)) return finish(false);
  std::set<std::string> reported;
  for (const Diagnostic& d : found) reported.insert(d.path);
  CheckAgainstSchema(doc, &found, &reported);
  BuildFleetSpec(doc, clock, reported, out, &found);
  // In file order, so a reader can work down the file.
  std::stable_sort(found.begin(), found.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  bool ok = !HasErrors(found);
  return finish(ok);
}

}  // namespace respec
