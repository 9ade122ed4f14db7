// One client connection: HTTP/1.1 requests (keep-alive, pipelined, answered in
// order) until an Upgrade, then a WebSocket bound to one endpoint.
//
// Owns its TcpConnection, its parsers and one timer that serves each phase in
// turn: the request deadline (slowloris), the idle ping and pong deadline, the
// closing-handshake deadline and the final linger. Owned by HttpServer, which links it into its
// list and hands it to EventLoop::destroyLater once the socket is closed, so
// it is never destroyed inside its own callback.
//
// Every open WebSocket is one of these, so its layout is kept tight
// (docs/architecture.md, "What an idle WebSocket costs").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "proto/HttpParser.h"
#include "proto/HttpResponse.h"
#include "proto/WsFrameParser.h"
#include "reactor/LogLimiter.h"
#include "reactor/TcpConnection.h"
#include "server/BodyStream.h"
#include "server/HttpResponder.h"
#include "server/WsEndpoint.h"

namespace chatd::server {

class HttpServer;

class Connection final : public reactor::StreamHandler,
                         public reactor::TimerHandler,
                         public WsSession,
                         private proto::WsFrameSink {
 public:
  Connection(HttpServer& server, int fd);
  ~Connection();

  int start();
  // The server is stopping: WebSockets get Close 1001, HTTP connections close.
  void shutdown();
  // Closes the socket now, without a closing handshake.
  void abort() { tcp_.close(); }

  // What it is doing, for /metrics (HttpServer::connectionStates()).
  enum class State : uint8_t { kTlsHandshake, kHttp, kWebSocket, kClosing };
  State state() const {
    switch (phase_) {
      case Phase::kHttp: return tcp_.handshaking() ? State::kTlsHandshake : State::kHttp;
      case Phase::kWebSocket: return State::kWebSocket;
      case Phase::kClosing:
      case Phase::kClosed: return State::kClosing;
    }
    return State::kClosing;
  }

  // WsSession
  void reply(proto::WsOpcode opcode, std::span<const uint8_t> payload) override;
  reactor::OutputQueue::PushResult sendShared(const reactor::BlockRef& frame) override;
  size_t queuedBytes() const override { return tcp_.queuedBytes(); }
  uint64_t bytesAcked() const override { return tcp_.bytesAcked(); }
  void notifyWhenDrained() override { tcp_.notifyWhenDrained(); }
  void close(uint16_t code, std::string_view reason) override;
  uint32_t messagesIn() const override { return messagesIn_; }
  uint32_t messagesOut() const override { return messagesOut_; }

  // StreamHandler, TimerHandler
  void onStreamData(std::span<uint8_t> bytes) override;
  void onStreamDrained() override;
  void onStreamClosed() override;
  void onStreamHangUp() override;
  void handleTimer(reactor::Timer& timer) override;

  // Connections come from a pool (reactor/ObjectPool.h): dense, and apart
  // from the short-lived allocations of each handshake.
  static void* operator new(size_t size);
  static void operator delete(void* object);

  // HttpServer's intrusive list of live connections.
  Connection* prev = nullptr;
  Connection* next = nullptr;

 private:
  enum class Phase : uint8_t {
    kHttp,       // reading requests
    kWebSocket,  // open
    kClosing,    // we sent Close and wait for the peer's
    kClosed,     // the socket is closing or closed
  };

  // The HTTP phase's state; freed at the upgrade, so a WebSocket carries none of it.
  struct HttpPhase final : HttpReplySink {
    HttpPhase(Connection& owner, const proto::HttpLimits& limits) : connection(owner), parser(limits) {
      parser.stopAtBodies(true);  // so that a streaming route takes its body as it comes
    }
    // Here rather than on Connection, so a WebSocket carries no HTTP vtable.
    void deliverHttpResponse(proto::HttpResponse response) override {
      connection.deliverHttpResponse(std::move(response));
    }
    Connection& connection;
    proto::HttpParser parser;
    std::shared_ptr<HttpResponder::State> pending;  // the request being answered
    std::unique_ptr<BodyStream> stream;  // where the body of a streaming route's request goes
    bool bodyUnread = false;  // `stream` takes a body that has not ended yet
    uint64_t streamedBytes = 0;  // bytes read while a body streamed, so the timer sees it move
    uint64_t streamedAtLastCheck = 0;
    std::shared_ptr<proto::HttpBodySource> sending;  // an answer's body still being read out
    std::string held;  // bytes that came after it (or after answers over --max-queue), parsed later
    static constexpr uint64_t kNotLookedYet = UINT64_MAX;
    uint64_t ackedAtLastCheck = kNotLookedYet;  // bytes the client had acknowledged when the timer last looked
    std::optional<std::string> corsOrigin;  // its Origin, when --allow-origin lists it
    // Its method (RequestCounts, the access log), and for the access log its target and start.
    std::string method;
    std::string target;
    uint64_t startedMs = 0;
    bool keepAlive = true;
    bool headOnly = false;
    bool parsing = false;  // inside parseHttp(): an answer given now needs no resume
  };

  // Null once upgraded.
  HttpPhase* httpPhase() const { return frameParserLive_ ? nullptr : phaseState_.http; }

  // Parsing stops while a request is being answered, and while the answers
  // queued are over --max-queue: pipelined requests are answered in order,
  // and a client that does not read its answers is not served more of them.
  bool holdingHttp() const;
  bool accessLogging() const;  // --access-log, and the level lets its lines through
  void parseHttp(std::span<uint8_t> bytes);
  // Parses what was held back once nothing holds it, then reads again.
  void resumeHttp();
  void startRequest(proto::HttpRequest request);
  // The pending answer's state for `request`; what startRequest() and a
  // streamed body's head share.
  HttpResponder beginRequest(const proto::HttpRequest& request);
  // The head of a request with a body: a streaming route's stream opens now.
  void startStream(const proto::HttpRequest& head);
  void deliverHttpResponse(proto::HttpResponse response);
  // Returns the bytes sent (or, for a body from a source, to be sent).
  size_t respond(const proto::HttpResponse& response, bool keepAlive, bool headOnly = false);
  // Once an answer is all queued: the close, or the keep-alive wait.
  void answered(bool keepAlive);
  // Queues more of a source's body while the output queue is short of
  // kBodyWindow; answered() once it is all queued.
  void sendBody();
  static constexpr size_t kBodyWindow = 256 * 1024;
  static constexpr size_t kBodyChunk = 64 * 1024;
  // An answer the router did not give (a request that did not parse or came
  // too slowly, a refused upgrade): counted under `route`, then the close.
  void answerAndClose(const proto::HttpResponse& response, std::string_view method, std::string_view route);
  // The same for what a client can repeat at will: also logged, one line per
  // second at most.
  void refuse(const proto::HttpResponse& response, std::string_view method, std::string_view route,
              reactor::LogLimiter& cause, const char* what, std::string_view client);
  void upgrade(const proto::HttpRequest& request, std::span<uint8_t> rest);
  // The per-address limits of an upgrade (ClientLimits): its rate, and from
  // a trusted proxy the count of the client it names; the refusal, if any.
  std::optional<proto::HttpResponse> admitClient(const std::string& peer, const std::string& client);
  void onWebSocketData(std::span<uint8_t> bytes);
  void applyBackpressure();
  void sendClose(uint16_t code, std::string_view reason);
  // The first Close, sent or received, tells the endpoint how the session ends.
  void reportClosing(uint16_t code, std::string_view reason);
  // A message this connection cannot take (too big or corrupt once inflated):
  // stop parsing and fail the connection with `code`.
  void failMessage(uint16_t code, const char* reason);
  void onCompressedMessage(proto::WsOpcode opcode, std::span<const uint8_t> payload);
  // Sends what is queued, then closes (the timer bounds the wait for the peer).
  void finish();

  // WsFrameSink
  void onWsMessage(proto::WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) override;
  void onWsPing(std::span<const uint8_t> payload) override;
  void onWsPong(std::span<const uint8_t> payload) override;
  void onWsClose(uint16_t code, std::string_view reason) override;
  void onWsProtocolError(uint16_t code, const char* reason) override;

  HttpServer& server_;
  reactor::TcpConnection tcp_;
  reactor::Timer timer_{this};
  // The HTTP phase's state until the upgrade, the frame parser (inline, no
  // allocation) after it: never both, so they share their bytes, and
  // frameParserLive_ says which is there.
  union PhaseState {
    PhaseState() : http(nullptr) {}
    ~PhaseState() {}  // ~Connection ends whichever member is live
    HttpPhase* http;  // owned
    proto::WsFrameParser frames;
  } phaseState_;
  WsEndpoint* endpoint_ = nullptr;  // not owned; set once open
  // The loop's clock, low 32 bits: differences stay right across the wrap
  // (every 49 days), and idle spans are seconds long.
  uint32_t lastInputMs_ = 0;
  uint32_t messagesIn_ = 0;   // whole messages, either way
  uint32_t messagesOut_ = 0;
  Phase phase_ = Phase::kHttp;
  bool awaitingPong_ : 1 = false;
  bool readingPaused_ : 1 = false;  // WebSocket backpressure (HTTP holds with holdingHttp())
  bool frameParserLive_ : 1 = false;
  bool closingReported_ : 1 = false;  // WsEndpoint::onClosing was called
  // permessage-deflate: 0 when not negotiated, else the window (log2, 8..15)
  // the client inflates with. All the compression state a connection holds:
  // the zlib streams are the server's (WsCompression).
  uint8_t deflateWindowBits_ : 4 = 0;
};

}  // namespace chatd::server
