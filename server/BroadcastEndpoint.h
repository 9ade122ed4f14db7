// `--broadcast PATH`: a connection to PATH?r=ROOM joins room ROOM, and every
// text message it sends goes to every connection in that room, itself
// included. No chat protocol: it measures the WebSocket fan-out machinery
// (one frame built per message, shared by every recipient's queue) against
// peers that have no chat protocol either.
//
// A recipient whose output queue is full misses that message (counted in
// drops()): this endpoint has no store to replay from. Binary messages are
// ignored.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/WsEndpoint.h"

namespace chatd::server {

class BroadcastEndpoint final : public WsEndpoint {
 public:
  BroadcastEndpoint() = default;
  ~BroadcastEndpoint() override;

  void onOpen(WsSession& session, const proto::HttpRequest& request, std::any, const std::string&) override;
  void onMessage(WsSession& session, proto::WsOpcode opcode, std::span<const uint8_t> payload) override;
  void onClose(WsSession& session) override;

  size_t drops() const { return drops_; }

 private:
  struct Room {
    std::string name;
    std::vector<WsSession*> members;  // dense, for fan-out; order is not kept
  };
  struct Membership {
    Room* room;
    size_t index;  // position in room->members
  };

  std::unordered_map<std::string, std::unique_ptr<Room>> rooms_;
  size_t drops_ = 0;
};

}  // namespace chatd::server
