#include "plan/validate.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include <fmt/format.h>

namespace respec {
namespace {

struct Key {
  std::string region, zone, from, to;
  Direction direction;
  std::string image;  // marketplace image id, else ""
  bool migrate;
  auto Tie() const { return std::tie(region, zone, from, to, direction, image, migrate); }
  bool operator<(const Key& o) const { return Tie() < o.Tie(); }
};

std::string Family(const std::string& type, const Catalog* cat) {
  if (cat) {
    auto it = cat->find(type);
    if (it != cat->end() && !it->second.family.empty()) return it->second.family;
  }
  auto dot = type.rfind('.');
  return dot == std::string::npos ? type : type.substr(0, dot);
}

bool Available(const ModificationCandidate& c) {
  return c.status == "Available" && c.status_category != "WithoutStock" &&
         c.status_category != "ClosedWithoutStock";
}

std::vector<std::string> Alternatives(const std::vector<ModificationCandidate>& cands,
                                      const Key& key, const Catalog* cat) {
  std::string fam = Family(key.to, cat);
  std::vector<std::string> same, other;
  for (const auto& c : cands) {
    if (!Available(c) || c.type == key.to || c.type == key.from) continue;
    (Family(c.type, cat) == fam ? same : other).push_back(c.type);
  }
  same.insert(same.end(), other.begin(), other.end());
  if (same.size() > 5) same.resize(5);
  return same;
}

Blocker FromError(const CloudError& e) {
  return Blocker{e.code, e.message.empty() ? e.code : e.message,
                 "see the error; choose another type or fix the instance, then plan again"};
}

}  // namespace

ValidationResult ValidateChanges(std::vector<InstancePlan>& instances, const LiveState& live,
                                 Cloud* cloud, bool check_modification, bool price) {
  ValidationResult out;
  std::map<Key, std::vector<size_t>> by_key;
  for (size_t i = 0; i < instances.size(); ++i) {
    const InstancePlan& p = instances[i];
    if (p.verdict != Verdict::kChange) continue;
    auto it = live.instances.find(p.instance_id);
    std::string image = it != live.instances.end() ? it->second.image_id : "";
    if (image.rfind("m-", 0) != 0) image.clear();
    by_key[Key{p.region, p.zone, p.observed_type, p.target_type, p.direction, image,
               p.options.migrate_across_zone}]
        .push_back(i);
  }
  std::map<Key, std::vector<ModificationCandidate>> listing_cache;  // key with to=""
  // Subscription prices are per region, not per zone or image: one price
  // call per (region, current type, target type), on the first instance.
  struct Priced {
    std::optional<Price> price;
    std::string on;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Priced> price_cache;

  for (const auto& entry : by_key) {
    // Named references, not a structured binding: clang 14 cannot capture those in lambdas.
    const auto& key = entry.first;
    const auto& members = entry.second;
    const InstancePlan& rep = instances[members.front()];
    auto cat_it = live.catalogs.find(key.region);
    const Catalog* cat = cat_it == live.catalogs.end() ? nullptr : &cat_it->second;
    std::string label = fmt::format("{} {} {} -> {} ({})", key.region, key.zone, key.from, key.to,
                                    key.direction == Direction::kDowngrade ? "downgrade" : "upgrade");
    std::optional<Blocker> blocker;
    std::vector<std::string> alternatives;
    bool validated = !check_modification;

    if (check_modification) {
      ResourcesModificationRequest req;
      req.region = key.region;
      req.instance_id = rep.instance_id;
      req.operation = key.direction == Direction::kDowngrade ? "Downgrade" : "Upgrade";
      req.target_type = key.to;
      req.migrate_across_zone = key.migrate;
      ++out.stats.modification_calls;
      auto r = cloud->DescribeResourcesModification(req);
      std::vector<ModificationCandidate> listing;
      bool need_listing = false;
      if (!r) {
        const CloudError& e = r.error();
        if (e.category == ErrorCategory::kAuth) {
          out.fatal.push_back("DescribeResourcesModification: " + e.Describe());
          return out;
        }
        if (e.category == ErrorCategory::kStock || e.category == ErrorCategory::kBlocked) {
          blocker = FromError(e);
          need_listing = true;
          validated = true;
        } else {
          out.warnings.push_back(fmt::format("could not validate {} instance(s) {}: {}",
                                             members.size(), label, e.Describe()));
        }
      } else {
        validated = true;
        listing = r->candidates;
        auto c = std::find_if(listing.begin(), listing.end(),
                              [&](const ModificationCandidate& x) { return x.type == key.to; });
        if (c == listing.end()) {
          need_listing = true;
          if (!key.image.empty()) {
            blocker = Blocker{"ImageNotSupportInstanceType",
                              fmt::format("{} is not offered for this instance's marketplace "
                                          "image {} (DescribeResourcesModification)",
                                          key.to, key.image),
                              "choose a type the image supports"};
          } else {
            blocker = Blocker{"InstanceType.Offline",
                              fmt::format("{} is not offered for a {} from {} in {} (retired or "
                                          "not sold there)",
                                          key.to, req.operation == "Upgrade" ? "upgrade" : "downgrade",
                                          key.from, key.zone),
                              "choose another type"};
          }
        } else if (!Available(*c)) {
          need_listing = true;
          blocker = Blocker{"OperationDenied.NoStock",
                            fmt::format("{} is sold out in {} ({})", key.to, key.zone,
                                        c->status_category.empty() ? c->status : c->status_category),
                            "choose another type, or plan again later"};
        }
      }
      if (need_listing) {
        // The filtered answer may list only the target: ask once more without
        // the filter, cached per (region, zone, current type, direction, image).
        Key lk = key;
        lk.to.clear();
        auto cached = listing_cache.find(lk);
        if (cached == listing_cache.end()) {
          std::vector<ModificationCandidate> all = listing;
          if (listing.size() <= 1) {
            req.target_type.clear();
            ++out.stats.modification_calls;
            auto r2 = cloud->DescribeResourcesModification(req);
            if (r2) all = r2->candidates;
          }
          cached = listing_cache.emplace(lk, std::move(all)).first;
        }
        alternatives = Alternatives(cached->second, key, cat);
        if (blocker && !alternatives.empty())
          blocker->remedy = fmt::format("choose another type; the API offers: {}",
                                        fmt::join(alternatives, ", "));
      }
    }

    std::optional<Price> priced;
    std::string priced_on = rep.instance_id;
    auto cached_price = price_cache.find({key.region, key.from, key.to});
    if (!blocker && price && key.direction == Direction::kUpgrade && cached_price != price_cache.end()) {
      priced = cached_price->second.price;
      priced_on = cached_price->second.on;
    } else if (!blocker && price && key.direction == Direction::kUpgrade) {
      ++out.stats.price_calls;
      auto r = cloud->DescribeInstanceModificationPrice(
          ModificationPriceRequest{key.region, rep.instance_id, key.to});
      if (r) {
        priced = r.value();
        price_cache[{key.region, key.from, key.to}] = Priced{priced, rep.instance_id};
      } else if (r.error().category == ErrorCategory::kAuth) {
        out.fatal.push_back("DescribeInstanceModificationPrice: " + r.error().Describe());
        return out;
      } else {
        out.warnings.push_back(fmt::format("could not price {} instance(s) {}: {}", members.size(),
                                           label, r.error().Describe()));
      }
    }

    for (size_t i : members) {
      InstancePlan& p = instances[i];
      if (blocker) {
        p.verdict = Verdict::kBlocked;
        p.blockers.push_back(*blocker);
        p.alternatives = alternatives;
        p.notes.clear();
        continue;
      }
      if (!validated) p.notes.push_back("not validated with DescribeResourcesModification");
      if (priced) {
        p.price = priced;
        p.price->request_id.clear();  // per call, not per instance; keeps files deterministic
        p.priced_on = priced_on;
      }
    }
  }
  return out;
}

}  // namespace respec
