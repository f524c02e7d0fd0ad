// respec instances [--region R]... [--tag KEY[=VALUE]]... [--json]
// Lists the account's instances through the ECS client (all pages), with
// credentials from the environment or the aliyun CLI config. Regions: the
// flags, else the profile's region. Exit 0 on success, 1 on any error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/cloud_factory.h"
#include "cli/commands.h"
#include "core/terminal_text.h"
#include "core/clock.h"

namespace respec::cli {
namespace {

struct InstancesOpts {
  std::vector<std::string> regions;
  std::vector<std::string> tags;
  bool json = false;
};

std::string TagsText(const std::vector<Tag>& tags) {
  std::string s;
  for (const auto& [k, v] : tags) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s.empty() ? "-" : s;
}

std::string Or(const std::string& s) { return s.empty() ? "-" : s; }

void PrintTable(const std::vector<Instance>& all) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "REGION", "ZONE", "TYPE", "STATUS", "CHARGE", "EXPIRES", "TAGS"}};
  for (const Instance& i : all)
    rows.push_back({ForTerminal(i.id), ForTerminal(Or(i.region)), ForTerminal(Or(i.zone)), ForTerminal(i.type),
                    ForTerminal(i.status), ForTerminal(Or(i.charge_type)), ForTerminal(Or(i.expired_time)),
                    ForTerminal(TagsText(i.tags))});  // all from the API
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c)
      line += c + 1 == r.size() ? r[c] : fmt::format("{:<{}}  ", r[c], width[c]);
    std::cout << line << "\n";
  }
  std::cout << all.size() << (all.size() == 1 ? " instance\n" : " instances\n");
}

// schemas/instances.schema.json: versioned, snake_case like every other output.
void PrintJson(const std::vector<Instance>& all) {
  nlohmann::json list = nlohmann::json::array();
  for (const Instance& i : all) {
    nlohmann::json tags = nlohmann::json::object();
    for (const auto& [k, v] : i.tags) tags[k] = v;
    list.push_back({{"id", i.id},
                    {"region", i.region},
                    {"zone", i.zone},
                    {"type", i.type},
                    {"status", i.status},
                    {"charge_type", i.charge_type},
                    {"expired_time", i.expired_time},
                    {"name", i.name},
                    {"tags", tags}});
  }
  nlohmann::json out = {{"format_version", 1}, {"instances", list}};
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

int RunInstances(const InstancesOpts& o, const GlobalOptions& g) {
  const char* kErr = "respec instances: ";
  std::vector<Tag> tags;
  for (const std::string& t : o.tags) {
    size_t eq = t.find('=');
    std::string key = t.substr(0, eq);
    if (key.empty()) {
      std::cerr << kErr << "--tag \"" << t << "\": expected KEY=VALUE or KEY\n";
      return 1;
    }
    tags.emplace_back(key, eq == std::string::npos ? "" : t.substr(eq + 1));
  }
  if (tags.size() > 20) {
    std::cerr << kErr << "--tag: at most 20 tags (the API's limit)\n";
    return 1;
  }
  SystemClock clock;
  CloudStack stack;
  Profile profile;
  if (!LoadCloudStack(g, "instances", &clock, &stack, &profile, std::cerr)) return 1;
  std::vector<std::string> regions = o.regions;
  if (regions.empty() && !profile.region.empty()) regions.push_back(profile.region);
  if (regions.empty()) {
    std::cerr << kErr << "no region: give --region or set `region` in the profile\n";
    return 1;
  }

  std::vector<Instance> all;
  for (const std::string& region : regions) {
    DescribeInstancesRequest req;
    req.region = region;
    req.tags = tags;
    req.max_results = 100;
    std::set<std::string> tokens_seen;
    for (;;) {
      auto page = stack.cloud()->DescribeInstances(req);
      if (!page.ok()) {
        std::cerr << kErr << page.error().Describe() << "\n";
        return 1;
      }
      for (Instance& i : page->instances) all.push_back(std::move(i));
      if (page->next_token.empty()) break;
      // A server repeating a token would page forever.
      if (!tokens_seen.insert(page->next_token).second) {
        std::cerr << kErr << "DescribeInstances returned the NextToken \"" << ForTerminal(page->next_token)
                  << "\" twice in " << region << "; stopping\n";
        return 1;
      }
      req.next_token = page->next_token;
    }
  }
  if (o.json) PrintJson(all);
  else PrintTable(all);
  return 0;
}

}  // namespace

void RegisterInstances(CLI::App& app, GlobalOptions& g, Runner* run) {
  auto o = std::make_shared<InstancesOpts>();
  auto* cmd = app.add_subcommand("instances", "List ECS instances through the API client (all pages)");
  cmd->add_option("--region", o->regions, "Region to list (repeat for several); default: the profile's");
  cmd->add_option("--tag", o->tags, "Only instances with this tag, KEY=VALUE or KEY (repeat: all must match)");
  cmd->add_flag("--json", o->json, "Print JSON instead of a table (schemas/instances.schema.json)");
  cmd->callback([run, o, &g] { *run = [o, &g] { return RunInstances(*o, g); }; });
}

}  // namespace respec::cli
