#include "chat/Server.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "chat/Connection.h"
#include "reactor/Log.h"

namespace chatd::chat {


Server::Server(reactor::EventLoop& loop, Config config)
    : loop_(loop),
      config_(std::move(config)),
      acceptor_(loop, [this](int fd) { onAccept(fd); }),
      signals_(loop, {SIGINT, SIGTERM}, [this](int signo) {
        LOG_INFO("received %s, shutting down", strsignal(signo));
        beginShutdown();
      }),
      busyResponse_(proto::serializeResponse(
          proto::jsonError(503, "overloaded", "too many connections, retry later").header("Retry-After", "1"), false)) {
  if (!config_.echoPath.empty()) router_.addWebSocket(config_.echoPath, &echo_);
  if (!config_.broadcastPath.empty()) router_.addWebSocket(config_.broadcastPath, &broadcast_);
}

Server::~Server() {
  // Close what the drain left open; each closed connection unlinks itself
  // and is freed by the loop, which outlives the server.
  while (connections_) connections_->abort();
}

int Server::start() {
  const auto address = reactor::SocketAddress::parse(config_.listen);
  if (!address) return -EINVAL;
  const int rc = acceptor_.listen(*address, config_.reusePort);
  if (rc == 0) LOG_INFO("listening on %s", localAddress().toString().c_str());
  return rc;
}

void Server::onAccept(int fd) {
  if (shuttingDown_) {
    ::close(fd);
    return;
  }
  if (connectionCount_ >= config_.maxConnections) {
    // Best effort: a fresh socket's send buffer takes this at once.
    [[maybe_unused]] ssize_t n = ::send(fd, busyResponse_.data(), busyResponse_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
    return;
  }
  auto* connection = new Connection(*this, fd);
  if (connection->start() < 0) {
    delete connection;
    return;
  }
  connection->next = connections_;
  if (connections_) connections_->prev = connection;
  connections_ = connection;
  ++connectionCount_;
}

void Server::connectionClosed(Connection* connection) {
  if (connection->prev) connection->prev->next = connection->next;
  if (connection->next) connection->next->prev = connection->prev;
  if (connections_ == connection) connections_ = connection->next;
  connection->prev = connection->next = nullptr;
  --connectionCount_;
  loop_.destroyLater(std::unique_ptr<reactor::Deferred>(connection));
  if (shuttingDown_ && connectionCount_ == 0) loop_.stop();
}

void Server::beginShutdown() {
  if (shuttingDown_) return;
  shuttingDown_ = true;
  acceptor_.close();
  if (connectionCount_ == 0) return loop_.stop();
  LOG_INFO("closing %zu connections (drain timeout %llu ms)", connectionCount_,
           static_cast<unsigned long long>(config_.drainTimeoutMs));
  // shutdown() may close a connection at once, unlinking it: walk a copy of the links.
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    c->shutdown();
    c = next;
  }
  loop_.scheduleTimer(drainTimer_, config_.drainTimeoutMs);
}

void Server::handleTimer(reactor::Timer&) {
  LOG_WARN("drain timeout: %zu connections still open, closing them", connectionCount_);
  loop_.stop();
}

}  // namespace chatd::chat
