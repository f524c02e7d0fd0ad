// `respec whoami`: which link of the credential chain supplied the
// credentials, the AccessKey ID redacted, the role and the expiry, and what
// was tried before it. Never a secret: only Credentials::Redacted() and
// names. Exit 0 when credentials were found, 1 otherwise (the error lists
// every link tried).
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <iostream>

#include "cli/cloud_factory.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "core/timefmt.h"

namespace respec::cli {

void RegisterWhoami(CLI::App& app, GlobalOptions& g, Runner* run) {
  auto* cmd = app.add_subcommand(
      "whoami", "Show which credentials respec would use (provider, key ID redacted, role, expiry); never a secret");
  cmd->callback([run, &g] {
    *run = [&g] {
      Profile profile;
      if (!LoadGlobalProfile(g, &profile, std::cerr)) return 1;
      SystemClock clock;
      CredentialsResult r = LoadProfileCredentials(g, profile, "whoami", &clock, std::cerr);
      if (!r.ok()) return 1;
      const Credentials& c = r.credentials;
      std::string key = c.Redacted();
      if (size_t p = key.find(" ("); p != std::string::npos) key.resize(p);
      std::cout << "provider:   " << r.provider_name << "\n"
                << "access key: " << key << (c.security_token.empty() ? "" : " (temporary, with an STS token)")
                << "\n";
      if (!c.role.empty()) std::cout << "role:       " << c.role << "\n";
      if (c.expiration) {
        auto left = std::chrono::duration_cast<std::chrono::seconds>(*c.expiration - clock.Now()).count();
        std::cout << "expires:    " << FormatUtcSeconds(*c.expiration)
                  << fmt::format(" (in {}m{:02}s; refreshed ahead of expiry)", left / 60, left % 60) << "\n";
      } else {
        std::cout << "expires:    never (a long-lived AccessKey)\n";
      }
      for (const auto& t : r.tried) std::cout << "skipped:    " << t << "\n";
      return 0;
    };
  });
}

}  // namespace respec::cli
