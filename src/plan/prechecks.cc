#include "plan/prechecks.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "core/timefmt.h"

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

// One precheck run: the instances it edits, what it read, what it found.
struct Prechecks {
  std::vector<InstancePlan>& instances;
  const LiveState& live;
  Cloud* cloud;
  PrecheckResult out;
  std::map<ListKey, Listing> listings;
  // Warned once per (region, zone, from, direction): the error text.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string> warned;

  std::string ImageOf(const InstancePlan& p) const {
    auto it = live.instances.find(p.instance_id);
    std::string image = it != live.instances.end() ? it->second.image_id : "";
    if (image.rfind("m-", 0) != 0) image.clear();
    return image;
  }
  ListKey KeyOf(const InstancePlan& p, Direction d) const {
    return ListKey{p.region, p.zone, p.observed_type, d, ImageOf(p), p.options.migrate_across_zone};
  }
};

std::vector<Direction> DirectionsOf(const InstancePlan& p) {
  if (p.direction != Direction::kNone) return {p.direction};
  return {Direction::kUpgrade, Direction::kDowngrade};
}

// Blocks `p` with `b`, naming what the API offers instead.
void BlockChange(InstancePlan& p, Blocker b, std::vector<std::string> alternatives) {
  if (!alternatives.empty())
    b.remedy = fmt::format("{}; the API offers: {}", b.remedy, fmt::join(alternatives, ", "));
  p.verdict = Verdict::kBlocked;
  p.blockers.push_back(std::move(b));
  p.alternatives = std::move(alternatives);
  p.notes.clear();
}

// 1. The listings to read: one DescribeResourcesModification per distinct
// key (on its first instance), not per target. False on an authentication
// failure (out.fatal says which).
bool ReadListings(Prechecks& c) {
  std::map<ListKey, size_t> representative;  // first instance of each key
  for (size_t i = 0; i < c.instances.size(); ++i) {
    const InstancePlan& p = c.instances[i];
    if (p.verdict != Verdict::kChange) continue;
    for (Direction d : DirectionsOf(p)) representative.try_emplace(c.KeyOf(p, d), i);
  }
  for (const auto& [key, rep] : representative) {
    ResourcesModificationRequest req;
    req.region = key.region;
    req.instance_id = c.instances[rep].instance_id;
    req.operation = OperationType(key.direction);
    req.migrate_across_zone = key.migrate;  // target_type empty: every candidate
    auto r = c.cloud->DescribeResourcesModification(req);
    Listing& l = c.listings[key];
    if (r) {
      l.ok = true;
      l.candidates = std::move(r->candidates);
      continue;
    }
    const CloudError& e = r.error();
    if (e.category == ErrorCategory::kAuth) {
      c.out.fatal.push_back("DescribeResourcesModification: " + e.Describe());
      return false;
    }
    if (e.category == ErrorCategory::kStock || e.category == ErrorCategory::kBlocked)
      l.refused = FromError(e);
    else
      l.error = e.Describe();
  }
  return true;
}

// Without DescribeResourcesModification: a change of unknown direction is
// blocked, any other is noted as unvalidated.
void NoteUnchecked(InstancePlan& p) {
  if (p.direction != Direction::kNone) {
    p.notes.push_back("not validated with DescribeResourcesModification");
    return;
  }
  BlockChange(p,
              Blocker{"Spec.OperationRequired",
                      fmt::format("{} -> {}: the catalog cannot tell upgrade from downgrade and "
                                  "validation (DescribeResourcesModification) is off",
                                  p.observed_type, p.target_type),
                      "set operation: upgrade or downgrade on the target"},
              {});
}

// A mixed or same-size change takes its direction from the list that names
// the target. False when it was blocked instead; else `lists` keeps only the
// list of the chosen direction.
bool ResolveDirection(const Prechecks& c, InstancePlan& p, const std::string& label,
                      const std::string& error, std::vector<const Listing*>& lists) {
  const ModificationCandidate* up = lists[0]->ok ? FindCandidate(*lists[0], p.target_type) : nullptr;
  const ModificationCandidate* down = lists[1]->ok ? FindCandidate(*lists[1], p.target_type) : nullptr;
  if (!error.empty()) {
    BlockChange(p,
                Blocker{"Spec.OperationRequired",
                        fmt::format("{}: the direction of a mixed or same-size change comes from "
                                    "DescribeResourcesModification, which failed: {}",
                                    label, error),
                        "set operation: upgrade or downgrade on the target, or plan again"},
                {});
    return false;
  }
  if (up && down) {
    BlockChange(p,
                Blocker{"Spec.OperationRequired",
                        fmt::format("{}: DescribeResourcesModification lists the target both as an "
                                    "upgrade and as a downgrade",
                                    label),
                        "set operation: upgrade or downgrade on the target"},
                {});
    return false;
  }
  if (!up && !down) {
    BlockChange(p,
                Blocker{c.KeyOf(p, Direction::kUpgrade).image.empty() ? "InstanceType.Offline"
                                                                      : "ImageNotSupportInstanceType",
                        fmt::format("{} is not offered for this instance, in either direction "
                                    "(DescribeResourcesModification, Upgrade and Downgrade)",
                                    p.target_type),
                        "choose another type"},
                Alternatives(lists, p.observed_type, p.target_type, &c.live.catalog));
    return false;
  }
  p.direction = up ? Direction::kUpgrade : Direction::kDowngrade;
  p.notes.push_back(fmt::format("direction {}: DescribeResourcesModification lists {} under "
                                "OperationType={}",
                                DirectionName(p.direction), p.target_type,
                                OperationType(p.direction)));
  lists = {up ? lists[0] : lists[1]};
  return true;
}

// The target must be listed for this instance (its image, its zone) and
// Available with stock.
void CheckOffered(const Prechecks& c, InstancePlan& p, const std::vector<const Listing*>& lists) {
  const Catalog* cat = &c.live.catalog;
  const ModificationCandidate* cand = FindCandidate(*lists[0], p.target_type);
  ListKey key = c.KeyOf(p, p.direction);
  if (!cand) {
    if (!key.image.empty())
      BlockChange(p,
                  Blocker{"ImageNotSupportInstanceType",
                          fmt::format("{} is not offered for this instance's marketplace image {} "
                                      "(DescribeResourcesModification)",
                                      p.target_type, key.image),
                          "choose a type the image supports"},
                  Alternatives(lists, p.observed_type, p.target_type, cat));
    else
      BlockChange(p,
                  Blocker{"InstanceType.Offline",
                          fmt::format("{} is not offered for a {} from {} in {} (retired or not sold "
                                      "there)",
                                      p.target_type, DirectionName(p.direction), p.observed_type,
                                      p.zone),
                          "choose another type"},
                  Alternatives(lists, p.observed_type, p.target_type, cat));
  } else if (!Available(*cand)) {
    BlockChange(p,
                Blocker{"OperationDenied.NoStock",
                        fmt::format("{} is sold out in {} ({})", p.target_type, p.zone,
                                    cand->status_category.empty() ? cand->status : cand->status_category),
                        "choose another type, or plan again later"},
                Alternatives(lists, p.observed_type, p.target_type, cat));
  }
}

// 2. Per instance: the direction (when the catalog could not tell), then
// whether the target is offered, with stock.
void CheckChange(Prechecks& c, InstancePlan& p) {
  std::vector<const Listing*> lists;
  std::optional<Blocker> refused;
  std::string error;
  for (Direction d : DirectionsOf(p)) {
    const Listing& l = c.listings[c.KeyOf(p, d)];
    lists.push_back(&l);
    if (l.refused && !refused) refused = l.refused;
    if (!l.error.empty() && error.empty()) error = l.error;
  }
  if (refused) {
    BlockChange(p, *refused, {});
    return;
  }
  std::string label = fmt::format("{} {} {} -> {}", p.region, p.zone, p.observed_type, p.target_type);
  if (p.direction == Direction::kNone && !ResolveDirection(c, p, label, error, lists)) return;
  if (!lists[0]->ok) {
    auto& w = c.warned[{p.region, p.zone, p.observed_type, std::string(DirectionName(p.direction))}];
    if (w.empty()) {
      w = error;
      c.out.warnings.push_back(fmt::format("could not validate {} ({}): {}", label,
                                           DirectionName(p.direction), error));
    }
    p.notes.push_back("not validated with DescribeResourcesModification");
    return;
  }
  CheckOffered(c, p, lists);
}

// 3. Prices: DescribeInstanceModificationPrice depends on the remaining
// term. Exact: one call per (region, current type, target type, expiry
// day), on the first instance of each, every pair first, then further
// terms while `max_price_calls` lasts. Terms beyond the budget are
// prorated by remaining days from the nearest priced term of the same
// pair, and say so (priced_on names the instance actually priced).
using PricePair = std::tuple<std::string, std::string, std::string>;  // region, from, to
struct Term {
  std::vector<size_t> members;
  double days = 0;
  std::optional<Price> price;
  bool asked = false;
};
using Terms = std::map<PricePair, std::map<std::string, Term>>;  // by expiry day

Terms GroupTerms(const Prechecks& c, TimePoint now) {
  Terms terms;
  for (size_t i = 0; i < c.instances.size(); ++i) {
    const InstancePlan& p = c.instances[i];
    if (p.verdict != Verdict::kChange || p.direction != Direction::kUpgrade) continue;
    auto it = c.live.instances.find(p.instance_id);
    std::string expiry = it != c.live.instances.end() ? it->second.expired_time : "";
    Term& t = terms[{p.region, p.observed_type, p.target_type}][TermKey(expiry)];
    if (t.members.empty()) {
      auto e = ParseUtcTime(expiry);
      t.days = e ? std::max(1.0, std::ceil(std::chrono::duration<double>(*e - now).count() / 86400.0)) : 0;
    }
    t.members.push_back(i);
  }
  return terms;
}

// Asks the price of every pair's first term, then further terms, while the
// budget lasts. False on an authentication failure.
bool AskPrices(Prechecks& c, Terms& terms, int budget) {
  auto ask = [&](const PricePair& pair, const std::string& day, Term& t) -> bool {
    if (budget <= 0) return true;
    --budget;
    t.asked = true;
    const InstancePlan& rep = c.instances[t.members.front()];
    auto r = c.cloud->DescribeInstanceModificationPrice(
        ModificationPriceRequest{rep.region, rep.instance_id, rep.target_type});
    if (r) {
      t.price = r.value();
    } else if (r.error().category == ErrorCategory::kAuth) {
      c.out.fatal.push_back("DescribeInstanceModificationPrice: " + r.error().Describe());
      return false;
    } else {
      c.out.warnings.push_back(fmt::format("could not price {} -> {} in {} (expiring {}): {}",
                                           std::get<1>(pair), std::get<2>(pair), std::get<0>(pair),
                                           day, r.error().Describe()));
    }
    return true;
  };
  // The pairs with the most upgrades first, so a budget too small for
  // every pair leaves the fewest instances unpriced.
  std::vector<std::pair<const PricePair, std::map<std::string, Term>>*> by_size;
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
      bool first = true;
      for (auto& [day, t] : entry->second) {
        if (!t.asked && (first || !first_only) && !ask(entry->first, day, t)) return false;
        first = false;
      }
    }
  return true;
}

// Every term's members get its price, or the nearest priced term's,
// prorated by remaining days (and noted). A pair the budget never reached
// is noted as not priced on each member and warned about once.
void SpreadPrices(std::vector<InstancePlan>& instances, const Terms& terms, int max_price_calls,
                  std::vector<std::string>* warnings) {
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
    warnings->push_back(fmt::format("{} upgrade(s) of {} kind(s) of change not priced: the price-call budget "
                                    "({} DescribeInstanceModificationPrice calls) was spent; the price total "
                                    "leaves them out",
                                    unpriced, unpriced_pairs, max_price_calls));
}

}  // namespace

PrecheckResult PrecheckChanges(std::vector<InstancePlan>& instances, const LiveState& live,
                                 Cloud* cloud, bool check_modification, bool price, TimePoint now,
                                 int max_price_calls) {
  Prechecks c{instances, live, cloud, {}, {}, {}};
  if (check_modification && !ReadListings(c)) return std::move(c.out);
  for (InstancePlan& p : instances) {
    if (p.verdict != Verdict::kChange) continue;
    if (check_modification)
      CheckChange(c, p);
    else
      NoteUnchecked(p);
  }
  if (!price) return std::move(c.out);
  Terms terms = GroupTerms(c, now);
  if (AskPrices(c, terms, max_price_calls)) SpreadPrices(instances, terms, max_price_calls, &c.out.warnings);
  return std::move(c.out);
}

}  // namespace respec
