// What a WebSocket endpoint (echo, broadcast, the chat protocol) sees of a
// connection, and what it implements. Endpoints never touch sockets or frames
// directly: they get whole messages and send whole messages.
#pragma once

#include <any>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "proto/HttpRequest.h"
#include "proto/HttpResponse.h"
#include "proto/WsTypes.h"
#include "reactor/Block.h"
#include "reactor/OutputQueue.h"

namespace chatd::server {

class WsSession {
 public:
  // Sends a reply produced by this session's own input. Queued regardless of
  // the output limit; while the queue is over the limit the connection stops
  // reading, so a peer that does not read stops being read (bounded memory).
  virtual void reply(proto::WsOpcode opcode, std::span<const uint8_t> payload) = 0;
  // Queues a pre-built frame shared by many sessions (fan-out). kRefused: not
  // queued because this session's queue is full; the caller decides.
  virtual reactor::OutputQueue::PushResult sendShared(const reactor::BlockRef& frame) = 0;
  // Bytes queued and not yet taken by the kernel.
  virtual size_t queuedBytes() const = 0;
  // Bytes the peer has acknowledged so far: grows while the peer reads,
  // however slowly. A syscall: for a once-a-second check, not per message.
  virtual uint64_t bytesAcked() const = 0;
  // Whole messages received and sent (queued) so far.
  virtual uint32_t messagesIn() const = 0;
  virtual uint32_t messagesOut() const = 0;
  // The endpoint hears onDrained() once the queue is next empty.
  virtual void notifyWhenDrained() = 0;
  // Starts the closing handshake with `code` (and a reason of <= 123 bytes).
  virtual void close(uint16_t code, std::string_view reason) = 0;

  // One pointer of per-session state for the endpoint's own use (a room
  // membership, a chat session); the endpoint owns what it points to.
  void* endpointData() const { return endpointData_; }
  void setEndpointData(void* data) { endpointData_ = data; }

 protected:
  ~WsSession() = default;

 private:
  void* endpointData_ = nullptr;
};

class WsEndpoint {
 public:
  virtual ~WsEndpoint() = default;
  // What admit() decided: a response to send instead of the 101 (401 for a
  // bad token), or acceptance with what the endpoint learned on the way (a
  // verified token), which the connection hands to onOpen() untouched.
  struct Admission {
    std::optional<proto::HttpResponse> refusal;
    std::any admitted;
  };
  // Before the handshake is answered. `client`: the client's address
  // (TrustedProxies::clientAddress), for throttles and logs.
  virtual Admission admit(const proto::HttpRequest&, const std::string& /*client*/) { return {}; }
  // The handshake succeeded; `request` is the upgrade request (path, query,
  // headers), `admitted` what this endpoint's admit() accepted it with.
  virtual void onOpen(WsSession& session, const proto::HttpRequest& request, std::any admitted,
                      const std::string& client) = 0;
  virtual void onMessage(WsSession& session, proto::WsOpcode opcode, std::span<const uint8_t> payload) = 0;
  // The session's output queue went over its limit (or notifyWhenDrained()
  // asked) and has drained.
  virtual void onDrained(WsSession&) {}
  // The closing handshake began: the first Close was sent or received, with
  // this code and reason. Not called for a connection that drops without one.
  virtual void onClosing(WsSession&, uint16_t /*code*/, std::string_view /*reason*/) {}
  // The server is shutting down: the Close 1001 follows at once, so this is
  // the moment for a last message (reply()) that tells the client more.
  virtual void onServerShutdown(WsSession&) {}
  // The session is gone (closed cleanly or not); it must not be used after this.
  virtual void onClose(WsSession& session) = 0;
};

}  // namespace chatd::server
