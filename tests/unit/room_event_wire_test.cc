// RoomEventWire: the bytes of a RoomEvent between nodes round-trip, and
// anything that is not exactly one event is refused.
#include "store/redis/RoomEventWire.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace chatd::store {
namespace {

RoomEvent sample() {
  return RoomEvent{.kind = RoomEvent::Kind::kDirectMessage,
                   .roomId = 123456789,
                   .seq = std::numeric_limits<int64_t>::max(),
                   .originNode = std::numeric_limits<uint64_t>::max(),
                   .originSession = (7ull << 32) | 3,
                   .userId = -1,
                   .peerId = 42,
                   .payload = std::string("{\"type\":\"message\"}\0\xff", 20)};
}

void expectSame(const RoomEvent& a, const RoomEvent& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.roomId, b.roomId);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.originNode, b.originNode);
  EXPECT_EQ(a.originSession, b.originSession);
  EXPECT_EQ(a.userId, b.userId);
  EXPECT_EQ(a.peerId, b.peerId);
  EXPECT_EQ(a.targetNode, b.targetNode);
  EXPECT_EQ(a.targetSession, b.targetSession);
  EXPECT_EQ(a.payload, b.payload);
}

TEST(RoomEventWire, RoundTripsEveryField) {
  const RoomEvent event = sample();
  RoomEvent decoded;
  ASSERT_TRUE(decodeRoomEvent(encodeRoomEvent(event), decoded));
  expectSame(event, decoded);
}

TEST(RoomEventWire, RoundTripsEveryKindAndExtremes) {
  for (int kind = 0; kind <= static_cast<int>(RoomEvent::kLastKind); ++kind) {
    for (const int64_t value : {int64_t{0}, int64_t{1}, int64_t{-1}, std::numeric_limits<int64_t>::min(),
                                std::numeric_limits<int64_t>::max()}) {
      RoomEvent event{.kind = static_cast<RoomEvent::Kind>(kind), .roomId = value, .seq = value,
                      .originNode = static_cast<uint64_t>(value), .originSession = 0, .userId = value,
                      .peerId = -value - 1, .payload = ""};
      if (RoomEvent::forOneUser(event.kind)) {
        event.targetNode = static_cast<uint64_t>(value);
        event.targetSession = ~static_cast<uint64_t>(value);
      }
      RoomEvent decoded;
      ASSERT_TRUE(decodeRoomEvent(encodeRoomEvent(event), decoded)) << kind << " " << value;
      expectSame(event, decoded);
    }
  }
}

TEST(RoomEventWire, IsCompactForSmallIds) {
  const RoomEvent event{.kind = RoomEvent::Kind::kMessage, .roomId = 5, .seq = 100, .originNode = 0,
                        .originSession = 0, .userId = 9, .payload = "x"};
  EXPECT_LE(encodeRoomEvent(event).size(), 12u);
}

TEST(RoomEventWire, RefusesEveryTruncation) {
  const std::string bytes = encodeRoomEvent(sample());
  RoomEvent decoded;
  for (size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(decodeRoomEvent(std::string_view(bytes).substr(0, size), decoded)) << size;
  }
}

TEST(RoomEventWire, RefusesTrailingBytesOtherVersionsAndUnknownKinds) {
  const std::string bytes = encodeRoomEvent(sample());
  RoomEvent decoded;
  EXPECT_FALSE(decodeRoomEvent(bytes + "x", decoded));
  std::string otherVersion = bytes;
  otherVersion[0] = 2;
  EXPECT_FALSE(decodeRoomEvent(otherVersion, decoded));
  std::string unknownKind = bytes;
  unknownKind[1] = static_cast<char>(static_cast<int>(RoomEvent::kLastKind) + 1);
  EXPECT_FALSE(decodeRoomEvent(unknownKind, decoded));
  // A varint that never ends.
  EXPECT_FALSE(decodeRoomEvent(std::string("\x01\x00", 2) + std::string(20, '\xff'), decoded));
}

}  // namespace
}  // namespace chatd::store
