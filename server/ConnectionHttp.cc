// Connection's HTTP phase: reading requests (held back while one is being
// answered), answering them (the access log line, the request counts), and
// the upgrade to a WebSocket with every check that may refuse it.
// server/Connection.cc holds the WebSocket phase, the timer and teardown.
#include "proto/WsHandshake.h"
#include "reactor/Log.h"
#include "server/AccessLog.h"
#include "server/Connection.h"
#include "server/CorsPolicy.h"
#include "server/HttpServer.h"

namespace chatd::server {

namespace {

// Causes of refusal a client repeats at will: each logged once a second at most.
reactor::LogLimiter badRequests;
reactor::LogLimiter refusedUpgrades;

}  // namespace

bool Connection::accessLogging() const {
  return server_.options().accessLog && reactor::logEnabled(reactor::LogLevel::kInfo);
}

bool Connection::holdingHttp() const {
  const HttpPhase& http = *httpPhase();
  // A streamed body is read while its answer is pending, as fast as the stream takes it.
  const bool waiting = http.bodyUnread ? http.stream->full() : http.pending || http.sending;
  return waiting || tcp_.queuedBytes() >= server_.options().maxQueueBytes;
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
    if (http.bodyUnread) http.streamedBytes += result.consumed;
    pos += result.consumed;
    // The head passed the parser's limits: let the client send the body.
    if (http.parser.takeExpectContinue()) tcp_.sendUnbounded(reactor::BlockRef::copyOf("HTTP/1.1 100 Continue\r\n\r\n"));
    switch (result.status) {
      case proto::HttpParser::Status::kNeedMore:
        return;
      case proto::HttpParser::Status::kHead:
        startStream(http.parser.takeRequest());
        break;
      case proto::HttpParser::Status::kRequest:
        http.parsing = true;
        if (std::exchange(http.bodyUnread, false)) {
          http.stream->onBodyEnd();
        } else {
          startRequest(http.parser.takeRequest());
        }
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

void Connection::startStream(const proto::HttpRequest& head) {
  HttpPhase& http = *httpPhase();
  Router::StreamOpener open = server_.router().streamFor(head);
  if (!open) return;  // collected
  http.bodyUnread = true;  // also for an answer given inside open(): the connection then closes
  http.parsing = true;
  std::unique_ptr<BodyStream> stream = open(beginRequest(head));
  http.parsing = false;
  if (!http.bodyUnread) return server_.loop().destroyLater(std::move(stream));
  http.stream = std::move(stream);
  http.stream->onRoom([this] { resumeHttp(); });
  http.parser.streamBodyTo(http.stream.get());
}

void Connection::startRequest(proto::HttpRequest request) {
  // HEAD is answered wherever GET is: handlers see a GET, and respond() drops the body.
  const bool headOnly = request.method == "HEAD";
  if (headOnly) request.method = "GET";
  const HttpResponder responder = beginRequest(request);
  httpPhase()->headOnly = headOnly;
  server_.router().handle(request, responder);
}

HttpResponder Connection::beginRequest(const proto::HttpRequest& request) {
  HttpPhase& http = *httpPhase();
  http.keepAlive = request.keepAlive;
  http.headOnly = false;
  http.corsOrigin = server_.cors().allowedOrigin(request);
  const std::string peer = reactor::SocketAddress::ofPeer(tcp_.fd()).host();
  http.method = request.method;
  if (accessLogging()) {
    http.target = request.target;
    http.startedMs = server_.loop().nowMs();
  }
  http.pending = std::make_shared<HttpResponder::State>(
      HttpResponder::State{&http, server_.trustedProxies().clientAddress(peer, request)});
  return HttpResponder(http.pending);
}

void Connection::deliverHttpResponse(proto::HttpResponse response) {
  HttpPhase& http = *httpPhase();
  server_.requestCounts().count(http.method, http.pending->route, response.status);
  const std::string client = std::move(http.pending->peerAddress);
  http.pending.reset();
  // Answered before its body ended: the rest of the body is never read, so the connection ends.
  if (std::exchange(http.bodyUnread, false)) {
    http.keepAlive = false;
    http.parser.streamBodyTo(nullptr);
  }
  // Not now: the stream may be the one answering.
  if (http.stream) server_.loop().destroyLater(std::move(http.stream));
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
  tcp_.sendUnbounded(reactor::BlockRef::copyOf(bytes));
  if (response.source && !headOnly) {
    HttpPhase& http = *httpPhase();
    http.sending = response.source;
    http.keepAlive = keepAlive;
    sendBody();
    return bytes.size() + response.source->size();
  }
  answered(keepAlive);
  return bytes.size();
}

void Connection::answered(bool keepAlive) {
  if (!keepAlive) return finish();
  // The keep-alive deadline starts once the answer is out (onStreamDrained);
  // until then the timer watches that the client reads.
  httpPhase()->ackedAtLastCheck = HttpPhase::kNotLookedYet;
  tcp_.notifyWhenDrained();
}

// The pieces are read here, on the loop, for plain and TLS connections
// alike: they are local files whose pages are mostly cached, a read is at
// most kBodyChunk and happens only as the client takes what was sent, and a
// worker round trip per piece would cost more than the read.
void Connection::sendBody() {
  HttpPhase& http = *httpPhase();
  std::string chunk;
  while (tcp_.queuedBytes() < kBodyWindow) {
    chunk.clear();
    if (!http.sending->read(chunk, kBodyChunk)) {
      // The length is announced: a short body must end the connection.
      http.sending.reset();
      phase_ = Phase::kClosed;
      return tcp_.close();
    }
    if (chunk.empty()) {
      http.sending.reset();
      return answered(http.keepAlive);
    }
    tcp_.sendUnbounded(reactor::BlockRef::copyOf(chunk));
  }
  tcp_.notifyWhenDrained();
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
  tcp_.sendUnbounded(reactor::BlockRef::copyOf(proto::serializeResponse(handshake.response, true)));
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

}  // namespace chatd::server
