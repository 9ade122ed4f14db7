#include "chat/MessageCounts.h"

namespace chatd::chat {

MessageCounts& MessageCounts::process() {
  static MessageCounts counts;
  return counts;
}

std::string_view MessageCounts::clientTypeName(size_t index) {
  return index < kClientTypes ? chat::clientTypeName(static_cast<ClientType>(index)) : "other";
}

size_t MessageCounts::serverTypeIndex(std::string_view json) {
  constexpr std::string_view kPrefix = "{\"type\":\"";
  if (json.substr(0, kPrefix.size()) == kPrefix) {
    json.remove_prefix(kPrefix.size());
    const std::string_view type = json.substr(0, json.find('"'));
    for (size_t i = 0; i < kServerTypes.size(); ++i) {
      if (kServerTypes[i] == type) return i;
    }
  }
  return kServerTypes.size();
}

void MessageCounts::countOutFrame(const reactor::BlockRef& frame) {
  if (frame.size() < 2) return;
  // RFC 6455 §5.2: 7-bit length, or 126 + 16 bits, or 127 + 64 bits.
  const uint8_t length = frame.data()[1] & 0x7f;
  const size_t header = length < 126 ? 2 : length == 126 ? 4 : 10;
  if (frame.size() < header) return;
  countOut({reinterpret_cast<const char*>(frame.data()) + header, frame.size() - header});
}

}  // namespace chatd::chat
