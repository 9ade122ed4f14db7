#include "server/Connection.h"

#include <memory>

#include "proto/WsHandshake.h"
#include "reactor/Log.h"
#include "reactor/ObjectPool.h"
#include "server/AccessLog.h"
#include "server/CorsPolicy.h"
#include "server/HttpServer.h"
#include "server/ServerFrames.h"

namespace chatd::server {

// Part of the ~263 bytes an idle WebSocket costs (bench/RESULTS.md; docs/architecture.md, "What an idle WebSocket costs").
static_assert(sizeof(Connection) <= 256, "Connection grew: the idle-WebSocket figure grows with it");

using proto::WsOpcode;
namespace close_code = proto::close_code;

namespace {

reactor::BlockRef blockOf(const std::string& bytes) { return reactor::BlockRef::copyOf(bytes); }

// Causes of refusal a client repeats at will: each logged once a second at most.
reactor::LogLimiter badRequests;
reactor::LogLimiter refusedUpgrades;

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

// --- HTTP -----------------------------------------------------------------

bool Connection::accessLogging() const {
  return server_.options().accessLog && reactor::logEnabled(reactor::LogLevel::kInfo);
}

bool Connection::holdingHttp() const {
  return httpPhase()->pending || tcp_.queuedBytes() >= server_.options().maxQueueBytes;
}

void Connection::parseHttp(std::span<uint8_t> bytes) {
  HttpPhase& http = *httpPhase();
  size_t pos = 0;
  while (phase_ == Phase::kHttp && !tcp_.closing() && !tcp_.closed()) {
    if (holdingHttp()) {
      // Keep the rest for resumeHttp(), and read no more meanwhile.
      http.held.assign(reinterpret_cast<const char*>(bytes.data() + pos), bytes.size() - pos);
      tcp_.pauseReading();
      return;
    }
    const auto result = http.parser.feed(reinterpret_cast<const char*>(bytes.data() + pos), bytes.size() - pos);
    pos += result.consumed;
    // The head passed the parser's limits: let the client send the body.
    if (http.parser.takeExpectContinue()) tcp_.sendUnbounded(blockOf("HTTP/1.1 100 Continue\r\n\r\n"));
    switch (result.status) {
      case proto::HttpParser::Status::kNeedMore:
        return;
      case proto::HttpParser::Status::kRequest:
        http.parsing = true;
        startRequest(http.parser.takeRequest());
        http.parsing = false;
        break;
      case proto::HttpParser::Status::kUpgrade:
        return upgrade(http.parser.takeRequest(), bytes.subspan(pos));
      case proto::HttpParser::Status::kError:
        return refuse(proto::jsonError(http.parser.errorStatus(), "bad_request", http.parser.errorReason()), {},
                      RequestCounts::kOtherRoute, badRequests, "bad HTTP request",
                      reactor::SocketAddress::ofPeer(tcp_.fd()).host());
    }
  }
}

void Connection::resumeHttp() {
  if (holdingHttp() || tcp_.closing() || tcp_.closed()) return;
  std::string held = std::move(httpPhase()->held);
  tcp_.resumeReading();
  parseHttp({reinterpret_cast<uint8_t*>(held.data()), held.size()});
}

void Connection::startRequest(proto::HttpRequest request) {
  HttpPhase& http = *httpPhase();
  http.keepAlive = request.keepAlive;
  // HEAD is answered wherever GET is: handlers see a GET, and respond() drops the body.
  http.headOnly = request.method == "HEAD";
  if (http.headOnly) request.method = "GET";
  http.corsOrigin = server_.cors().allowedOrigin(request);
  const std::string peer = reactor::SocketAddress::ofPeer(tcp_.fd()).host();
  http.method = request.method;
  if (accessLogging()) {
    http.target = request.target;
    http.startedMs = server_.loop().nowMs();
  }
  http.pending = std::make_shared<HttpResponder::State>(
      HttpResponder::State{&http, server_.trustedProxies().clientAddress(peer, request)});
  server_.router().handle(request, HttpResponder(http.pending));
}

void Connection::deliverHttpResponse(proto::HttpResponse response) {
  HttpPhase& http = *httpPhase();
  server_.requestCounts().count(http.method, http.pending->route, response.status);
  const std::string client = std::move(http.pending->peerAddress);
  http.pending.reset();
  if (http.corsOrigin) CorsPolicy::decorate(response, *http.corsOrigin);
  const size_t bytes = respond(response, http.keepAlive, http.headOnly);
  if (accessLogging()) {
    logRequest({.method = http.headOnly ? "HEAD" : http.method, .target = http.target, .client = client,
                .status = response.status, .bytes = bytes, .durationMs = server_.loop().nowMs() - http.startedMs});
  }
  // Answered at once, parseHttp() carries on by itself; answered later, go
  // on with what arrived meanwhile.
  if (!http.parsing) resumeHttp();
}

size_t Connection::respond(const proto::HttpResponse& response, bool keepAlive, bool headOnly) {
  std::string bytes = proto::serializeResponse(response, keepAlive);
  if (headOnly) bytes.resize(bytes.size() - response.body.size());
  tcp_.sendUnbounded(blockOf(bytes));
  if (!keepAlive) {
    finish();
    return bytes.size();
  }
  // The keep-alive deadline starts once the answer is out (onStreamDrained);
  // until then the timer watches that the client reads.
  httpPhase()->ackedAtLastCheck = HttpPhase::kNotLookedYet;
  tcp_.notifyWhenDrained();
  return bytes.size();
}

void Connection::answerAndClose(const proto::HttpResponse& response, std::string_view method, std::string_view route) {
  server_.requestCounts().count(method, route, response.status);
  respond(response, false);
}

void Connection::refuse(const proto::HttpResponse& response, std::string_view method, std::string_view route,
                        reactor::LogLimiter& cause, const char* what, std::string_view client) {
  LOG_EVENT_LIMITED(cause, reactor::LogLevel::kWarn, what, {"status", response.status}, {"client", client});
  answerAndClose(response, method, route);
}

void Connection::upgrade(const proto::HttpRequest& request, std::span<uint8_t> rest) {
  const std::string peer = reactor::SocketAddress::ofPeer(tcp_.fd()).host();
  const std::string client = server_.trustedProxies().clientAddress(peer, request);
  const std::string_view route = server_.router().webSocketRoute(request.path());
  auto refuseUpgrade = [&](const proto::HttpResponse& refusal) {
    refuse(refusal, request.method, route.empty() ? RequestCounts::kOtherRoute : route, refusedUpgrades,
           "WebSocket upgrade refused", client);
  };
  if (route.empty()) return refuseUpgrade(proto::jsonError(404, "not_found", "no WebSocket endpoint at this path"));
  const proto::WsHandshakeResult handshake = proto::evaluateWsHandshake(request, {}, server_.compression().enabled());
  if (!handshake.accepted) return refuseUpgrade(handshake.response);
  const bool secure = server_.transportSecurity() != nullptr;
  if (server_.cors().refusesWebSocket(request, server_.trustedProxies().clientScheme(peer, request, secure))) {
    return refuseUpgrade(proto::jsonError(403, "forbidden", "this Origin may not open a WebSocket here"));
  }
  if (auto refusal = admitClient(peer, client)) return refuseUpgrade(*refusal);
  WsEndpoint* endpoint = server_.router().webSocketAt(route);
  WsEndpoint::Admission admission = endpoint->admit(request, client);
  if (admission.refusal) return refuseUpgrade(*admission.refusal);

  server_.requestCounts().count(request.method, route, handshake.response.status);
  tcp_.sendUnbounded(blockOf(proto::serializeResponse(handshake.response, true)));
  delete phaseState_.http;
  std::construct_at(&phaseState_.frames, proto::WsFrameParser::Role::kServer, server_.options().maxMessageBytes);
  frameParserLive_ = true;
  if (handshake.deflate) {
    phaseState_.frames.allowRsv1(true);
    deflateWindowBits_ = handshake.deflate->serverMaxWindowBits;
  }
  endpoint_ = endpoint;
  phase_ = Phase::kWebSocket;
  lastInputMs_ = static_cast<uint32_t>(server_.loop().nowMs());
  server_.loop().scheduleTimer(timer_, server_.options().pingIntervalMs);
  endpoint_->onOpen(*this, request, std::move(admission.admitted), client);
  // Frames the client sent right behind its request are WebSocket bytes.
  if (!rest.empty()) onWebSocketData(rest);
}

std::optional<proto::HttpResponse> Connection::admitClient(const std::string& peer, const std::string& client) {
  ClientLimits& limits = server_.clientLimits();
  if (!limits.active()) return std::nullopt;
  if (const auto retry = limits.admitUpgrade(client, server_.loop().nowMs())) {
    return proto::jsonError(429, "rate_limited", "too many WebSocket upgrades from your address, retry later")
        .header("Retry-After", std::to_string(*retry));
  }
  // A direct peer counts since accept; a proxied client from now on.
  if (server_.trustedProxies().trusts(peer) && !limits.admitConnection(client, this)) {
    return HttpServer::addressBusy();
  }
  return std::nullopt;
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
      if (http.pending) {
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
