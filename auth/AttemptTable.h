// A bounded table of keys (a client address, a username, a pair of them...)
// and how many of their recent attempts failed, for throttles that slow down
// guessing: once a key has used its free failures, its next attempt must wait
// a delay that doubles with every failure after that (1 s, 2 s, 4 s ... up to
// a cap). Attempts still in flight (begun, not yet ended) count as failures
// until they end, so a burst of parallel attempts cannot all slip through
// before the first of them is judged.
//
// Memory is bounded: at most maxKeys keys, evicting the one whose last
// attempt is oldest; a key idle for forgetAfterMs is forgotten; keys are cut
// to kMaxKeyBytes. The price is that a flood of made-up keys can push out a
// real one's counter.
//
// Pure bookkeeping: no I/O, no clock (the caller passes a monotonic nowMs),
// not thread-safe: use it on the loop thread. Owns its entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reactor/LruTable.h"

namespace chatd::auth {

struct BackoffPolicy {
  uint32_t freeFailures = 5;
  uint64_t firstDelayMs = 1'000;
  uint64_t maxDelayMs = 15 * 60 * 1'000;
  // A key with no attempt for this long is forgotten. Raised to at least
  // twice maxDelayMs: a client failing as often as the cap allows is never
  // forgotten between failures (which would hand it free failures again).
  uint64_t forgetAfterMs = 60 * 60 * 1'000;
  size_t maxKeys = 100'000;
};

class AttemptTable {
 public:
  // Longer keys are cut: no valid username or address comes near it.
  static constexpr size_t kMaxKeyBytes = 128;

  explicit AttemptTable(const BackoffPolicy& policy);

  // When the key's next attempt may begin: 0 while it is unknown or has free
  // failures left (failures and attempts in flight together).
  uint64_t refusedUntilMs(std::string_view key) const;
  // Failures recorded for the key, not counting attempts in flight.
  uint32_t failures(std::string_view key) const;

  // An attempt begins: it counts as a failure until end() says otherwise.
  void begin(std::string_view key, uint64_t nowMs);
  // The attempt begun for `key` ended; `failed` keeps it counted.
  void end(std::string_view key, bool failed);
  // An attempt that failed at once (begin and end in one).
  void recordFailure(std::string_view key, uint64_t nowMs);
  void forget(std::string_view key);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint32_t failures = 0;
    uint32_t inFlight = 0;
    uint64_t lastAttemptMs = 0;  // the latest failure or begin()
  };

  Entry* find(std::string_view key) const;
  // The key's entry, created if need be, now the most recent (null when the
  // key is empty or maxKeys is 0).
  Entry* touch(std::string_view key, uint64_t nowMs);
  bool isForgotten(const Entry& entry, uint64_t nowMs) const;
  void forgetIdle(uint64_t nowMs);

  BackoffPolicy policy_;
  // Used in attempt order: as nowMs never goes back, the least recently used
  // entry is the one idle longest.
  reactor::LruTable<Entry> entries_;
};

}  // namespace chatd::auth
