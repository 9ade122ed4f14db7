#include "chat/RegistrationThrottle.h"

#include <algorithm>

#include "chat/AddressKey.h"

namespace chatd::chat {

std::optional<uint32_t> RegistrationThrottle::admit(std::string_view address, uint64_t nowMs) {
  if (perHour_ == 0) return std::nullopt;
  std::string key = addressKey(address);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= maxAddresses_) {
      buckets_.erase(ages_.back());
      ages_.pop_back();
    }
    ages_.push_front(key);
    it = buckets_.emplace(std::move(key), Entry{TokenBucket(), ages_.begin()}).first;
  } else {
    ages_.splice(ages_.begin(), ages_, it->second.age);
  }
  const double perSecond = perHour_ / 3600.0;
  TokenBucket& bucket = it->second.bucket;
  if (bucket.take(perSecond, perHour_, nowMs)) return std::nullopt;
  return static_cast<uint32_t>(std::max<uint64_t>(1, (bucket.msUntilNext(perSecond) + 999) / 1000));
}

}  // namespace chatd::chat
