#include "server/HttpServer.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "reactor/HeapTrim.h"
#include "reactor/Log.h"
#include "reactor/SocketAddress.h"
#include "server/Connection.h"

namespace chatd::server {

namespace {
constexpr uint64_t kHeapCheckMs = 1000;
}  // namespace

HttpServer::HttpServer(reactor::EventLoop& loop, const ServerOptions& options)
    : loop_(loop),
      options_(options),
      cors_({}),
      clientLimits_({}),
      compression_(options.deflate, options.deflateMinBytes),
      router_(cors_),
      acceptor_(loop, [this](int fd) { onAccept(fd); }),
      busyResponse_(proto::serializeResponse(
          proto::jsonError(503, "overloaded", "too many connections, retry later").header("Retry-After", "1"), false)),
      addressBusyResponse_(proto::serializeResponse(addressBusy(), false)) {}

bool HttpServer::applyOptions(std::string& error) {
  auto proxies = TrustedProxies::parse(options_.trustedProxies, error);
  if (!proxies) return false;
  trustedProxies_ = std::move(*proxies);
  cors_ = CorsPolicy(options_.allowedOrigins);
  clientLimits_.setLimits({options_.maxConnectionsPerAddress, options_.upgradesPerAddressPerMinute});
  httpLimits_.maxBodyBytes = options_.maxBodyBytes;
  return true;
}

HttpServer::~HttpServer() {
  // Close what the drain left open; each closed connection unlinks itself
  // and is freed by the loop, which outlives the server.
  while (connections_) connections_->abort();
}

bool HttpServer::listen(std::string& error) {
  if (!applyOptions(error)) return false;
  const auto address = reactor::SocketAddress::parse(options_.listen);
  if (!address) {
    error = "bad listen address " + options_.listen;
    return false;
  }
  if (const int rc = acceptor_.listen(*address, options_.reusePort); rc < 0) {
    error = "cannot listen on " + options_.listen + ": " + std::strerror(-rc);
    return false;
  }
  loop_.scheduleTimer(heapTimer_, kHeapCheckMs);
  return true;
}

void HttpServer::onAccept(int fd) {
  if (shuttingDown_) {
    ::close(fd);
    return;
  }
  if (connectionCount_ >= options_.maxConnections) {
    ++refusedOverMax_;
    static reactor::LogLimiter overCapacity;
    LOG_EVENT_LIMITED(overCapacity, reactor::LogLevel::kWarn, "connection refused: --max-connections reached",
                      {"connections", connectionCount_});
    sendAtOnce(fd, busyResponse_);
    ::close(fd);
    return;
  }
  auto* connection = new Connection(*this, fd);
  // A trusted proxy's connections are the proxy's: its clients count once they upgrade (Connection).
  if (options_.maxConnectionsPerAddress != 0) {
    const std::string peer = reactor::SocketAddress::ofPeer(fd).host();
    if (!trustedProxies_.trusts(peer) && !clientLimits_.admitConnection(peer, connection)) {
      static reactor::LogLimiter addressOverLimit;
      LOG_EVENT_LIMITED(addressOverLimit, reactor::LogLevel::kWarn,
                        "connection refused: --max-connections-per-ip reached", {"client", peer});
      sendAtOnce(fd, addressBusyResponse_);
      delete connection;  // closes the descriptor
      return;
    }
  }
  if (connection->start() < 0) {
    clientLimits_.release(connection);
    delete connection;
    return;
  }
  connection->next = connections_;
  if (connections_) connections_->prev = connection;
  connections_ = connection;
  ++connectionCount_;
}

HttpServer::ConnectionStates HttpServer::connectionStates() const {
  ConnectionStates states;
  for (const Connection* c = connections_; c; c = c->next) {
    switch (c->state()) {
      case Connection::State::kTlsHandshake: ++states.tlsHandshake; break;
      case Connection::State::kHttp: ++states.http; break;
      case Connection::State::kWebSocket: ++states.webSocket; break;
      case Connection::State::kClosing: ++states.closing; break;
    }
  }
  return states;
}

proto::HttpResponse HttpServer::addressBusy() {
  return proto::jsonError(503, "overloaded", "too many connections from your address, retry later")
      .header("Retry-After", "10");
}

std::string HttpServer::plainHttpOnTlsPort() {
  return proto::serializeResponse(
      proto::jsonError(400, "tls_required", "this port speaks TLS: use https:// or wss://"), false);
}

void HttpServer::sendAtOnce(int fd, const std::string& bytes) {
  // Best effort: a fresh socket's send buffer takes this at once.
  [[maybe_unused]] ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void HttpServer::connectionClosed(Connection* connection) {
  clientLimits_.release(connection);
  if (connection->prev) connection->prev->next = connection->next;
  if (connection->next) connection->next->prev = connection->prev;
  if (connections_ == connection) connections_ = connection->next;
  connection->prev = connection->next = nullptr;
  --connectionCount_;
  loop_.destroyLater(std::unique_ptr<Connection>(connection));
  if (shuttingDown_ && connectionCount_ == 0) loop_.stop();
}

void HttpServer::beginShutdown() {
  if (shuttingDown_) return;
  shuttingDown_ = true;
  acceptor_.close();
  if (connectionCount_ == 0) return loop_.stop();
  LOG_INFO("closing %zu connections (drain timeout %llu ms)", connectionCount_,
           static_cast<unsigned long long>(options_.drainTimeoutMs));
  // shutdown() may close a connection at once, unlinking it: walk a copy of the links.
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    c->shutdown();
    c = next;
  }
  loop_.scheduleTimer(drainTimer_, options_.drainTimeoutMs);
}

void HttpServer::handleTimer(reactor::Timer& timer) {
  if (&timer == &heapTimer_) {
    reactor::trimHeapIfWorthIt();
    loop_.scheduleTimer(heapTimer_, kHeapCheckMs);
    return;
  }
  LOG_WARN("drain timeout: %zu connections still open, closing them", connectionCount_);
  loop_.stop();
}

}  // namespace chatd::server
