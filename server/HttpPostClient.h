// An HTTP/1.1 client of one server on the loop, for chatd's own requests
// (webhook deliveries): POSTs one request at a time over one keep-alive
// connection, made on first use and again after the server or a failure
// closed it, with plain TCP or TLS. Every request is bounded by a timeout
// from the moment it is posted (connecting included); a request that timed out
// or failed closes the connection, so no late answer is taken for the next one.
// A request whose kept-alive connection closes before any answer byte (the
// server's idle timeout crossing it) is sent once more at once on a new one.
//
// Owns its connection and its timer; borrows the loop and the TLS context.
// The callback runs from the loop, never inside post().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "proto/HttpResponseParser.h"
#include "reactor/Block.h"
#include "reactor/EventLoop.h"
#include "reactor/SocketAddress.h"
#include "reactor/TcpConnection.h"
#include "reactor/TimerWheel.h"
#include "reactor/TlsContext.h"

namespace chatd::server {

struct HttpPostTarget {
  reactor::SocketAddress address;
  std::string hostField;  // the Host header's value
  std::string path;       // the request target
  reactor::TlsContext* tls = nullptr;  // null: plain TCP
  std::string serverName;              // SNI and certificate check, with TLS
};

class HttpPostClient final : public reactor::StreamHandler, public reactor::TimerHandler {
 public:
  // An answer (status > 0), or why there was none (status 0, `error` says).
  struct Outcome {
    int status = 0;
    std::string error;
    std::string body;  // the answer's first bytes, for a log line
  };
  using Done = std::function<void(const Outcome&)>;

  HttpPostClient(reactor::EventLoop& loop, HttpPostTarget target, uint64_t timeoutMs);
  ~HttpPostClient();
  HttpPostClient(const HttpPostClient&) = delete;
  HttpPostClient& operator=(const HttpPostClient&) = delete;

  // Sends `body` (Content-Type application/json) with `headerLines` (each
  // "Name: value\r\n") unless a request is in flight (busy()).
  void post(const std::string& headerLines, const std::string& body, Done done);
  bool busy() const { return static_cast<bool>(done_); }

  void onStreamData(std::span<uint8_t> bytes) override;
  void onStreamDrained() override {}
  void onStreamClosed() override;
  void handleTimer(reactor::Timer& timer) override;

 private:
  static constexpr size_t kOutputLimit = 4 * 1024 * 1024;

  // Opens the connection; false with `error` when that failed at once.
  bool connect(std::string& error);
  // Sends request_, on a new connection when there is none.
  void send();
  // Ends the request in flight with `outcome`.
  void finish(Outcome outcome);
  void failAndClose(std::string error);
  // Drops the connection (closed or to be closed) for a new one next time.
  void dropConnection();

  reactor::EventLoop& loop_;
  HttpPostTarget target_;
  uint64_t timeoutMs_;
  std::unique_ptr<reactor::TcpConnection> connection_;
  std::unique_ptr<proto::HttpResponseParser> parser_;
  reactor::Timer timeout_{this};
  Done done_;
  reactor::BlockRef request_;  // the request in flight
  bool connectionAnswered_ = false;  // the connection has carried a whole exchange
  bool resent_ = false;              // request_ went again after a stale connection
  // A failure found inside post() (no connection), told when the timer fires next.
  std::string failedAtOnce_;
  bool dropping_ = false;  // inside dropConnection()'s close()
};

}  // namespace chatd::server
