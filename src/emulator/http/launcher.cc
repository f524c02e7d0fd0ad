#include "emulator/http/launcher.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "emulator/http/fault_source.h"
#include "emulator/world.h"

namespace respec::emulator::http {
namespace {

bool ParseDouble(const std::string& s, double* out) {
  const char* b = s.data();
  const char* e = b + s.size();
  auto [end, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && end == e;
}

bool WriteFileAtomically(const std::string& path, const std::string& text, std::string* error) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) {
      *error = "cannot write " + tmp;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    *error = "cannot rename " + tmp + " to " + path + ": " + ec.message();
    return false;
  }
  return true;
}

std::string RandomHex(size_t n) {
  std::random_device rd;
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(kHex[rd() % 16]);
  return s;
}

}  // namespace

bool ApplyQpsFlags(const std::vector<std::string>& values, ApiOptions* options, std::string* error) {
  for (const std::string& v : values) {
    size_t eq = v.find('=');
    std::string action = eq == std::string::npos ? "" : v.substr(0, eq);
    std::string number = eq == std::string::npos ? v : v.substr(eq + 1);
    double qps = 0;
    if (!ParseDouble(number, &qps) || qps < 0 || (eq != std::string::npos && action.empty())) {
      *error = "--qps wants N or Action=N with N >= 0 (0 = unlimited); got \"" + v + "\"";
      return false;
    }
    if (action.empty()) {
      options->default_qps = qps;
    } else {
      options->qps_limits[action] = qps;
    }
  }
  return true;
}

Launcher::Launcher() = default;
Launcher::~Launcher() {
  std::string ignored;
  if (server_) Stop(&ignored);
}

bool Launcher::Start(const LaunchConfig& config, std::ostream& out, std::string* error) {
  std::string host;
  uint16_t port = 0;
  if (!ParseListenAddress(config.listen, &host, &port, error)) return false;
  if (!(config.time_scale > 0) || config.time_scale > 1e6) {
    *error = "--time-scale must be a number > 0 (10 runs emulated time 10x faster)";
    return false;
  }
  if (!config.world_file.empty() && config.generate >= 0) {
    *error = "--world and --generate are exclusive: give a world file or generate one";
    return false;
  }
  if (config.access_key_id.empty() != config.access_key_secret.empty()) {
    *error = "give both --access-key-id and --access-key-secret (or both environment variables)";
    return false;
  }

  World world;
  if (!config.world_file.empty()) {
    std::vector<std::string> errors;
    if (!LoadWorld(config.world_file, &world, &errors)) {
      *error = "invalid world file:";
      for (const auto& e : errors) *error += "\n  " + e;
      return false;
    }
  } else if (config.generate >= 0) {
    world = GenerateWorld(config.generate, config.seed);
  } else {
    world = DefaultWorld();
  }
  if (!config.access_key_id.empty())
    world.keys.insert(world.keys.begin(),
                      AccessKey{config.access_key_id, config.access_key_secret, ""});
  if (world.keys.empty())
    world.keys.push_back(AccessKey{"LTAI5tEmu" + RandomHex(12), RandomHex(30), ""});

  ApiOptions options;
  options.qps_limits = world.qps_limits;
  options.default_qps = world.default_qps;
  options.sts = world.sts;
  if (!ApplyQpsFlags(config.qps, &options, error)) return false;
  if (!config.faults.empty() && !MakeFaultSource(config.faults, config.seed, &options, &faults_, error))
    return false;

  const AccessKey shown = world.keys.front();
  size_t instance_count = world.instances.size();
  model_clock_ = std::make_unique<ScaledClock>(config.time_scale);
  wall_clock_ = std::make_unique<SystemClock>();
  model_ = std::make_unique<Model>(std::move(world), model_clock_.get(), Timing{}, config.seed);
  state_file_ = config.state_file;
  if (!state_file_.empty() && std::filesystem::exists(state_file_)) {
    if (!model_->LoadState(state_file_, error)) return false;
  }
  api_ = std::make_unique<Api>(model_.get(), wall_clock_.get(), options);
  ServerOptions so;
  so.host = host;
  so.port = port;
  so.io_threads = config.io_threads;
  server_ = std::make_unique<Server>(api_.get(), so);
  if (!server_->Start(error)) {
    server_.reset();
    return false;
  }

  std::string hostport = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                         std::to_string(server_->port());
  std::string metadata_line;
  if (!config.metadata_listen.empty()) {
    std::string mhost;
    uint16_t mport = 0;
    if (!ParseListenAddress(config.metadata_listen, &mhost, &mport, error)) return false;
    metadata_ = std::make_unique<MetadataDoor>(api_->sts(), wall_clock_.get());
    ServerOptions mo;
    mo.host = mhost;
    mo.port = mport;
    mo.io_threads = 1;
    MetadataDoor* door = metadata_.get();
    metadata_server_ = std::make_unique<Server>([door](const RawRequest& r) { return door->Handle(r); }, mo);
    if (!metadata_server_->Start(error)) {
      metadata_server_.reset();
      return false;
    }
    metadata_line = "metadata: export RESPEC_ECS_METADATA_ENDPOINT=http://" +
                    (mhost.find(':') != std::string::npos ? "[" + mhost + "]" : mhost) + ":" +
                    std::to_string(metadata_server_->port()) + "\n";
  }
  out << "respec emulator: ECS API " << kApiVersion << " listening on http://" << hostport << " ("
      << instance_count << " instances, time scale " << config.time_scale
      << (config.faults.empty() ? "" : ", faults " + config.faults) << ")\n"
      << "endpoint: http://" << hostport << "\n"
      << "export ALIBABA_CLOUD_ACCESS_KEY_ID=" << shown.id
      << " ALIBABA_CLOUD_ACCESS_KEY_SECRET=" << shown.secret << "\n";
  if (!shown.security_token.empty())
    out << "export ALIBABA_CLOUD_SECURITY_TOKEN=" << shown.security_token << "\n";
  out << "sts: export RESPEC_STS_ENDPOINT=http://" << hostport << "\n" << metadata_line;
  out << "inspect: http://" << hostport << "/_emulator/orders  /_emulator/instances  /_emulator/stats  /_emulator/requests\n"
      << "(these are the emulator's own fake credentials; stop with Ctrl-C)" << std::endl;

  if (!config.port_file.empty() &&
      !WriteFileAtomically(config.port_file, std::to_string(server_->port()) + "\n", error))
    return false;
  return true;
}

bool Launcher::Stop(std::string* error) {
  if (metadata_server_) metadata_server_->Stop();
  metadata_server_.reset();
  if (server_) server_->Stop();
  server_.reset();
  if (!state_file_.empty() && model_) {
    if (!model_->SaveState(state_file_, error)) return false;
  }
  return true;
}

}  // namespace respec::emulator::http
