#include "auth/AttemptTable.h"

#include <algorithm>
#include <limits>

namespace chatd::auth {
namespace {

std::string_view cut(std::string_view key) { return key.substr(0, AttemptTable::kMaxKeyBytes); }

// firstDelayMs doubled once per failure past the free ones, capped.
uint64_t delayMs(uint32_t failuresPastFree, const BackoffPolicy& policy) {
  uint64_t delay = policy.firstDelayMs;
  for (uint32_t i = 0; i < failuresPastFree && delay != 0 && delay < policy.maxDelayMs; ++i) {
    delay *= 2;
  }
  return std::min(delay, policy.maxDelayMs);
}

// See BackoffPolicy::forgetAfterMs.
BackoffPolicy sane(BackoffPolicy policy) {
  policy.forgetAfterMs = std::max(policy.forgetAfterMs, 2 * policy.maxDelayMs);
  return policy;
}

uint32_t saturatingAdd(uint32_t a, uint32_t b) {
  return a > std::numeric_limits<uint32_t>::max() - b ? std::numeric_limits<uint32_t>::max() : a + b;
}

}  // namespace

AttemptTable::AttemptTable(const BackoffPolicy& policy) : policy_(sane(policy)), entries_(policy_.maxKeys) {}

AttemptTable::Entry* AttemptTable::find(std::string_view key) const { return entries_.find(cut(key)); }

uint64_t AttemptTable::refusedUntilMs(std::string_view key) const {
  // An idle entry the sweep has not reached yet needs no check: its refusal
  // ended before it went idle (forgetAfterMs >= 2 * maxDelayMs).
  const Entry* entry = find(key);
  if (entry == nullptr) return 0;
  const uint32_t counted = saturatingAdd(entry->failures, entry->inFlight);
  if (counted < policy_.freeFailures) return 0;
  return entry->lastAttemptMs + delayMs(counted - policy_.freeFailures, policy_);
}

uint32_t AttemptTable::failures(std::string_view key) const {
  const Entry* entry = find(key);
  return entry == nullptr ? 0 : entry->failures;
}

AttemptTable::Entry* AttemptTable::touch(std::string_view key, uint64_t nowMs) {
  key = cut(key);
  if (key.empty()) return nullptr;
  forgetIdle(nowMs);
  Entry* entry = entries_.touch(key);
  if (entry) entry->lastAttemptMs = nowMs;
  return entry;
}

void AttemptTable::begin(std::string_view key, uint64_t nowMs) {
  if (Entry* entry = touch(key, nowMs)) entry->inFlight = saturatingAdd(entry->inFlight, 1);
}

void AttemptTable::end(std::string_view key, bool failed) {
  // Gone when evicted or forgotten while in flight: then there is nothing to end.
  Entry* entry = find(key);
  if (entry == nullptr || entry->inFlight == 0) return;
  --entry->inFlight;
  if (failed) {
    entry->failures = saturatingAdd(entry->failures, 1);
  } else if (entry->failures == 0 && entry->inFlight == 0) {
    forget(key);  // nothing left to remember
  }
}

void AttemptTable::recordFailure(std::string_view key, uint64_t nowMs) {
  if (Entry* entry = touch(key, nowMs)) entry->failures = saturatingAdd(entry->failures, 1);
}

void AttemptTable::forget(std::string_view key) { entries_.erase(cut(key)); }

bool AttemptTable::isForgotten(const Entry& entry, uint64_t nowMs) const {
  return nowMs >= entry.lastAttemptMs && nowMs - entry.lastAttemptMs >= policy_.forgetAfterMs;
}

void AttemptTable::forgetIdle(uint64_t nowMs) {
  entries_.dropOldestWhile([&](const Entry& entry) { return isForgotten(entry, nowMs); });
}

}  // namespace chatd::auth
