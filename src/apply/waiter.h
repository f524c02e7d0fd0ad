// Waiter: the one observer of every in-flight step's effect. Instead of a
// polling loop per instance, the executor registers a watch (instance +
// condition) and the waiter turns all watches that are due into
// DescribeInstances requests of at most 100 IDs each, grouped by region.
//
// Schedule: each step kind has an estimated duration (seeded from the API
// reference: an order settles 5-10 s after ModifyPrepayInstanceSpec;
// stops, starts and restarts take seconds), learned from observed
// completions (the first sample replaces the seed, then an EWMA). While a
// kind has only its seed, a watch is first checked at a quarter of the
// estimate, then more often as the expected completion approaches; once
// the kind has a learned estimate (this cloud's own timing), a watch is
// checked at its expected completion and not before. Once overdue:
// exponential backoff. Watches due within one minimum interval of each
// other share a poll, and every other watch of the region rides along
// while the poll's requests have room (100 IDs each): a free look that
// never adds a request; a ride-along that misses keeps its schedule.
// A first check that already succeeds pulls the estimate down fast, so a
// faster-than-expected cloud (the emulator with --time-scale) is learned
// within a few completions.
//
// Restarts: an instance that was Running may still be observed Running
// before the RebootInstance (or RebootWhenFinished) restart has begun. A
// restart counts as finished only when the instance is Running AND either
// a non-Running status was observed since the call OR a minimum time has
// elapsed since it (the documented choice: a poll may miss the short
// non-Running window, so elapsed time is the fallback). The minimum is
// `restart_min`, shrunk by how much faster than the seeds' timings this
// cloud has proven to be (learned/seed estimate of the fastest kind), so a
// rehearsal on a time-scaled emulator does not wait real-world seconds.
//
// Timed watches: when the next call checks the effect itself (a downgrade's
// ModifyPrepayInstanceSpec is refused with InvalidStatus.NotStopped unless
// the instance is Stopped; seed error table), a watch may be `timed`: it
// resolves at its kind's learned estimate without a poll, with
// WatchResult::timed set and no instance. Only for a kind this cloud has
// shown `kTrustedSamples` completions of (Trusted); a timed watch that
// proves early (the call is refused) is reported with Early(), which
// raises the estimate so the next ones wait longer.
//
// Errors: a failed poll re-schedules its watches; an ID missing from
// `not_found_after` consecutive answers resolves as not found.
// Threads: one thread (the executor's). Ownership: values only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cloud/cloud.h"
#include "core/clock.h"

namespace respec {

enum class WaitFor {
  kObserve,    // any answer (re-read the instance)
  kStable,     // Running or Stopped
  kStopped,
  kRunning,
  kRestarted,  // Running after a restart (see above)
  kType,       // InstanceType == target
};

struct WaiterOptions {
  double time_scale = 1;          // divides every duration below (emulator rehearsals)
  Millis min_interval{1000};      // between checks of one watch; also the coalescing window
  Millis max_interval{15000};
  Millis restart_min{10000};
  int not_found_after = 3;
  double ewma_alpha = 0.3;
  // Initial estimates per step kind; see plan/graph.h StepLatency.
  std::map<std::string, Millis> estimates = {{"stop", Millis(5000)},   {"start", Millis(5000)},
                                             {"modify", Millis(7500)}, {"reboot", Millis(8000)},
                                             {"wait_stable", Millis(5000)}, {"observe", Millis(0)}};
};

// How long a Running upgrade waits for DescribeInstances to show the new
// InstanceType before restarting anyway. The seeds say only "wait about
// 5-10 seconds for the change to complete, then restart"; whether the API
// reports the new type before the restart is undocumented (emulator world
// option type_visible_after_restart). The bound is twice the seeds' upper
// 10 s, divided by the waiter's time_scale. The executor sets it as
// WatchSpec::give_up_after on the kType watch of a whenFinished upgrade;
// on `timed_out` it sends RebootInstance anyway, then confirms the type
// from the read that sees the instance Running after the restart (failing
// the instance with Respec.TypeNotConfirmed if it is still the old type).
inline constexpr Millis kTypeVisibleBound{20000};
Millis TypeVisibleBound(const WaiterOptions& o);

struct WatchSpec {
  uint64_t key = 0;  // the caller's id; one live watch per key
  std::string region;
  std::string instance_id;
  WaitFor what = WaitFor::kObserve;
  std::string target_type;  // kType
  std::string kind;         // learning bucket: stop | start | modify | reboot | wait_stable | observe
  TimePoint since;          // when the effect was requested
  // > 0: resolve with timed_out once this long has passed since `since`
  // without the condition (checked at each answer); 0: wait on.
  Millis give_up_after{0};
  // Resolve at the learned estimate without a poll (see above). Only
  // honoured when Trusted(kind); otherwise an ordinary watch.
  bool timed = false;
  // The call's own answer showed the instance leaving Running (a batch
  // answer's CurrentStatus): a kRestarted watch needs no minimum time.
  bool began = false;
};

struct WatchResult {
  uint64_t key = 0;
  bool not_found = false;
  Instance instance;  // as last observed (empty when not_found)
  Millis elapsed{0};  // since WatchSpec::since
  bool timed_out = false;  // give_up_after passed without the condition
  bool timed = false;      // resolved by time, not by a read: `instance` is empty
};

// Completions of a kind seen before its watches may be timed.
inline constexpr int kTrustedSamples = 3;

class Waiter {
 public:
  Waiter(Clock* clock, WaiterOptions options = {});

  void Watch(WatchSpec spec);
  void Cancel(uint64_t key);
  size_t size() const { return watches_.size(); }
  bool watching(uint64_t key) const { return watches_.count(key) > 0; }

  // When the next poll should be sent; TimePoint::max() if nothing is due
  // (every watch is already in an outstanding poll, or none exists).
  TimePoint NextPollAt() const;
  // The DescribeInstances requests for the watches due at `now`; those
  // watches are marked in flight until OnAnswer.
  std::vector<DescribeInstancesRequest> TakeDue(TimePoint now);
  // Feeds the answer to one request from TakeDue; returns resolved watches
  // (they are removed). A failed answer re-schedules the request's watches.
  std::vector<WatchResult> OnAnswer(const DescribeInstancesRequest& req,
                                    const Result<DescribeInstancesPage>& answer, TimePoint now);

  Millis Estimate(const std::string& kind) const;
  // Whether watches of `kind` may be timed (kTrustedSamples completions seen).
  bool Trusted(const std::string& kind) const;
  // A timed watch of `kind` resolved before its effect (the next call was
  // refused for the state): its estimate grows by half.
  void Early(const std::string& kind);
  // When the watch of `key` is next looked at; TimePoint::max() if it has
  // none or its look is in flight.
  TimePoint NextCheckOf(uint64_t key) const;
  // The timed watches whose time has come (removed), in key order.
  std::vector<WatchResult> TakeTimed(TimePoint now);

 private:
  struct Live {
    WatchSpec spec;
    TimePoint next_check;
    TimePoint last_check;  // == since until checked once
    bool in_flight = false;
    bool extra = false;  // in flight as a ride-along, not because it was due
    bool timed = false;  // resolves at next_check without a poll
    bool saw_not_running = false;
    int overdue_misses = 0;
    int not_found = 0;
  };
  Millis Scaled(Millis m) const;
  // Whether `kind` has an estimate learned from this cloud (not only its seed).
  bool Learned(const std::string& kind) const;
  Millis FirstCheck(const std::string& kind) const;
  Millis RestartMin() const;
  void Schedule(Live& w, TimePoint now);
  bool Met(Live& w, const Instance& inst, TimePoint now) const;
  void Learn(const Live& w, TimePoint now);

  Clock* clock_;
  WaiterOptions opt_;
  std::map<uint64_t, Live> watches_;
  std::map<std::string, double> estimate_ms_;  // learned, already scaled
  std::map<std::string, double> seed_ms_;      // the initial estimates, scaled
  std::map<std::string, int> samples_;
};

}  // namespace respec
