#include "plan/live_state.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>

namespace respec {
namespace {

constexpr size_t kIdBatch = 100;
constexpr int kMaxPages = 100000;  // a runaway NextToken loop is a server bug

struct Job {
  std::function<void()> run;
};

// Runs jobs on up to `concurrency` threads; each job records its own result.
void RunJobs(std::vector<Job>& jobs, int concurrency) {
  if (jobs.empty()) return;
  size_t n = std::clamp<size_t>(size_t(std::max(concurrency, 1)), 1, jobs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) jobs[i].run();
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

struct Fetch {
  std::vector<Instance> instances;
  std::vector<InstanceType> types;
  std::string error;
};

void FetchInstances(Cloud* cloud, DescribeInstancesRequest req, Fetch* out) {
  for (int page = 0; page < kMaxPages; ++page) {
    auto r = cloud->DescribeInstances(req);
    if (!r) {
      out->error = fmt::format("DescribeInstances in {}: {}", req.region, r.error().Describe());
      return;
    }
    for (auto& in : r->instances) {
      if (in.region.empty()) in.region = req.region;
      out->instances.push_back(std::move(in));
    }
    if (r->next_token.empty() || r->next_token == req.next_token) return;
    req.next_token = r->next_token;
  }
  out->error = fmt::format("DescribeInstances in {}: NextToken paging did not end", req.region);
}

void FetchTypes(Cloud* cloud, const std::string& region, Fetch* out) {
  DescribeInstanceTypesRequest req;
  req.region = region;  // the endpoint only
  req.max_results = kInstanceTypesMaxResults;
  for (int page = 0; page < kMaxPages; ++page) {
    auto r = cloud->DescribeInstanceTypes(req);
    if (!r) {
      out->error = fmt::format("DescribeInstanceTypes (via {}): {}", region, r.error().Describe());
      return;
    }
    for (auto& t : r->types) out->types.push_back(std::move(t));
    if (r->next_token.empty() || r->next_token == req.next_token) return;
    req.next_token = r->next_token;
  }
  out->error = fmt::format("DescribeInstanceTypes (via {}): NextToken paging did not end", region);
}

bool TagsMatch(const Instance& in, const std::vector<Tag>& want) {
  for (const auto& w : want) {
    bool found = std::any_of(in.tags.begin(), in.tags.end(), [&](const Tag& t) { return t == w; });
    if (!found) return false;
  }
  return true;
}

std::vector<Tag> SortedTags(std::vector<Tag> tags) {
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

}  // namespace

std::string FormatPos(const FleetSpec& spec, const SourcePos& pos) {
  if (pos.line <= 0) return spec.path;
  return fmt::format("{}:{}:{}", spec.path, pos.line, std::max(pos.column, 1));
}

namespace {

// What to ask, de-duplicated: explicit IDs per region, selectors per region.
struct Wanted {
  std::map<std::string, std::set<std::string>> ids_by_region;
  std::map<std::pair<std::string, std::vector<Tag>>, int> selector_index;  // -> fetch slot
  std::set<std::string> regions;
};

Wanted CollectWanted(const FleetSpec& spec) {
  Wanted w;
  for (const auto& g : spec.groups) {
    for (const auto& r : g.regions) w.regions.insert(r);
    for (const auto& t : g.targets)
      for (const auto& r : g.regions) {
        for (const auto& id : t.instance_ids) w.ids_by_region[r].insert(id);
        if (!t.selector.empty()) w.selector_index.emplace(std::make_pair(r, SortedTags(t.selector)), -1);
      }
  }
  return w;
}

using FetchWork = std::vector<std::function<void(Fetch*)>>;

// The catalog fetch first (slot 0, when there is a region), then the
// explicit-ID batches, then one paged fetch per selector.
FetchWork PlanFetches(Wanted& w, Cloud* cloud) {
  FetchWork work;
  // One global catalog, read through the first region's endpoint.
  if (!w.regions.empty()) {
    std::string region = *w.regions.begin();
    work.push_back([cloud, region](Fetch* f) { FetchTypes(cloud, region, f); });
  }
  for (const auto& [region, ids] : w.ids_by_region) {
    std::vector<std::string> all(ids.begin(), ids.end());
    for (size_t i = 0; i < all.size(); i += kIdBatch) {
      DescribeInstancesRequest req;
      req.region = region;
      req.instance_ids.assign(all.begin() + long(i), all.begin() + long(std::min(all.size(), i + kIdBatch)));
      req.max_results = 100;
      work.push_back([cloud, req](Fetch* f) { FetchInstances(cloud, req, f); });
    }
  }
  for (auto& [key, slot] : w.selector_index) {
    DescribeInstancesRequest req;
    req.region = key.first;
    req.tags = key.second;
    req.max_results = 100;
    slot = int(work.size());
    work.push_back([cloud, req](Fetch* f) { FetchInstances(cloud, req, f); });
  }
  return work;
}

std::vector<Fetch> RunFetches(FetchWork& work, int concurrency) {
  std::vector<Fetch> fetches(work.size());
  std::vector<Job> jobs;
  for (size_t i = 0; i < work.size(); ++i) jobs.push_back({[&, i] { work[i](&fetches[i]); }});
  RunJobs(jobs, concurrency);
  return fetches;
}

// Moves the fetched catalog and instances into `out->state` and collects the
// errors; `has_catalog` says slot 0 is the catalog fetch.
void MergeFetches(std::vector<Fetch>& fetches, bool has_catalog, LiveStateRead* out) {
  LiveState& st = out->state;
  size_t first_instance_fetch = has_catalog ? 1 : 0;
  if (has_catalog)
    for (auto& t : fetches[0].types) st.catalog.emplace(t.id, std::move(t));
  for (size_t i = first_instance_fetch; i < fetches.size(); ++i) {
    for (auto& in : fetches[i].instances) {
      std::string id = in.id;
      st.instances.try_emplace(id, std::move(in));
    }
  }
  for (const auto& f : fetches)
    if (!f.error.empty()) {
      out->ok = false;
      out->errors.push_back(f.error);
    }
}

// Explicit IDs per target, in spec order, each once.
void MatchExplicitIds(const FleetSpec& spec, LiveState* st) {
  st->matches.resize(spec.groups.size());
  for (size_t gi = 0; gi < spec.groups.size(); ++gi) {
    const Group& g = spec.groups[gi];
    st->matches[gi].resize(g.targets.size());
    for (size_t ti = 0; ti < g.targets.size(); ++ti) {
      const Target& t = g.targets[ti];
      auto& m = st->matches[gi][ti];
      std::set<std::string> seen;
      for (const auto& id : t.instance_ids)
        if (seen.insert(id).second) m.push_back(id);
    }
  }
}

// Selector matches: scan the de-duplicated set once per selector target.
// A selector's instances are re-filtered locally so a server that ignores
// the tag filter cannot widen a target.
void MatchSelectors(const FleetSpec& spec, LiveState* st) {
  for (size_t gi = 0; gi < spec.groups.size(); ++gi) {
    const Group& g = spec.groups[gi];
    for (size_t ti = 0; ti < g.targets.size(); ++ti) {
      const Target& t = g.targets[ti];
      if (t.selector.empty()) continue;
      auto& m = st->matches[gi][ti];
      std::set<std::string> listed(m.begin(), m.end());
      std::vector<std::string> found;
      for (const auto& [id, in] : st->instances) {
        if (listed.count(id)) continue;
        if (std::find(g.regions.begin(), g.regions.end(), in.region) == g.regions.end() &&
            !in.region.empty())
          continue;
        if (TagsMatch(in, t.selector)) found.push_back(id);
      }
      std::sort(found.begin(), found.end());
      m.insert(m.end(), found.begin(), found.end());
    }
  }
}

}  // namespace

LiveStateRead ReadLiveState(const FleetSpec& spec, Cloud* cloud, int concurrency) {
  LiveStateRead out;
  Wanted wanted = CollectWanted(spec);
  FetchWork work = PlanFetches(wanted, cloud);
  std::vector<Fetch> fetches = RunFetches(work, concurrency);
  MergeFetches(fetches, !wanted.regions.empty(), &out);
  if (!out.ok) return out;
  MatchExplicitIds(spec, &out.state);
  MatchSelectors(spec, &out.state);
  return out;
}

std::vector<Assignment> ResolveTargets(const FleetSpec& spec, const LiveState& live) {
  struct Claim {
    TargetRef ref;
    int rank;  // explicit: 1'000'000; selector: tag count
  };
  std::unordered_map<std::string, std::vector<Claim>> claims;
  for (size_t gi = 0; gi < live.matches.size(); ++gi)
    for (size_t ti = 0; ti < live.matches[gi].size(); ++ti) {
      const Target& t = spec.groups[gi].targets[ti];
      std::unordered_set<std::string> explicit_ids(t.instance_ids.begin(), t.instance_ids.end());
      int selector_rank = int(SortedTags(t.selector).size());
      for (const auto& id : live.matches[gi][ti]) {
        int rank = explicit_ids.count(id) ? 1'000'000 : selector_rank;
        claims[id].push_back({{int(gi), int(ti)}, rank});
      }
    }

  std::vector<Assignment> out;
  out.reserve(claims.size());
  for (auto& [id, cs] : claims) {
    // Claims are in file order (groups, then targets), so the first best wins ties.
    int best = std::max_element(cs.begin(), cs.end(), [](const Claim& a, const Claim& b) {
                 return a.rank < b.rank;
               })->rank;
    const Claim* winner = nullptr;
    const Claim* rival = nullptr;
    for (const auto& c : cs) {
      if (c.rank != best) continue;
      if (!winner) {
        winner = &c;
        continue;
      }
      const Target& a = spec.groups[size_t(winner->ref.group)].targets[size_t(winner->ref.target)];
      const Target& b = spec.groups[size_t(c.ref.group)].targets[size_t(c.ref.target)];
      if (a.instance_type != b.instance_type && !rival) rival = &c;
    }
    Assignment a;
    a.instance_id = id;
    a.target = winner->ref;
    auto it = live.instances.find(id);
    if (it != live.instances.end()) a.instance = &it->second;
    if (rival) {
      const Target& ta = spec.groups[size_t(winner->ref.group)].targets[size_t(winner->ref.target)];
      const Target& tb = spec.groups[size_t(rival->ref.group)].targets[size_t(rival->ref.target)];
      a.conflict = Blocker{
          "Spec.AmbiguousTarget",
          fmt::format("matched by two equally specific targets asking for different types: {} "
                      "(group {}, {}) and {} (group {}, {})",
                      FormatPos(spec, ta.pos), spec.groups[size_t(winner->ref.group)].name,
                      ta.instance_type, FormatPos(spec, tb.pos),
                      spec.groups[size_t(rival->ref.group)].name, tb.instance_type),
          "list the instance under one target by ID, or add a tag to one selector"};
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace respec
