// `respec emulator`: a local ECS API server the official SDKs accept
// unmodified. Flags are parsed here; the Launcher (emulator/http/) builds
// the world, model and server, and this command waits for SIGINT/SIGTERM.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "emulator/http/launcher.h"

namespace respec::cli {

void RegisterEmulator(CLI::App& app, GlobalOptions&, Runner* run) {
  auto cfg = std::make_shared<emulator::http::LaunchConfig>();
  auto* cmd = app.add_subcommand(
      "emulator", "Run a local ECS API emulator (official SDKs work against it unchanged)");
  cmd->add_option("--listen", cfg->listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->capture_default_str();
  cmd->add_option("--world", cfg->world_file, "World YAML (schemas/world.schema.json); default: built-in");
  cmd->add_option("--generate", cfg->generate, "Generate a fleet of N PrePaid instances (with --seed)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", cfg->seed, "Seed for --generate and --faults")->capture_default_str();
  cmd->add_option("--time-scale", cfg->time_scale, "Run emulated time X times faster than real time")
      ->capture_default_str();
  cmd->add_option("--faults", cfg->faults,
                  "Inject faults per request, e.g. throttling=0.1,last-order=0.05,internal=0.02,drop=0.01,slow=0.01,slow-ms=300");
  cmd->add_option("--qps", cfg->qps, "Per-action rate limit: N (all actions) or Action=N; repeatable");
  cmd->add_option("--state-file", cfg->state_file, "Restore state from F at start, save it at exit");
  cmd->add_option("--port-file", cfg->port_file, "Write the listening port to F once ready");
  cmd->add_option("--access-key-id", cfg->access_key_id,
                  "Accept this key ID too (or RESPEC_EMULATOR_ACCESS_KEY_ID)");
  cmd->add_option("--access-key-secret", cfg->access_key_secret,
                  "Secret for --access-key-id (or RESPEC_EMULATOR_ACCESS_KEY_SECRET)");
  cmd->add_option("--metadata-listen", cfg->metadata_listen,
                  "HOST:PORT of an ECS metadata door serving the world's sts.instance_role credentials");
  cmd->add_option("--io-threads", cfg->io_threads, "Server io threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();

  cmd->callback([run, cfg] {
    *run = [cfg] {
      if (cfg->access_key_id.empty() && cfg->access_key_secret.empty()) {
        const char* id = std::getenv("RESPEC_EMULATOR_ACCESS_KEY_ID");
        const char* secret = std::getenv("RESPEC_EMULATOR_ACCESS_KEY_SECRET");
        if (id) cfg->access_key_id = id;
        if (secret) cfg->access_key_secret = secret;
      }
      emulator::http::Launcher launcher;
      std::string error;
      if (!launcher.Start(*cfg, std::cout, &error)) {
        std::cerr << "respec emulator: " << error << "\n";
        return 1;
      }
      int sig = launcher.server()->WaitForSignal();
      std::cout << "respec emulator: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
                << ", shutting down" << std::endl;
      if (!launcher.Stop(&error)) {
        std::cerr << "respec emulator: " << error << "\n";
        return 1;
      }
      return 0;
    };
  });
}

}  // namespace respec::cli
