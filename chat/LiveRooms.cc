#include "chat/LiveRooms.h"

#include <vector>

#include "proto/JsonWriter.h"

namespace chatd::chat {

LiveRoom& LiveRooms::get(int64_t roomId, store::RoomKind kind, int64_t lastSeq) {
  std::unique_ptr<LiveRoom>& room = rooms_[roomId];
  if (!room) {
    room = std::make_unique<LiveRoom>(roomId, kind, lastSeq);
    bus_.watchRoom(roomId);
  }
  return *room;
}

std::vector<int64_t> LiveRooms::ids() const {
  std::vector<int64_t> ids;
  ids.reserve(rooms_.size());
  for (const auto& [id, room] : rooms_) ids.push_back(id);
  return ids;
}

LiveRoom* LiveRooms::find(int64_t roomId) const {
  const auto it = rooms_.find(roomId);
  return it == rooms_.end() ? nullptr : it->second.get();
}

void LiveRooms::subscribe(ChatSession& session, LiveRoom& room) {
  session.rooms.push_back(RoomSubscription{&room, static_cast<uint32_t>(room.members.size())});
  room.members.push_back(RoomMember{&session, 0});
  if (room.presence[session.user->id]++ == 0) board_.arrive(room.id, session.user->id);
}

void LiveRooms::unsubscribe(ChatSession& session, size_t subscriptionIndex) {
  LiveRoom& room = *session.rooms[subscriptionIndex].room;
  const uint32_t index = session.rooms[subscriptionIndex].memberIndex;
  // Swap-remove in both arrays; the member moved into `index` learns its new place.
  if (index + 1 != room.members.size()) {
    room.members[index] = room.members.back();
    room.members[index].session->subscription(room.id)->memberIndex = index;
  }
  room.members.pop_back();
  session.rooms[subscriptionIndex] = session.rooms.back();
  session.rooms.pop_back();
  backlogs_.forgetMissedChanges(session, room.id);
  const auto count = room.presence.find(session.user->id);
  if (--count->second == 0) {
    room.presence.erase(count);
    board_.depart(room.id, session.user->id);
  }
  if (room.members.empty()) {
    bus_.unwatchRoom(room.id);
    rooms_.erase(room.id);
  }
}

bool LiveRooms::unsubscribe(ChatSession& session, int64_t roomId) {
  for (size_t i = 0; i < session.rooms.size(); ++i) {
    if (session.rooms[i].room->id != roomId) continue;
    unsubscribe(session, i);
    return true;
  }
  return false;
}

std::string LiveRooms::onlineUsersJson(int64_t roomId) const {
  const LiveRoom* room = find(roomId);
  const size_t online = room ? room->presence.size() : 0;
  proto::JsonWriter w;
  w.beginObject().key("users").beginArray();
  if (room) {
    // A join storm into a huge room would otherwise cost O(n^2) bytes.
    size_t listed = 0;
    for (auto it = room->presence.begin(); it != room->presence.end() && listed < kMaxOnlineListed; ++it, ++listed) {
      w.raw(sessions_.user(it->first).summaryJson);
    }
  }
  w.endArray().key("count").value(static_cast<int64_t>(online));
  w.key("truncated").value(online > kMaxOnlineListed).endObject();
  return w.take();
}

bool LiveRooms::knownMember(int64_t roomId, int64_t userId, int64_t& directPeerId) const {
  const LiveRoom* room = find(roomId);
  if (!room) return false;
  const auto known = room->knownMembers.find(userId);
  if (known == room->knownMembers.end()) return false;
  directPeerId = known->second;
  return true;
}

void LiveRooms::rememberMember(int64_t roomId, int64_t userId, int64_t directPeerId, uint64_t generation) {
  LiveRoom* room = find(roomId);
  if (room && generation == membershipGeneration_) room->knownMembers.emplace(userId, directPeerId);
}

void LiveRooms::endMembership(int64_t roomId, int64_t userId, const std::string& leftJson) {
  ++membershipGeneration_;
  LiveRoom* room = find(roomId);
  if (!room) return;
  if (userId == 0) {
    room->knownMembers.clear();
  } else {
    room->knownMembers.erase(userId);
  }
  std::vector<ChatSession*> leaving;
  for (const RoomMember& member : room->members) {
    if (userId == 0 || member.session->user->id == userId) leaving.push_back(member.session);
  }
  // The last one out drops the room: nothing of `room` is used after the loop.
  for (ChatSession* session : leaving) {
    if (unsubscribe(*session, roomId)) session->send(leftJson);
  }
}

}  // namespace chatd::chat
