#include "auth/RegistrationThrottle.h"

#include <algorithm>

#include "auth/AddressKey.h"

namespace chatd::auth {

std::optional<uint32_t> RegistrationThrottle::admit(std::string_view address, uint64_t nowMs) {
  if (perHour_ == 0) return std::nullopt;
  TokenBucket* bucket = buckets_.touch(addressKey(address));
  if (bucket == nullptr) return std::nullopt;  // a table of no addresses: nothing to count with
  const double perSecond = perHour_ / 3600.0;
  if (bucket->take(perSecond, perHour_, nowMs)) return std::nullopt;
  return static_cast<uint32_t>(std::max<uint64_t>(1, (bucket->msUntilNext(perSecond) + 999) / 1000));
}

}  // namespace chatd::auth
