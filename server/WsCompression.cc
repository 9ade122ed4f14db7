#include "server/WsCompression.h"

#include "proto/WsFrameWriter.h"
#include "server/ServerFrames.h"

namespace chatd::server {

namespace {

// An inflated-message buffer larger than this is freed after its message
// rather than kept for the next: a rare large message leaves nothing behind.
constexpr size_t kKeptBufferBytes = 64 * 1024;

}  // namespace

bool WsCompression::worthCompressing(size_t plainBytes, uint8_t windowBits) const {
  if (windowBits == 0 || plainBytes < minBytes_) return false;
  return windowBits >= 15 || plainBytes <= (size_t{1} << windowBits);
}

reactor::BlockRef WsCompression::compress(proto::WsOpcode opcode, std::span<const uint8_t> payload) {
  compressed_.clear();
  deflater_.deflate(payload, compressed_);
  ++stats_.compressions;
  if (compressed_.size() >= payload.size()) return {};
  return makeCompressedFrame(opcode, compressed_);
}

reactor::BlockRef WsCompression::sharedFrame(const reactor::BlockRef& frame, uint8_t windowBits) {
  const std::span<const uint8_t> bytes(frame.data(), frame.size());
  const auto layout = proto::decodeUnmaskedFrame(bytes);
  if (!layout || !layout->header.fin || layout->header.rsv1 || proto::isControl(layout->header.opcode) ||
      layout->header.opcode == proto::WsOpcode::kContinuation) {
    return frame;
  }
  const std::span<const uint8_t> payload = bytes.subspan(layout->headerLength);
  if (!worthCompressing(payload.size(), windowBits)) return frame;
  reactor::BlockRef twin = frame.derived([&](const reactor::BlockRef& plain) {
    reactor::BlockRef compressed = compress(layout->header.opcode, payload);
    return compressed ? compressed : plain;
  });
  if (twin.data() == frame.data()) return frame;  // compressing gained nothing
  ++stats_.sharedSends;
  return twin;
}

reactor::BlockRef WsCompression::replyFrame(proto::WsOpcode opcode, std::span<const uint8_t> payload,
                                            uint8_t windowBits) {
  if (worthCompressing(payload.size(), windowBits)) {
    if (reactor::BlockRef compressed = compress(opcode, payload)) {
      ++stats_.compressedReplies;
      return compressed;
    }
  }
  return makeServerFrame(opcode, payload);
}

proto::MessageInflater::Status WsCompression::inflate(std::span<const uint8_t> payload, size_t maxBytes,
                                                      std::vector<uint8_t>& out) {
  ++stats_.inflations;
  return inflater_.inflate(payload, maxBytes, out);
}

void WsCompression::recycle(std::vector<uint8_t> buffer) {
  if (buffer.capacity() <= kKeptBufferBytes) buffer_ = std::move(buffer);
}

}  // namespace chatd::server
