// Launcher: everything `respec emulator` does between parsing flags and
// waiting for a signal, so the CLI stays thin and tests can start a real
// emulator in-process: build the world (file, built-in or generated), add a
// key pair, restore the state file, start the model on a scaled clock, start
// the server (ECS and STS doors) and, with --metadata-listen, the metadata
// door on its own listener, print the banner, write the port file.
//
// Errors: Start returns false with a one-line message (bad world, bad flag
// value, port in use, unreadable state file); nothing throws.
// Threads: Start/Stop from one thread.
// Ownership: owns the clocks, model, api and server it creates.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "emulator/http/api.h"
#include "emulator/http/metadata_door.h"
#include "emulator/http/server.h"
#include "emulator/model.h"

namespace respec::emulator::http {

struct LaunchConfig {
  std::string listen = "127.0.0.1:8470";
  std::string world_file;          // empty: DefaultWorld (or generated)
  int generate = -1;               // >= 0: GenerateWorld(generate, seed)
  uint64_t seed = 1;
  double time_scale = 1.0;
  std::string faults;              // fault spec, empty = none
  std::string state_file;
  std::string port_file;
  std::string access_key_id;       // with access_key_secret: an extra key pair
  std::string access_key_secret;
  std::vector<std::string> qps;    // "N" (default for all) or "Action=N"
  int io_threads = 2;
  std::string metadata_listen;     // HOST:PORT of the metadata door; "" = none
};

class Launcher {
 public:
  Launcher();
  ~Launcher();

  // Prints the banner (address, endpoint, credentials) to `out`.
  bool Start(const LaunchConfig& config, std::ostream& out, std::string* error);
  // Stops the server and saves the state file if one was given.
  bool Stop(std::string* error);

  Server* server() { return server_.get(); }
  Server* metadata_server() { return metadata_server_.get(); }
  MetadataDoor* metadata() { return metadata_.get(); }
  Model* model() { return model_.get(); }
  Api* api() { return api_.get(); }

 private:
  std::unique_ptr<Clock> model_clock_;
  std::unique_ptr<Clock> wall_clock_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<MetadataDoor> metadata_;
  std::unique_ptr<Server> metadata_server_;
  std::shared_ptr<void> faults_;  // the fault injector, type-erased
  std::string state_file_;
};

// Applies "--qps" values to `options`; false with a message on a bad value.
bool ApplyQpsFlags(const std::vector<std::string>& values, ApiOptions* options, std::string* error);

}  // namespace respec::emulator::http
