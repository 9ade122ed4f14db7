#include "reactor/RatePerAddress.h"

#include <algorithm>

#include "reactor/AddressKey.h"

namespace chatd::reactor {

std::optional<uint32_t> RatePerAddress::admit(std::string_view address, uint64_t nowMs) {
  if (perPeriod_ == 0) return std::nullopt;
  TokenBucket* bucket = buckets_.touch(addressKey(address));
  if (bucket == nullptr) return std::nullopt;  // a table of no addresses: nothing to count with
  if (bucket->take(perSecond_, perPeriod_, nowMs)) return std::nullopt;
  return static_cast<uint32_t>(std::max<uint64_t>(1, (bucket->msUntilNext(perSecond_) + 999) / 1000));
}

}  // namespace chatd::reactor
