#include "bench/WsClient.h"

#include <cstring>
#include <vector>

#include "bench/InflateCache.h"
#include "proto/WsClientHandshake.h"
#include "proto/WsFrameWriter.h"

namespace chatd::bench {

using proto::WsOpcode;

namespace {

constexpr std::string_view kDeflateOffer = "Sec-WebSocket-Extensions: permessage-deflate\r\n";

}  // namespace

WsClient::WsClient(reactor::EventLoop& loop, ClientObserver& observer, size_t index, size_t maxMessage,
                   bool offerDeflate)
    : loop_(loop),
      observer_(observer),
      parser_(proto::WsFrameParser::Role::kClient, maxMessage),
      index_(index),
      maxMessage_(maxMessage),
      maskState_(static_cast<uint32_t>(index * 2654435761u) | 1u),
      offerDeflate_(offerDeflate) {}

uint32_t WsClient::nextMask() {
  // xorshift32: masks only need to be unpredictable to intermediaries, and
  // this generator is cheap enough for hundreds of thousands of frames a second.
  maskState_ ^= maskState_ << 13;
  maskState_ ^= maskState_ >> 17;
  maskState_ ^= maskState_ << 5;
  return maskState_;
}

void WsClient::connect(const Target& node, const reactor::SocketAddress* source, const std::string& target,
                       reactor::TlsContext* tls) {
  const int fd = reactor::connectNonBlocking(node.server, source);
  if (fd < 0) return fail(failureFromErrno(-fd));
  tcp_ = std::make_unique<reactor::TcpConnection>(loop_, fd, kOutputLimit, this);
  state_ = State::kConnecting;
  key_ = proto::makeWsClientKey();
  const int rc = tls ? tcp_->startConnectingTls(*tls, node.address) : tcp_->startConnecting();
  if (rc < 0) return fail(failureFromErrno(-rc));
  tcp_->sendUnbounded(reactor::BlockRef::copyOf(
      proto::buildWsUpgradeRequest(node.host, target, key_, offerDeflate_ ? kDeflateOffer : std::string_view{})));
  state_ = State::kHandshake;
}

void WsClient::onStreamConnected() {}

reactor::BlockRef WsClient::maskedFrame(WsOpcode opcode, std::string_view payload) {
  const uint32_t mask = nextMask();
  uint8_t key[4];
  std::memcpy(key, &mask, 4);
  uint8_t header[proto::kMaxFrameHeader];
  const size_t headerLength = proto::encodeFrameHeader({.opcode = opcode, .mask = key}, payload.size(), header);
  reactor::BlockRef frame(reactor::Block::allocate(headerLength + payload.size()));
  uint8_t* out = frame.mutableData();
  std::memcpy(out, header, headerLength);
  for (size_t i = 0; i < payload.size(); ++i) out[headerLength + i] = static_cast<uint8_t>(payload[i]) ^ key[i & 3];
  return frame;
}

bool WsClient::send(WsOpcode opcode, std::string_view payload) {
  if (state_ != State::kOpen) return false;
  if (tcp_->send(maskedFrame(opcode, payload)) == reactor::OutputQueue::PushResult::kRefused) {
    failure_ = Failure::kSendBackpressure;
    return false;
  }
  return true;
}

void WsClient::close() {
  if (state_ == State::kConnecting || state_ == State::kHandshake) {
    state_ = State::kClosing;
    tcp_->close();  // not open yet: nothing to hand-shake
    return;
  }
  if (state_ != State::kOpen) return;
  state_ = State::kClosing;
  tcp_->sendUnbounded(maskedFrame(WsOpcode::kClose, proto::closePayload(1000, {})));
}

void WsClient::onStreamData(std::span<uint8_t> bytes) {
  if (state_ == State::kHandshake) {
    handshake_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto response = proto::parseWsUpgradeResponse(handshake_, key_);
    if (response.status == proto::WsUpgradeResponse::Status::kIncomplete) return;
    if (response.status == proto::WsUpgradeResponse::Status::kRejected) return fail(Failure::kHandshakeRejected);
    // Frames right behind the 101 are WebSocket bytes; parse them from our copy.
    std::string rest = handshake_.substr(response.consumed);
    std::string().swap(handshake_);
    deflateAccepted_ = offerDeflate_ && response.extensions.starts_with("permessage-deflate");
    parser_.allowRsv1(deflateAccepted_);
    wireBytes_ += rest.size();
    state_ = State::kOpen;
    everOpened_ = true;
    observer_.onClientOpen(*this);
    if (!rest.empty() && state_ == State::kOpen) {
      parser_.feed({reinterpret_cast<uint8_t*>(rest.data()), rest.size()}, *this);
    }
    return;
  }
  wireBytes_ += bytes.size();
  parser_.feed(bytes, *this);
}

void WsClient::onWsMessage(WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) {
  if (state_ != State::kOpen) return;
  if (!compressed) {
    messageBytes_ += payload.size();
    return observer_.onClientMessage(*this, opcode, payload);
  }
  thread_local InflateCache inflater;
  const std::vector<uint8_t>* plain = inflater.inflate(payload, maxMessage_);
  if (!plain) return fail(Failure::kProtocolError);
  messageBytes_ += plain->size();
  observer_.onClientMessage(*this, opcode, *plain);
}

void WsClient::onWsPing(std::span<const uint8_t> payload) {
  tcp_->sendUnbounded(
      maskedFrame(WsOpcode::kPong, {reinterpret_cast<const char*>(payload.data()), payload.size()}));
}

void WsClient::onWsClose(uint16_t, std::string_view) {
  if (state_ != State::kClosing) failure_ = Failure::kServerClose;
  tcp_->closeAfterFlush();
}

void WsClient::onWsProtocolError(uint16_t, const char*) { fail(Failure::kProtocolError); }

void WsClient::fail(Failure failure) {
  if (failure_ == Failure::kNone) failure_ = failure;
  if (tcp_ && !tcp_->closed()) {
    tcp_->close();  // onStreamClosed reports
  } else if (state_ != State::kClosed) {
    state_ = State::kClosed;
    observer_.onClientClosed(*this, failure_);
  }
}

void WsClient::onStreamClosed() {
  if (state_ == State::kClosed) return;
  if (failure_ == Failure::kNone && state_ != State::kClosing) {
    failure_ = tcp_->error() ? failureFromErrno(tcp_->error()) : Failure::kReset;
  }
  state_ = State::kClosed;
  observer_.onClientClosed(*this, failure_);
}

}  // namespace chatd::bench
