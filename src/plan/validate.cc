#include "plan/validate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "core/timefmt.h"
#include "plan/steps.h"

namespace respec {
namespace {

// One DescribeResourcesModification listing: every target one instance may
// move to in one direction. Instances with the same key get the same list.
struct ListKey {
  std::string region, zone, from;
  Direction direction;
  std::string image;  // marketplace image id, else ""
  bool migrate;
  auto Tie() const { return std::tie(region, zone, from, direction, image, migrate); }
  bool operator<(const ListKey& o) const { return Tie() < o.Tie(); }
};

struct Listing {
  bool ok = false;                        // the call answered with a list
  std::optional<Blocker> refused;         // the API refused the instance itself
  std::string error;                      // any other failure (a warning)
  std::vector<ModificationCandidate> candidates;
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

const ModificationCandidate* FindCandidate(const Listing& l, const std::string& type) {
  for (const auto& c : l.candidates)
    if (c.type == type) return &c;
  return nullptr;
}

std::vector<std::string> Alternatives(const std::vector<const Listing*>& lists,
                                      const std::string& from, const std::string& to,
                                      const Catalog* cat) {
  std::string fam = Family(to, cat);
  std::vector<std::string> same, other;
  for (const Listing* l : lists)
    for (const auto& c : l->candidates) {
      if (!Available(c) || c.type == to || c.type == from) continue;
      auto& bucket = Family(c.type, cat) == fam ? same : other;
      if (std::find(bucket.begin(), bucket.end(), c.type) == bucket.end()) bucket.push_back(c.type);
    }
  same.insert(same.end(), other.begin(), other.end());
  if (same.size() > 5) same.resize(5);
  return same;
}

Blocker FromError(const CloudError& e) {
  return Blocker{e.code, e.message.empty() ? e.code : e.message,
                 "see the error; choose another type or fix the instance, then plan again"};
}

const char* OperationType(Direction d) { return d == Direction::kDowngrade ? "Downgrade" : "Upgrade"; }

// The day of an ExpiredTime ("yyyy-MM-dd..."): the price of a change is the
// difference prorated over the remaining term, so instances expiring on the
// same day cost the same (docs/api-fidelity.md).
std::string TermKey(const std::string& expired_time) { return expired_time.substr(0, 10); }

}  // namespace

ValidationResult ValidateChanges(std::vector<InstancePlan>& instances, const LiveState& live,
                                 Cloud* cloud, bool check_modification, bool price, TimePoint now,
                                 int max_price_calls) {
  ValidationResult out;
  const Catalog* cat = &live.catalog;
  std::map<ListKey, Listing> listings;
  std::map<ListKey, size_t> representative;  // first instance of each key

  auto image_of = [&](const InstancePlan& p) {
    auto it = live.instances.find(p.instance_id);
    std::string image = it != live.instances.end() ? it->second.image_id : "";
    if (image.rfind("m-", 0) != 0) image.clear();
    return image;
  };
  auto key_of = [&](const InstancePlan& p, Direction d) {
    return ListKey{p.region, p.zone, p.observed_type, d, image_of(p), p.options.migrate_across_zone};
  };
  auto directions_of = [](const InstancePlan& p) {
    if (p.direction != Direction::kNone) return std::vector<Direction>{p.direction};
    return std::vector<Direction>{Direction::kUpgrade, Direction::kDowngrade};
  };

  // 1. The listings to read: one call per distinct key, not per target.
  for (size_t i = 0; i < instances.size(); ++i) {
    const InstancePlan& p = instances[i];
    if (p.verdict != Verdict::kChange) continue;
    if (!check_modification) continue;
    for (Direction d : directions_of(p)) representative.try_emplace(key_of(p, d), i);
  }
  for (const auto& [key, rep] : representative) {
    ResourcesModificationRequest req;
    req.region = key.region;
    req.instance_id = instances[rep].instance_id;
    req.operation = OperationType(key.direction);
    req.migrate_across_zone = key.migrate;  // target_type empty: every candidate
    ++out.stats.modification_calls;
    auto r = cloud->DescribeResourcesModification(req);
    Listing& l = listings[key];
    if (r) {
      l.ok = true;
      l.candidates = std::move(r->candidates);
      continue;
    }
    const CloudError& e = r.error();
    if (e.category == ErrorCategory::kAuth) {
      out.fatal.push_back("DescribeResourcesModification: " + e.Describe());
      return out;
    }
    if (e.category == ErrorCategory::kStock || e.category == ErrorCategory::kBlocked)
      l.refused = FromError(e);
    else
      l.error = e.Describe();
  }

  // 2. Per instance: the direction (when the catalog could not tell), then
  // whether the target is offered, with stock.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string> warned;
  for (InstancePlan& p : instances) {
    if (p.verdict != Verdict::kChange) continue;
    auto block = [&](Blocker b, std::vector<std::string> alternatives) {
      if (!alternatives.empty())
        b.remedy = fmt::format("{}; the API offers: {}", b.remedy, fmt::join(alternatives, ", "));
      p.verdict = Verdict::kBlocked;
      p.blockers.push_back(std::move(b));
      p.alternatives = std::move(alternatives);
      p.notes.clear();
    };
    if (!check_modification) {
      if (p.direction == Direction::kNone)
        block(Blocker{"Spec.OperationRequired",
                      fmt::format("{} -> {}: the catalog cannot tell upgrade from downgrade and "
                                  "validation (DescribeResourcesModification) is off",
                                  p.observed_type, p.target_type),
                      "set operation: upgrade or downgrade on the target"},
              {});
      else
        p.notes.push_back("not validated with DescribeResourcesModification");
      continue;
    }
    std::vector<const Listing*> lists;
    std::optional<Blocker> refused;
    std::string error;
    for (Direction d : directions_of(p)) {
      const Listing& l = listings[key_of(p, d)];
      lists.push_back(&l);
      if (l.refused && !refused) refused = l.refused;
      if (!l.error.empty() && error.empty()) error = l.error;
    }
    if (refused) {
      block(*refused, {});
      continue;
    }
    std::string label = fmt::format("{} {} {} -> {}", p.region, p.zone, p.observed_type, p.target_type);
    if (p.direction == Direction::kNone) {
      const ModificationCandidate* up = lists[0]->ok ? FindCandidate(*lists[0], p.target_type) : nullptr;
      const ModificationCandidate* down = lists[1]->ok ? FindCandidate(*lists[1], p.target_type) : nullptr;
      if (!error.empty()) {
        block(Blocker{"Spec.OperationRequired",
                      fmt::format("{}: the direction of a mixed or same-size change comes from "
                                  "DescribeResourcesModification, which failed: {}",
                                  label, error),
                      "set operation: upgrade or downgrade on the target, or plan again"},
              {});
        continue;
      }
      if (up && down) {
        block(Blocker{"Spec.OperationRequired",
                      fmt::format("{}: DescribeResourcesModification lists the target both as an "
                                  "upgrade and as a downgrade",
                                  label),
                      "set operation: upgrade or downgrade on the target"},
              {});
        continue;
      }
      if (!up && !down) {
        block(Blocker{key_of(p, Direction::kUpgrade).image.empty() ? "InstanceType.Offline"
                                                                    : "ImageNotSupportInstanceType",
                      fmt::format("{} is not offered for this instance, in either direction "
                                  "(DescribeResourcesModification, Upgrade and Downgrade)",
                                  p.target_type),
                      "choose another type"},
              Alternatives(lists, p.observed_type, p.target_type, cat));
        continue;
      }
      p.direction = up ? Direction::kUpgrade : Direction::kDowngrade;
      p.notes.push_back(fmt::format("direction {}: DescribeResourcesModification lists {} under "
                                    "OperationType={}",
                                    DirectionName(p.direction), p.target_type,
                                    OperationType(p.direction)));
      lists = {up ? lists[0] : lists[1]};
    }
    const Listing& l = *lists[0];
    if (!l.ok) {
      auto& w = warned[{p.region, p.zone, p.observed_type, std::string(DirectionName(p.direction))}];
      if (w.empty()) {
        w = error;
        out.warnings.push_back(fmt::format("could not validate {} ({}): {}", label,
                                           DirectionName(p.direction), error));
      }
      p.notes.push_back("not validated with DescribeResourcesModification");
      continue;
    }
    const ModificationCandidate* c = FindCandidate(l, p.target_type);
    ListKey key = key_of(p, p.direction);
    if (!c) {
      if (!key.image.empty())
        block(Blocker{"ImageNotSupportInstanceType",
                      fmt::format("{} is not offered for this instance's marketplace image {} "
                                  "(DescribeResourcesModification)",
                                  p.target_type, key.image),
                      "choose a type the image supports"},
              Alternatives(lists, p.observed_type, p.target_type, cat));
      else
        block(Blocker{"InstanceType.Offline",
                      fmt::format("{} is not offered for a {} from {} in {} (retired or not sold "
                                  "there)",
                                  p.target_type, DirectionName(p.direction), p.observed_type,
                                  p.zone),
                      "choose another type"},
              Alternatives(lists, p.observed_type, p.target_type, cat));
    } else if (!Available(*c)) {
      block(Blocker{"OperationDenied.NoStock",
                    fmt::format("{} is sold out in {} ({})", p.target_type, p.zone,
                                c->status_category.empty() ? c->status : c->status_category),
                    "choose another type, or plan again later"},
            Alternatives(lists, p.observed_type, p.target_type, cat));
    }
  }

  // 3. Prices: DescribeInstanceModificationPrice depends on the remaining
  // term. Exact: one call per (region, current type, target type, expiry
  // day), on the first instance of each, every pair first, then further
  // terms while `max_price_calls` lasts. Terms beyond the budget are
  // prorated by remaining days from the nearest priced term of the same
  // pair, and say so (priced_on names the instance actually priced).
  if (!price) return out;
  using Pair = std::tuple<std::string, std::string, std::string>;
  struct Term {
    std::vector<size_t> members;
    double days = 0;
    std::optional<Price> price;
    bool asked = false;
  };
  std::map<Pair, std::map<std::string, Term>> terms;
  for (size_t i = 0; i < instances.size(); ++i) {
    const InstancePlan& p = instances[i];
    if (p.verdict != Verdict::kChange || p.direction != Direction::kUpgrade) continue;
    auto it = live.instances.find(p.instance_id);
    std::string expiry = it != live.instances.end() ? it->second.expired_time : "";
    Term& t = terms[{p.region, p.observed_type, p.target_type}][TermKey(expiry)];
    if (t.members.empty()) {
      auto e = ParseUtcTime(expiry);
      t.days = e ? std::max(1.0, std::ceil(std::chrono::duration<double>(*e - now).count() / 86400.0)) : 0;
    }
    t.members.push_back(i);
  }
  int budget = max_price_calls;
  auto ask = [&](const Pair& pair, const std::string& day, Term& t) -> bool {
    if (budget <= 0) return true;
    --budget;
    t.asked = true;
    const InstancePlan& rep = instances[t.members.front()];
    ++out.stats.price_calls;
    auto r = cloud->DescribeInstanceModificationPrice(
        ModificationPriceRequest{rep.region, rep.instance_id, rep.target_type});
    if (r) {
      t.price = r.value();
    } else if (r.error().category == ErrorCategory::kAuth) {
      out.fatal.push_back("DescribeInstanceModificationPrice: " + r.error().Describe());
      return false;
    } else {
      out.warnings.push_back(fmt::format("could not price {} -> {} in {} (expiring {}): {}",
                                         std::get<1>(pair), std::get<2>(pair), std::get<0>(pair), day,
                                         r.error().Describe()));
    }
    return true;
  };
  // The pairs with the most upgrades first, so a budget too small for
  // every pair leaves the fewest instances unpriced.
  std::vector<std::pair<const Pair, std::map<std::string, Term>>*> by_size;
  for (auto& entry : terms) by_size.push_back(&entry);
  auto members = [](const std::map<std::string, Term>& by_day) {
    size_t n = 0;
    for (const auto& [day, t] : by_day) n += t.members.size();
    return n;
  };
  std::stable_sort(by_size.begin(), by_size.end(),
                   [&](const auto* a, const auto* b) { return members(a->second) > members(b->second); });
  for (bool first_only : {true, false})
    for (auto* entry : by_size) {
      const Pair& pair = entry->first;
      bool first = true;
      for (auto& [day, t] : entry->second) {
        if (!t.asked && (first || !first_only) && !ask(pair, day, t)) return out;
        first = false;
      }
    }
  int unpriced = 0, unpriced_pairs = 0;
  for (auto& [pair, by_day] : terms) {
    bool pair_unpriced = false;
    for (auto& [day, t] : by_day) {
      const Term* src = t.price ? &t : nullptr;
      if (!src)
        for (const auto& [d2, t2] : by_day)
          if (t2.price && t2.days > 0 && t.days > 0 &&
              (!src || std::fabs(t2.days - t.days) < std::fabs(src->days - t.days)))
            src = &t2;
      if (!src && !by_day.begin()->second.asked) {
        // Past the budget before this pair's first term: no price at all,
        // and the plan says so (a total without it would understate).
        for (size_t i : t.members)
          instances[i].notes.push_back(fmt::format("not priced: the price-call budget ({} calls, one per kind of "
                                                   "change first) was spent",
                                                   max_price_calls));
        unpriced += int(t.members.size());
        pair_unpriced = true;
      }
      if (!src) continue;
      Price pr = *src->price;
      pr.request_id.clear();  // per call, not per instance; keeps files deterministic
      bool prorated = src != &t;
      if (prorated) {
        double f = t.days / src->days;
        pr.original = std::round(pr.original * f * 100) / 100;
        pr.discount = std::round(pr.discount * f * 100) / 100;
        pr.trade = std::round(pr.trade * f * 100) / 100;
      }
      for (size_t i : t.members) {
        InstancePlan& p = instances[i];
        p.price = pr;
        p.priced_on = instances[src->members.front()].instance_id;
        if (prorated)
          p.notes.push_back(fmt::format("price estimated: {}'s price prorated by remaining days "
                                        "({:g} vs {:g}; the price-call budget was spent)",
                                        p.priced_on, t.days, src->days));
      }
    }
    unpriced_pairs += pair_unpriced;
  }
  if (unpriced > 0)
    out.warnings.push_back(fmt::format("{} upgrade(s) of {} kind(s) of change not priced: the price-call budget "
                                       "({} DescribeInstanceModificationPrice calls) was spent; the price total "
                                       "leaves them out",
                                       unpriced, unpriced_pairs, max_price_calls));
  return out;
}

}  // namespace respec
