#include "store/MessageAnnouncement.h"

namespace chatd::store {

RoomEvent MessageAnnouncement::filledIn(int64_t id, int64_t seq, int64_t createdAt) const {
  RoomEvent filled = event;
  filled.seq = seq;
  const std::array<std::string, 3> numbers = {std::to_string(id), std::to_string(seq), std::to_string(createdAt)};
  filled.payload.reserve(around[0].size() + around[1].size() + around[2].size() + around[3].size() + 48);
  for (size_t i = 0; i < numbers.size(); ++i) filled.payload.append(around[i]).append(numbers[i]);
  filled.payload.append(around[3]);
  return filled;
}

}  // namespace chatd::store
