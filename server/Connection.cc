// Connection: its start, the WebSocket phase, the timer and teardown; the
// HTTP phase (requests, answers, the upgrade) is in server/ConnectionHttp.cc.
#include "server/Connection.h"

#include <memory>

#include "reactor/Log.h"
#include "reactor/ObjectPool.h"
#include "server/CorsPolicy.h"
#include "server/HttpServer.h"
#include "server/ServerFrames.h"

namespace chatd::server {

// Part of the ~263 bytes an idle WebSocket costs (bench/RESULTS.md; docs/architecture.md, "What an idle WebSocket costs").
static_assert(sizeof(Connection) <= 256, "Connection grew: the idle-WebSocket figure grows with it");

using proto::WsOpcode;
namespace close_code = proto::close_code;

namespace {

// One loop thread, so one pool for the process.
reactor::ObjectPool<sizeof(Connection), alignof(Connection)>& pool() {
  static reactor::ObjectPool<sizeof(Connection), alignof(Connection)> instance;
  return instance;
}

}  // namespace

void* Connection::operator new(size_t size) {
  (void)size;  // always sizeof(Connection): the class is final
  return pool().allocate();
}

void Connection::operator delete(void* object) { pool().release(object); }

Connection::Connection(HttpServer& server, int fd)
    : server_(server),
      tcp_(server.loop(), fd, server.options().maxQueueBytes, this) {
  phaseState_.http = new HttpPhase(*this, server.httpLimits());
}

Connection::~Connection() {
  if (frameParserLive_) {
    std::destroy_at(&phaseState_.frames);
  } else {
    delete phaseState_.http;
  }
}

int Connection::start() {
  reactor::TlsContext* tls = server_.transportSecurity();
  const int rc = tls ? tcp_.startTls(*tls) : tcp_.start();
  if (rc == 0) server_.loop().scheduleTimer(timer_, server_.options().handshakeTimeoutMs);
  return rc;
}

void Connection::onStreamData(std::span<uint8_t> bytes) {
  if (phase_ == Phase::kHttp) return parseHttp(bytes);  // holds back by itself (holdingHttp())
  onWebSocketData(bytes);
  applyBackpressure();
}

// --- WebSocket --------------------------------------------------------------

void Connection::onWebSocketData(std::span<uint8_t> bytes) {
  lastInputMs_ = static_cast<uint32_t>(server_.loop().nowMs());
  awaitingPong_ = false;  // any input proves the peer alive
  phaseState_.frames.feed(bytes, *this);
}

// A peer that sends faster than it reads stops being read until its replies
// drain. (Over HTTP, holdingHttp() does this, between requests.)
void Connection::applyBackpressure() {
  if (phase_ == Phase::kWebSocket && !readingPaused_ && tcp_.queuedBytes() >= server_.options().maxQueueBytes &&
      !tcp_.closing()) {
    readingPaused_ = true;
    tcp_.pauseReading();
  }
}

void Connection::onStreamDrained() {
  if (phase_ == Phase::kHttp && httpPhase()->sending) return sendBody();
  if (phase_ == Phase::kHttp) {
    // Every answer is out: the keep-alive deadline (the next request's) starts now.
    httpPhase()->ackedAtLastCheck = HttpPhase::kNotLookedYet;
    server_.loop().scheduleTimer(timer_, server_.options().handshakeTimeoutMs);
    return resumeHttp();
  }
  if (readingPaused_) {
    readingPaused_ = false;
    tcp_.resumeReading();
  }
  if (phase_ == Phase::kWebSocket) endpoint_->onDrained(*this);
}

void Connection::onStreamHangUp() {
  // A client that hangs up while its request is being answered is gone: its
  // slot is freed now, and its pending work dropped (onStreamClosed), rather
  // than when the answer comes, up to a long-poll's minute later.
  if (phase_ == Phase::kHttp && httpPhase()->pending) tcp_.close();
}

void Connection::onWsMessage(WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) {
  if (phase_ != Phase::kWebSocket) return;
  ++messagesIn_;
  if (compressed) return onCompressedMessage(opcode, payload);
  endpoint_->onMessage(*this, opcode, payload);
}

// Inflated with the server's one inflater, bounded by --max-message (the
// parser bounded the compressed bytes already); text is checked for UTF-8
// only now, as the parser saw deflated bytes.
void Connection::onCompressedMessage(WsOpcode opcode, std::span<const uint8_t> payload) {
  WsCompression& compression = server_.compression();
  std::vector<uint8_t> plain = compression.takeBuffer();
  switch (compression.inflate(payload, server_.options().maxMessageBytes, plain)) {
    case proto::MessageInflater::Status::kOk:
      break;
    case proto::MessageInflater::Status::kTooBig:
      return failMessage(close_code::kMessageTooBig, "message exceeds the size limit once inflated");
    case proto::MessageInflater::Status::kCorrupt:
      return failMessage(close_code::kProtocolError, "compressed message is not valid DEFLATE data");
  }
  if (opcode == WsOpcode::kText && !proto::Utf8Validator::isValid(plain.data(), plain.size())) {
    return failMessage(close_code::kInvalidPayload, "invalid UTF-8 in a text message");
  }
  endpoint_->onMessage(*this, opcode, plain);
  compression.recycle(std::move(plain));
}

void Connection::failMessage(uint16_t code, const char* reason) {
  phaseState_.frames.halt();  // nothing after the bad message is processed (RFC 6455 §7.1.7)
  onWsProtocolError(code, reason);
}

void Connection::onWsPing(std::span<const uint8_t> payload) {
  // Pings are answered until the peer's Close arrives (§5.5.2), also while
  // our own Close waits for it.
  if (phase_ == Phase::kWebSocket || phase_ == Phase::kClosing) {
    tcp_.sendUnbounded(makeServerFrame(WsOpcode::kPong, payload));
  }
}

void Connection::onWsPong(std::span<const uint8_t>) {}

void Connection::onWsClose(uint16_t code, std::string_view reason) {
  reportClosing(code, reason);
  if (phase_ == Phase::kWebSocket) sendClose(code, {});  // echo the peer's code (§5.5.1)
  // Both Close frames are out: the server closes the TCP connection first (§7.1.1).
  finish();
}

void Connection::onWsProtocolError(uint16_t code, const char* reason) {
  LOG_DEBUG("fd %d: WebSocket protocol error %u: %s", tcp_.fd(), code, reason);
  if (phase_ == Phase::kWebSocket) sendClose(code, reason);
  finish();
}

void Connection::finish() {
  phase_ = Phase::kClosed;
  server_.loop().scheduleTimer(timer_, reactor::TcpConnection::kLingerMs);
  tcp_.closeAfterFlush();
}

void Connection::sendClose(uint16_t code, std::string_view reason) {
  reportClosing(code, reason);
  tcp_.sendUnbounded(makeCloseFrame(code, reason));
}

void Connection::reportClosing(uint16_t code, std::string_view reason) {
  if (closingReported_ || !endpoint_) return;
  closingReported_ = true;
  endpoint_->onClosing(*this, code, reason);
}

// --- WsSession ----------------------------------------------------------------

void Connection::reply(WsOpcode opcode, std::span<const uint8_t> payload) {
  if (phase_ != Phase::kWebSocket) return;
  ++messagesOut_;
  if (deflateWindowBits_ == 0) return tcp_.sendUnbounded(makeServerFrame(opcode, payload));
  tcp_.sendUnbounded(server_.compression().replyFrame(opcode, payload, deflateWindowBits_));
}

reactor::OutputQueue::PushResult Connection::sendShared(const reactor::BlockRef& frame) {
  if (phase_ != Phase::kWebSocket) return reactor::OutputQueue::PushResult::kRefused;
  const auto result = deflateWindowBits_ == 0 ? tcp_.send(frame)
                                              : tcp_.send(server_.compression().sharedFrame(frame, deflateWindowBits_));
  if (result != reactor::OutputQueue::PushResult::kRefused) ++messagesOut_;
  return result;
}

void Connection::close(uint16_t code, std::string_view reason) {
  if (phase_ != Phase::kWebSocket) return;
  sendClose(code, reason);
  phase_ = Phase::kClosing;
  server_.loop().scheduleTimer(timer_, server_.options().pingTimeoutMs);
}

void Connection::shutdown() {
  switch (phase_) {
    case Phase::kHttp:
      finish();
      break;
    case Phase::kWebSocket:
      endpoint_->onServerShutdown(*this);
      close(close_code::kGoingAway, "server shutting down");
      break;
    case Phase::kClosing:
    case Phase::kClosed:
      break;
  }
}

// --- Timer and teardown ---------------------------------------------------------

void Connection::handleTimer(reactor::Timer&) {
  reactor::EventLoop& loop = server_.loop();
  const ServerOptions& config = server_.options();
  switch (phase_) {
    case Phase::kHttp: {
      HttpPhase& http = *httpPhase();
      if (http.bodyUnread && !http.stream->full() && http.streamedBytes == http.streamedAtLastCheck) {
        // A streamed body that stopped coming: its work is dropped like a hung-up client's.
        http.bodyUnread = false;
        http.parser.streamBodyTo(nullptr);
        std::exchange(http.pending, nullptr)->abandon();
        answerAndClose(proto::jsonError(408, "request_timeout", "the request body stopped coming"), http.method,
                       RequestCounts::kOtherRoute);
      } else if (http.pending) {
        http.streamedAtLastCheck = http.streamedBytes;
        // The answer is late (a slow store or worker); the deadline waits for it.
        server_.loop().scheduleTimer(timer_, config.handshakeTimeoutMs);
      } else if (tcp_.queuedBytes() > 0) {
        // Answers are still going out: wait on while the client reads them,
        // close a client that has read nothing since the last look.
        const uint64_t acked = tcp_.bytesAcked();
        if (http.ackedAtLastCheck == HttpPhase::kNotLookedYet || acked > http.ackedAtLastCheck) {
          http.ackedAtLastCheck = acked;
          server_.loop().scheduleTimer(timer_, config.handshakeTimeoutMs);
        } else {
          LOG_DEBUG("fd %d: client reads none of its answers, closing", tcp_.fd());
          phase_ = Phase::kClosed;
          tcp_.close();
        }
      } else if (http.parser.midRequest()) {
        answerAndClose(proto::jsonError(408, "request_timeout", "the request did not complete in time"), {},
                       RequestCounts::kOtherRoute);
      } else {
        phase_ = Phase::kClosed;
        tcp_.close();  // idle keep-alive connection
      }
      return;
    }
    case Phase::kWebSocket: {
      if (awaitingPong_) {
        LOG_DEBUG("fd %d: no answer to ping, closing", tcp_.fd());
        sendClose(close_code::kGoingAway, "ping timeout");
        finish();
        return;
      }
      const uint64_t idle = static_cast<uint32_t>(static_cast<uint32_t>(loop.nowMs()) - lastInputMs_);
      if (idle + reactor::EventLoop::kTimerTickMs < config.pingIntervalMs) {
        loop.scheduleTimer(timer_, config.pingIntervalMs - idle);
        return;
      }
      tcp_.sendUnbounded(makeServerFrame(WsOpcode::kPing, std::string_view{}));
      awaitingPong_ = true;
      loop.scheduleTimer(timer_, config.pingTimeoutMs);
      return;
    }
    case Phase::kClosing:
    case Phase::kClosed:
      tcp_.close();  // the peer never finished the closing handshake, or never hung up
      return;
  }
}

void Connection::onStreamClosed() {
  reactor::TimerWheel::cancel(timer_);
  if (httpPhase() && httpPhase()->pending) httpPhase()->pending->abandon();  // a late answer goes nowhere
  const bool wasWebSocket = endpoint_ != nullptr;
  phase_ = Phase::kClosed;
  if (wasWebSocket) endpoint_->onClose(*this);
  endpoint_ = nullptr;
  server_.connectionClosed(this);
}

}  // namespace chatd::server
