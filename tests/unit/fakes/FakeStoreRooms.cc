// FakeStore's rooms and messages: memberships, roles, direct rooms, seqs.
#include <algorithm>

#include "tests/unit/fakes/FakeStore.h"

namespace chatd::test {

using store::StoreStatus;

namespace {

constexpr int kMaxListPage = 1001;
constexpr int kMaxMessagePage = 1000;
constexpr int64_t kHourMs = 3'600'000;

}  // namespace

// --- Rooms ------------------------------------------------------------------------

void FakeStore::listRooms(int64_t userId, int64_t afterRoomId, int limit, Callback<std::vector<store::Room>> done) {
  answer<std::vector<store::Room>>("listRooms", std::move(done), [&] {
    std::vector<store::Room> page;
    for (auto it = rooms_.upper_bound(afterRoomId);
         it != rooms_.end() && page.size() < static_cast<size_t>(std::clamp(limit, 1, kMaxListPage)); ++it) {
      if (it->second.room.kind == store::RoomKind::kPublic || it->second.members.count(userId)) page.push_back(view(it->second, userId));
    }
    return ok(std::move(page));
  });
}

void FakeStore::findRoom(int64_t roomId, int64_t userId, Callback<store::Room> done) {
  answer<store::Room>("findRoom", std::move(done), [&] {
    const RoomRow* row = room(roomId);
    return row ? ok(view(*row, userId)) : status<store::Room>(StoreStatus::kNotFound);
  });
}

void FakeStore::createRoom(std::string name, store::RoomKind kind, std::optional<std::string> topic, int64_t ownerId,
                           uint32_t maxPerHour, Callback<store::Room> done) {
  answer<store::Room>("createRoom", std::move(done), [&] {
    if (!user(ownerId)) return status<store::Room>(StoreStatus::kNotFound);
    if (maxPerHour != 0) {
      // Within the hour, oldest first: rooms_ is by id, which is creation order.
      std::vector<int64_t> recent;
      for (const auto& [id, row] : rooms_) {
        if (row.ownerId == ownerId && row.room.kind != store::RoomKind::kDirect && row.room.createdAt > clockMs_ - kHourMs) {
          recent.push_back(row.room.createdAt);
        }
      }
      if (recent.size() >= maxPerHour) {
        store::Room refused;
        refused.createdAt = recent.front();
        return std::pair{StoreStatus::kOverQuota, refused};
      }
    }
    RoomRow& row = insertRoom(std::move(name), kind, std::move(topic), ownerId);
    row.members[ownerId] = Membership{store::MemberRole::kOwner, tick(), 0};
    return ok(view(row, ownerId));
  });
}

void FakeStore::joinRoom(int64_t roomId, int64_t userId, Callback<store::Room> done) {
  answer<store::Room>("joinRoom", std::move(done), [&] {
    RoomRow* row = room(roomId);
    if (!row || !user(userId)) return status<store::Room>(StoreStatus::kNotFound);
    row->members.try_emplace(userId, Membership{store::MemberRole::kMember, tick(), 0});
    return ok(view(*row, userId));
  });
}

void FakeStore::setMemberRole(int64_t roomId, int64_t userId, store::MemberRole role, Callback<store::RoomMember> done) {
  answer<store::RoomMember>("setMemberRole", std::move(done), [&] {
    RoomRow* row = room(roomId);
    if (!row || !user(userId)) return status<store::RoomMember>(StoreStatus::kNotFound);
    auto [member, added] = row->members.try_emplace(userId, Membership{role, tick(), 0});
    const store::RoomMember answered{user(userId)->user, member->second.role, member->second.joinedAt};
    if (!added && member->second.role == store::MemberRole::kOwner) return std::pair{StoreStatus::kConflict, answered};
    member->second.role = role;
    return ok(store::RoomMember{user(userId)->user, role, member->second.joinedAt});
  });
}

void FakeStore::removeMember(int64_t roomId, int64_t userId, Callback<bool> done) {
  answer<bool>("removeMember", std::move(done), [&] {
    RoomRow* row = room(roomId);
    if (!row || !row->members.count(userId)) return status<bool>(StoreStatus::kNotFound);
    if (row->members.at(userId).role == store::MemberRole::kOwner) return status<bool>(StoreStatus::kConflict);
    row->members.erase(userId);
    return ok(true);
  });
}

void FakeStore::deleteRoom(int64_t roomId, Callback<bool> done) {
  answer<bool>("deleteRoom", std::move(done), [&] {
    return rooms_.erase(roomId) ? ok(true) : status<bool>(StoreStatus::kNotFound);
  });
}

void FakeStore::listMembers(int64_t roomId, store::MemberCursor after, int limit,
                            Callback<std::vector<store::RoomMember>> done) {
  answer<std::vector<store::RoomMember>>("listMembers", std::move(done), [&] {
    std::vector<store::RoomMember> members;
    if (const RoomRow* row = room(roomId)) {
      for (const auto& [userId, member] : row->members) {
        if (std::pair{member.joinedAt, userId} > std::pair{after.joinedAt, after.userId}) {
          members.push_back({user(userId)->user, member.role, member.joinedAt});
        }
      }
    }
    std::sort(members.begin(), members.end(), [](const store::RoomMember& a, const store::RoomMember& b) {
      return std::pair{a.joinedAt, a.user.id} < std::pair{b.joinedAt, b.user.id};
    });
    members.resize(std::min(members.size(), static_cast<size_t>(std::clamp(limit, 1, kMaxListPage))));
    return ok(std::move(members));
  });
}

void FakeStore::openDirectRoom(int64_t userId, int64_t otherId, Callback<store::DirectRoom> done) {
  answer<store::DirectRoom>("openDirectRoom", std::move(done), [&] {
    if (!user(userId) || !user(otherId) || userId == otherId) return status<store::DirectRoom>(StoreStatus::kNotFound);
    const int64_t low = std::min(userId, otherId);
    const int64_t high = std::max(userId, otherId);
    for (auto& [id, row] : rooms_) {
      if (row.room.kind == store::RoomKind::kDirect && row.members.count(low) && row.members.count(high)) {
        return ok(store::DirectRoom{view(row, userId), false});
      }
    }
    // Named after both users, the lower id first.
    RoomRow& row = insertRoom(user(low)->user.username + " & " + user(high)->user.username, store::RoomKind::kDirect, std::nullopt, low);
    const int64_t joinedAt = tick();
    for (const int64_t member : {userId, otherId}) row.members[member] = Membership{store::MemberRole::kMember, joinedAt, 0};
    return ok(store::DirectRoom{view(row, userId), true});
  });
}

void FakeStore::shareRoom(int64_t userId, int64_t otherId, Callback<bool> done) {
  answer<bool>("shareRoom", std::move(done), [&] {
    for (const auto& [id, row] : rooms_) {
      if (row.members.contains(userId) && row.members.contains(otherId)) return ok(true);
    }
    return ok(false);
  });
}

// --- Messages ---------------------------------------------------------------------

void FakeStore::append(store::NewMessage message, std::shared_ptr<const store::MessageAnnouncement> /*announce*/,
                       Callback<store::AppendResult> done) {
  answer<store::AppendResult>("append", std::move(done), [&] {
    RoomRow* row = room(message.roomId);
    if (!row || !user(message.senderId)) return status<store::AppendResult>(StoreStatus::kNotFound);
    for (const store::Attachment& a : message.attachments) {
      if (!files_.contains(a.fileId)) return status<store::AppendResult>(StoreStatus::kNotFound);
    }
    if (!message.clientId.empty()) {
      // Exactly once per (sender, client id): a retry answers the original.
      if (const auto sent = sent_.find({message.senderId, message.clientId}); sent != sent_.end()) {
        if (RoomRow* original = room(sent->second.first)) {
          return ok(store::AppendResult{read(original->messages[static_cast<size_t>(sent->second.second - 1)]), true});
        }
        sent_.erase(sent);  // its room was deleted, and the message with it
      }
    }
    return ok(store::AppendResult{insertMessage(*row, std::move(message)), false});
  });
}

void FakeStore::messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<store::MessagePage> done) {
  answer<store::MessagePage>("messagesAfter", std::move(done), [&] {
    store::MessagePage page;
    if (const RoomRow* row = room(roomId)) {
      const int64_t last = std::min(row->room.lastSeq, std::max<int64_t>(afterSeq, 0) + std::clamp(limit, 1, kMaxMessagePage));
      for (int64_t seq = std::max<int64_t>(afterSeq, 0) + 1; seq <= last; ++seq) {
        page.messages.push_back(read(row->messages[static_cast<size_t>(seq - 1)]));
      }
    }
    return ok(std::move(page));
  });
}

void FakeStore::messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<store::MessagePage> done) {
  answer<store::MessagePage>("messagesBefore", std::move(done), [&] {
    store::MessagePage page;
    if (const RoomRow* row = room(roomId)) {
      const int64_t last = std::min(row->room.lastSeq, beforeSeq - 1);
      const int64_t first = std::max<int64_t>(1, last - std::clamp(limit, 1, kMaxMessagePage) + 1);
      for (int64_t seq = first; seq <= last; ++seq) {
        page.messages.push_back(read(row->messages[static_cast<size_t>(seq - 1)]));
      }
    }
    return ok(std::move(page));
  });
}

void FakeStore::markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  answer<int64_t>("markRead", std::move(done), [&] {
    RoomRow* row = room(roomId);
    if (!row || !row->members.count(userId)) return status<int64_t>(StoreStatus::kNotFound);
    Membership& member = row->members.at(userId);
    member.lastReadSeq = std::max(member.lastReadSeq, std::min(seq, row->room.lastSeq));
    member.lastReceivedSeq = std::max(member.lastReceivedSeq, member.lastReadSeq);
    return ok(member.lastReadSeq);
  });
}

void FakeStore::markReceived(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  answer<int64_t>("markReceived", std::move(done), [&] {
    RoomRow* row = room(roomId);
    if (!row || !row->members.count(userId)) return status<int64_t>(StoreStatus::kNotFound);
    int64_t& mark = row->members.at(userId).lastReceivedSeq;
    mark = std::max(mark, std::min(seq, row->room.lastSeq));
    return ok(mark);
  });
}

void FakeStore::watermarks(int64_t roomId, int64_t fromSeq, Callback<std::vector<store::Watermark>> done) {
  answer<std::vector<store::Watermark>>("watermarks", std::move(done), [&] {
    std::vector<store::Watermark> marks;
    if (RoomRow* row = room(roomId)) {
      for (const auto& [userId, member] : row->members) {
        if (member.lastReceivedSeq >= fromSeq) marks.push_back({userId, member.lastReceivedSeq, member.lastReadSeq});
      }
    }
    std::sort(marks.begin(), marks.end(), [](const auto& a, const auto& b) { return a.receivedSeq > b.receivedSeq; });
    if (marks.size() > kMaxWatermarks) marks.resize(kMaxWatermarks);
    return ok(std::move(marks));
  });
}

void FakeStore::findMessage(int64_t roomId, int64_t messageId, Callback<store::Message> done) {
  answer<store::Message>("findMessage", std::move(done), [&] {
    if (RoomRow* row = room(roomId)) {
      for (const StoredMessage& stored : row->messages) {
        if (stored.message.id == messageId) return ok(read(stored));
      }
    }
    return status<store::Message>(StoreStatus::kNotFound);
  });
}

void FakeStore::editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<store::Message> done) {
  answer<store::Message>("editMessage", std::move(done), [&] {
    StoredMessage* stored = liveMessage(roomId, messageId);
    if (!stored) return status<store::Message>(StoreStatus::kNotFound);
    stored->message.content = std::move(content);
    stored->message.editedAt = tick();
    return ok(read(*stored));
  });
}

void FakeStore::deleteMessage(int64_t roomId, int64_t messageId, Callback<store::Message> done) {
  answer<store::Message>("deleteMessage", std::move(done), [&] {
    StoredMessage* stored = liveMessage(roomId, messageId);
    if (!stored) return status<store::Message>(StoreStatus::kNotFound);
    stored->message.deleted = true;
    stored->message.content.clear();
    stored->message.attachments.clear();
    stored->reactions.clear();
    return ok(read(*stored));
  });
}

void FakeStore::toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji,
                               uint32_t maxPerUser, Callback<store::ReactionChange> done) {
  answer<store::ReactionChange>("toggleReaction", std::move(done), [&] {
    StoredMessage* stored = liveMessage(roomId, messageId);
    if (!stored) return status<store::ReactionChange>(StoreStatus::kNotFound);
    std::set<int64_t>& users = stored->reactions[emoji];
    const bool added = !users.count(userId);
    if (added) {
      const auto mine = std::count_if(stored->reactions.begin(), stored->reactions.end(),
                                      [&](const auto& entry) { return entry.second.count(userId) != 0; });
      if (static_cast<uint32_t>(mine) >= maxPerUser) {
        if (users.empty()) stored->reactions.erase(emoji);
        return status<store::ReactionChange>(StoreStatus::kOverQuota);
      }
      users.insert(userId);
    } else {
      users.erase(userId);
    }
    const int64_t count = static_cast<int64_t>(users.size());
    if (users.empty()) stored->reactions.erase(emoji);
    store::ReactionChange change{stored->message, added, count};
    return ok(std::move(change));
  });
}

}  // namespace chatd::test
