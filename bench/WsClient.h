// One load-generating WebSocket client on the reactor: connect (optionally
// from a chosen source address, over TLS for a wss:// node), the opening
// handshake with a random key checked against Sec-WebSocket-Accept, masked
// frames out, server frames in through proto's parser in client role.
//
// Owned by its scenario. Tells its ClientObserver about every transition;
// after onClientClosed the owner may destroy it, but only outside the
// client's own callbacks (EventLoop::destroyLater or after the loop stops).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "bench/Failure.h"
#include "bench/Options.h"
#include "proto/WsFrameParser.h"
#include "reactor/Connect.h"
#include "reactor/TcpConnection.h"

namespace chatd::bench {

class WsClient;

class ClientObserver {
 public:
  virtual void onClientOpen(WsClient& client) = 0;
  virtual void onClientMessage(WsClient& client, proto::WsOpcode opcode, std::span<const uint8_t> payload) = 0;
  // The connection ended; `failure` is Failure::kNone for a clean close we asked for.
  virtual void onClientClosed(WsClient& client, Failure failure) = 0;

 protected:
  ~ClientObserver() = default;
};

class WsClient final : public reactor::StreamHandler, private proto::WsFrameSink {
 public:
  static constexpr size_t kOutputLimit = 4 * 1024 * 1024;

  // `offerDeflate`: the upgrade offers permessage-deflate; compressed
  // messages are inflated (one InflateCache per thread: the server answers no
  // context takeover, or the offer is not accepted at all).
  WsClient(reactor::EventLoop& loop, ClientObserver& observer, size_t index, size_t maxMessage,
           bool offerDeflate = false);

  // Starts connecting to `node` for request target `target`; with `tls`
  // (the process's client context, which must outlive the client) over TLS,
  // the handshake riding on the first bytes sent. A failure is reported
  // through onClientClosed.
  void connect(const Target& node, const reactor::SocketAddress* source, const std::string& target,
               reactor::TlsContext* tls);
  // Sends a masked frame; false if the client is not open or its queue is full.
  bool send(proto::WsOpcode opcode, std::string_view payload);
  // Starts the closing handshake (1000), or drops a connection that is not
  // open yet; onClientClosed(kNone) follows.
  void close();

  bool open() const { return state_ == State::kOpen; }
  bool everOpened() const { return everOpened_; }
  // Gives up on a connection that did not open in time (Failure::kConnectTimeout).
  void abortAsTimeout() { fail(Failure::kConnectTimeout); }
  size_t index() const { return index_; }
  size_t queuedBytes() const { return tcp_ ? tcp_->queuedBytes() : 0; }
  // WebSocket bytes received (frames as sent, headers included), and the
  // payload bytes of the messages they carried, inflated: the two differ by
  // what compression saved.
  uint64_t wireBytes() const { return wireBytes_; }
  uint64_t messageBytes() const { return messageBytes_; }
  bool deflateAccepted() const { return deflateAccepted_; }

  void onStreamConnected() override;
  void onStreamData(std::span<uint8_t> bytes) override;
  void onStreamDrained() override {}
  void onStreamClosed() override;

 private:
  enum class State : uint8_t { kIdle, kConnecting, kHandshake, kOpen, kClosing, kClosed };

  void fail(Failure failure);
  void onWsMessage(proto::WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) override;
  void onWsPing(std::span<const uint8_t> payload) override;
  void onWsPong(std::span<const uint8_t>) override {}
  void onWsClose(uint16_t code, std::string_view reason) override;
  void onWsProtocolError(uint16_t code, const char* reason) override;
  uint32_t nextMask();
  reactor::BlockRef maskedFrame(proto::WsOpcode opcode, std::string_view payload);

  reactor::EventLoop& loop_;
  ClientObserver& observer_;
  std::unique_ptr<reactor::TcpConnection> tcp_;
  proto::WsFrameParser parser_;
  std::string key_;
  std::string handshake_;  // response bytes until the head is complete
  size_t index_;
  size_t maxMessage_;
  uint64_t wireBytes_ = 0;
  uint64_t messageBytes_ = 0;
  uint32_t maskState_;
  Failure failure_ = Failure::kNone;
  State state_ = State::kIdle;
  bool everOpened_ = false;
  bool offerDeflate_;
  bool deflateAccepted_ = false;
};

}  // namespace chatd::bench
