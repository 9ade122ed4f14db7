#include "server/HttpPostClient.h"

#include <cstring>
#include <utility>

#include "reactor/Connect.h"

namespace chatd::server {

HttpPostClient::HttpPostClient(reactor::EventLoop& loop, HttpPostTarget target, uint64_t timeoutMs)
    : loop_(loop), target_(std::move(target)), timeoutMs_(timeoutMs) {}

HttpPostClient::~HttpPostClient() {
  dropping_ = true;  // no callback from here on
  if (connection_) connection_->close();
}

bool HttpPostClient::connect(std::string& error) {
  const int fd = reactor::connectNonBlocking(target_.address, nullptr);
  if (fd < 0) {
    error = std::string("connect: ") + std::strerror(-fd);
    return false;
  }
  connection_ = std::make_unique<reactor::TcpConnection>(loop_, fd, kOutputLimit, this);
  connectionAnswered_ = false;
  const int rc = target_.tls ? connection_->startConnectingTls(*target_.tls, target_.serverName)
                             : connection_->startConnecting();
  if (rc < 0) {
    error = std::string("connect: ") + std::strerror(-rc);
    connection_.reset();  // the destructor closes the socket; no callback has run
    return false;
  }
  return true;
}

void HttpPostClient::post(const std::string& headerLines, const std::string& body, Done done) {
  if (busy()) return;
  done_ = std::move(done);
  loop_.scheduleTimer(timeout_, timeoutMs_);
  request_ = reactor::BlockRef::copyOf("POST " + target_.path + " HTTP/1.1\r\nHost: " + target_.hostField +
                                       "\r\nContent-Type: application/json\r\nContent-Length: " +
                                       std::to_string(body.size()) + "\r\nUser-Agent: chatd\r\n" + headerLines +
                                       "\r\n" + body);
  resent_ = false;
  send();
}

void HttpPostClient::send() {
  if (!connection_ && !connect(failedAtOnce_)) {
    loop_.scheduleTimer(timeout_, 0);
    return;
  }
  parser_ = std::make_unique<proto::HttpResponseParser>();
  connection_->sendUnbounded(request_);
}

void HttpPostClient::onStreamData(std::span<uint8_t> bytes) {
  // Bytes while no request waits (a server's 408 on an idle connection): not
  // for us, and the connection is no longer one to send on.
  if (!busy() || !parser_) return dropConnection();
  const auto result = parser_->feed(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (result.status == proto::HttpResponseParser::Status::kError) {
    return failAndClose("bad answer: " + parser_->errorReason());
  }
  if (result.status != proto::HttpResponseParser::Status::kResponse) return;
  proto::HttpResponseHead head = parser_->take();
  // Bytes past the answer were not asked for: the connection is not reused.
  if (!head.keepAlive || result.consumed != bytes.size()) {
    dropConnection();
  } else {
    connectionAnswered_ = true;
  }
  finish({.status = head.status, .error = {}, .body = std::move(head.body)});
}

void HttpPostClient::onStreamClosed() {
  if (dropping_) return;  // our own close (dropConnection): the caller decides the outcome
  const int error = connection_ ? connection_->error() : 0;
  if (busy() && parser_ && parser_->finish()) {
    proto::HttpResponseHead head = parser_->take();
    dropConnection();
    return finish({.status = head.status, .error = {}, .body = std::move(head.body)});
  }
  // A kept-alive connection the server closed as this request set out (its
  // idle timeout): the request goes again at once on a new one, once.
  const bool stale = connectionAnswered_ && parser_ && !parser_->midResponse() && !resent_;
  dropConnection();
  if (!busy()) return;
  if (stale) {
    resent_ = true;
    return send();
  }
  finish({.status = 0, .error = error ? std::strerror(error) : "closed before the answer", .body = {}});
}

void HttpPostClient::handleTimer(reactor::Timer&) {
  if (!busy()) return;
  if (!failedAtOnce_.empty()) return finish({.status = 0, .error = std::exchange(failedAtOnce_, {}), .body = {}});
  failAndClose("no answer within " + std::to_string(timeoutMs_) + " ms");
}

void HttpPostClient::failAndClose(std::string error) {
  dropConnection();
  finish({.status = 0, .error = std::move(error), .body = {}});
}

void HttpPostClient::dropConnection() {
  parser_.reset();
  if (!connection_) return;
  dropping_ = true;
  connection_->close();
  dropping_ = false;
  loop_.destroyLater(std::move(connection_));
}

void HttpPostClient::finish(Outcome outcome) {
  loop_.timers().cancel(timeout_);
  Done done = std::exchange(done_, nullptr);
  done(outcome);
}

}  // namespace chatd::server
