#include "chat/RegistrationThrottle.h"

#include <arpa/inet.h>

#include <cmath>
#include <cstring>

namespace chatd::chat {

std::string addressKey(std::string_view address) {
  in6_addr v6;
  const std::string text(address);
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  char printed[INET6_ADDRSTRLEN];
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    return inet_ntop(AF_INET, &v6.s6_addr[12], printed, sizeof printed) ? printed : text;
  }
  std::memset(&v6.s6_addr[8], 0, 8);
  return inet_ntop(AF_INET6, &v6, printed, sizeof printed) ? std::string(printed) + "/64" : text;
}

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
