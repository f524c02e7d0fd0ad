// libFuzzer target: respec.toml. Any bytes must load or be refused without a
// crash, a hang or a sanitizer report, and a refusal always says why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  respec::Profile profile;
  std::vector<respec::Diagnostic> diags;
  bool ok = respec::LoadProfileFromString(text, "fuzz.toml", "default", &profile, &diags);
  bool error = false;
  for (const auto& d : diags) {
    if (d.message.empty() || d.ToString().empty()) std::abort();
    error |= !d.warning;
  }
  if (!ok && !error) std::abort();
  return 0;
}
