#include "server/BroadcastEndpoint.h"

#include "server/ServerFrames.h"

namespace chatd::server {

BroadcastEndpoint::~BroadcastEndpoint() = default;

void BroadcastEndpoint::onOpen(WsSession& session, const proto::HttpRequest& request, std::any, const std::string&) {
  const std::string name = request.queryParam("r").value_or("");
  std::unique_ptr<Room>& room = rooms_[name];
  if (!room) room = std::make_unique<Room>(Room{name, {}});
  session.setEndpointData(new Membership{room.get(), room->members.size()});
  room->members.push_back(&session);
}

void BroadcastEndpoint::onMessage(WsSession& session, proto::WsOpcode opcode, std::span<const uint8_t> payload) {
  if (opcode != proto::WsOpcode::kText) return;
  const auto* membership = static_cast<Membership*>(session.endpointData());
  const reactor::BlockRef frame = makeServerFrame(opcode, payload);
  for (WsSession* member : membership->room->members) {
    if (member->sendShared(frame) == reactor::OutputQueue::PushResult::kRefused) ++drops_;
  }
}

void BroadcastEndpoint::onClose(WsSession& session) {
  std::unique_ptr<Membership> membership(static_cast<Membership*>(session.endpointData()));
  session.setEndpointData(nullptr);
  Room* room = membership->room;
  // Swap-remove keeps the member array dense.
  WsSession* last = room->members.back();
  if (last != &session) {
    room->members[membership->index] = last;
    static_cast<Membership*>(last->endpointData())->index = membership->index;
  }
  room->members.pop_back();
  if (room->members.empty()) rooms_.erase(room->name);
}

}  // namespace chatd::server
