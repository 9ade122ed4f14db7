#include "tests/unit/fakes/FakeStore.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace chatd::test {

using store::StoreStatus;

// --- Completions ------------------------------------------------------------------

size_t FakeStore::calls(std::string_view method) const {
  const auto found = calls_.find(method);
  return found == calls_.end() ? 0 : found->second;
}

void FakeStore::queueCompletion(std::function<void()> completion) {
  completions_.push_back(std::move(completion));
  postRunnable();
}

void FakeStore::release() {
  paused_ = false;
  postRunnable();
}

void FakeStore::postRunnable() {
  if (paused_ || taskPosted_ || completions_.empty()) return;
  taskPosted_ = true;
  loop_.runInLoop([this] { runCompletions(); });
}

void FakeStore::runCompletions() {
  taskPosted_ = false;
  // Only those queued before this task: what they queue runs in the next one.
  for (size_t due = completions_.size(); due > 0 && !paused_; --due) {
    std::function<void()> completion = std::move(completions_.front());
    completions_.pop_front();
    completion();
  }
  postRunnable();
}

void FakeStore::runLoopUntilIdle() {
  constexpr size_t kMaxRounds = 10'000;
  size_t rounds = 0;
  // Tasks run in the order posted: this check runs after the completions
  // posted before it, and posts itself again behind any they queued.
  std::function<void()> check = [&] {
    if (!paused_ && !completions_.empty() && ++rounds < kMaxRounds) return loop_.runInLoop(check);
    loop_.stop();
  };
  loop_.runInLoop(check);
  loop_.run();
  EXPECT_LT(rounds, kMaxRounds) << "the store's completions never ran out";
}

// --- Rows -------------------------------------------------------------------------

const FakeStore::UserRow* FakeStore::user(int64_t id) const {
  return id >= 1 && id <= static_cast<int64_t>(users_.size()) ? &users_[static_cast<size_t>(id - 1)] : nullptr;
}

FakeStore::RoomRow* FakeStore::room(int64_t id) {
  const auto found = rooms_.find(id);
  return found == rooms_.end() ? nullptr : &found->second;
}

store::Room FakeStore::view(const RoomRow& row, int64_t userId) const {
  store::Room seen = row.room;
  if (const auto member = row.members.find(userId); member != row.members.end()) {
    seen.role = member->second.role;
    seen.lastReadSeq = member->second.lastReadSeq;
  }
  return seen;
}

store::Message FakeStore::read(const StoredMessage& stored) const {
  store::Message message = stored.message;
  if (const UserRow* sender = user(message.senderId)) {
    message.senderUsername = sender->user.username;
    message.senderNickname = sender->user.nickname;
    message.senderAvatarFileId = sender->user.avatarFileId;
  }
  for (const auto& [emoji, users] : stored.reactions) {
    message.reactions.push_back({emoji, static_cast<int64_t>(users.size())});
  }
  return message;
}

store::User FakeStore::insertUser(std::string username, std::string nickname, std::string passwordHash) {
  const store::User fresh{static_cast<int64_t>(users_.size()) + 1, std::move(username), std::move(nickname), tick()};
  users_.push_back(UserRow{fresh, std::move(passwordHash)});
  return fresh;
}

FakeStore::RoomRow& FakeStore::insertRoom(std::string name, store::RoomKind kind, std::optional<std::string> topic,
                                          int64_t ownerId) {
  RoomRow& row = rooms_[nextRoomId_];
  row.room.id = nextRoomId_++;
  row.room.name = std::move(name);
  row.room.kind = kind;
  row.room.topic = std::move(topic);
  row.room.createdAt = tick();
  row.ownerId = ownerId;
  return row;
}

store::Message FakeStore::insertMessage(RoomRow& row, store::NewMessage draft) {
  store::Message message;
  message.id = nextMessageId_++;
  message.roomId = row.room.id;
  message.seq = ++row.room.lastSeq;
  message.senderId = draft.senderId;
  message.kind = std::move(draft.kind);
  message.content = std::move(draft.content);
  message.clientId = std::move(draft.clientId);
  message.attachments = std::move(draft.attachments);
  message.call = std::move(draft.call);
  message.createdAt = tick();
  const int64_t senderId = message.senderId;
  if (!message.clientId.empty()) sent_[{senderId, message.clientId}] = {row.room.id, message.seq};
  // One has read what one wrote.
  if (const auto member = row.members.find(senderId); member != row.members.end()) {
    member->second.lastReadSeq = message.seq;
    member->second.lastReceivedSeq = message.seq;
  }
  row.messages.push_back(StoredMessage{message, {}});
  return read(row.messages.back());
}

FakeStore::StoredMessage* FakeStore::liveMessage(int64_t roomId, int64_t messageId) {
  RoomRow* row = room(roomId);
  if (!row) return nullptr;
  for (StoredMessage& stored : row->messages) {
    if (stored.message.id == messageId) return stored.message.deleted ? nullptr : &stored;
  }
  return nullptr;
}

// --- Seeding ----------------------------------------------------------------------

store::User FakeStore::addUser(const std::string& username, const std::string& nickname) {
  return insertUser(username, nickname, "");
}

store::Room FakeStore::addRoom(const std::string& name, store::RoomKind kind, int64_t ownerId) {
  RoomRow& row = insertRoom(name, kind, std::nullopt, ownerId);
  row.members[ownerId] = Membership{store::MemberRole::kOwner, tick(), 0};
  return view(row, ownerId);
}

void FakeStore::addMember(int64_t roomId, int64_t userId, store::MemberRole role) {
  RoomRow& row = rooms_.at(roomId);
  auto [member, added] = row.members.try_emplace(userId, Membership{role, tick(), 0});
  if (!added) member->second.role = role;
}

store::Message FakeStore::appendFromAnotherNode(int64_t roomId, int64_t senderId, std::string content) {
  store::NewMessage draft;
  draft.senderId = senderId;
  draft.content = std::move(content);
  return insertMessage(rooms_.at(roomId), std::move(draft));
}

// --- Users ------------------------------------------------------------------------

void FakeStore::createUser(std::string username, std::string nickname, std::string passwordHash,
                           Callback<store::User> done) {
  answer<store::User>("createUser", std::move(done), [&] {
    for (const UserRow& row : users_) {
      if (store::usernameKey(row.user.username) == store::usernameKey(username)) {
        return status<store::User>(StoreStatus::kConflict);
      }
    }
    return ok(insertUser(std::move(username), std::move(nickname), std::move(passwordHash)));
  });
}

void FakeStore::findCredentials(std::string usernameKey, Callback<store::Credentials> done) {
  answer<store::Credentials>("findCredentials", std::move(done), [&] {
    for (const UserRow& row : users_) {
      if (!row.external && store::usernameKey(row.user.username) == usernameKey) {
        return ok(store::Credentials{row.user, row.passwordHash});
      }
    }
    return status<store::Credentials>(StoreStatus::kNotFound);
  });
}

void FakeStore::findUser(int64_t id, Callback<store::User> done) {
  answer<store::User>("findUser", std::move(done), [&] {
    const UserRow* row = user(id);
    return row ? ok(row->user) : status<store::User>(StoreStatus::kNotFound);
  });
}

void FakeStore::findUsers(std::vector<int64_t> ids, Callback<std::vector<store::User>> done) {
  answer<std::vector<store::User>>("findUsers", std::move(done), [&] {
    std::vector<store::User> found;
    for (size_t i = 0; i < ids.size() && i < store::Store::kMaxUsersFound; ++i) {
      if (const UserRow* row = user(ids[i])) found.push_back(row->user);
    }
    return ok(std::move(found));
  });
}

void FakeStore::findOrCreateExternalUser(std::string subject, std::string name, Callback<store::User> done) {
  answer<store::User>("findOrCreateExternalUser", std::move(done), [&] {
    if (const auto known = externalUsers_.find(subject); known != externalUsers_.end()) {
      return ok(user(known->second)->user);
    }
    const int64_t id = static_cast<int64_t>(users_.size()) + 1;
    const store::User fresh = insertUser((name.empty() ? "user" : name) + "#" + std::to_string(id), "", "");
    users_.back().external = true;
    externalUsers_[subject] = fresh.id;
    return ok(fresh);
  });
}

// --- Presence and tokens ----------------------------------------------------------

void FakeStore::setLastSeen(int64_t userId, int64_t atMs, Callback<bool> done) {
  answer<bool>("setLastSeen", std::move(done), [&] {
    lastSeen_[userId] = atMs;
    return ok(true);
  });
}

void FakeStore::setUserState(int64_t userId, store::UserState state, Callback<store::User> done) {
  answer<store::User>("setUserState", std::move(done), [&] {
    if (!user(userId)) return status<store::User>(StoreStatus::kNotFound);
    UserRow& row = users_[static_cast<size_t>(userId - 1)];
    row.user.state = state;
    if (state == store::UserState::kDeleted) row.user.avatarFileId.clear();
    return ok(row.user);
  });
}

void FakeStore::updateProfile(int64_t userId, std::optional<std::string> nickname,
                              std::optional<std::string> avatarFileId, Callback<store::User> done) {
  answer<store::User>("updateProfile", std::move(done), [&] {
    if (!user(userId)) return status<store::User>(StoreStatus::kNotFound);
    store::User& changed = users_[static_cast<size_t>(userId - 1)].user;
    if (nickname) changed.nickname = std::move(*nickname);
    if (avatarFileId) changed.avatarFileId = std::move(*avatarFileId);
    return ok(changed);
  });
}

void FakeStore::isAvatar(std::string fileId, Callback<bool> done) {
  answer<bool>("isAvatar", std::move(done), [&] {
    return ok(std::any_of(users_.begin(), users_.end(), [&](const UserRow& row) {
      return !fileId.empty() && row.user.avatarFileId == fileId;
    }));
  });
}

void FakeStore::revokeToken(std::string key, int64_t expiresAt, Callback<bool> done) {
  answer<bool>("revokeToken", std::move(done), [&] {
    revoked_[std::move(key)] = expiresAt;
    return ok(true);
  });
}

void FakeStore::revokedTokens(int64_t nowSeconds, Callback<std::vector<store::RevokedToken>> done) {
  answer<std::vector<store::RevokedToken>>("revokedTokens", std::move(done), [&] {
    std::erase_if(revoked_, [&](const auto& entry) { return entry.second <= nowSeconds; });
    std::vector<store::RevokedToken> live;
    for (const auto& [key, expiresAt] : revoked_) live.push_back({key, expiresAt});
    return ok(std::move(live));
  });
}

void FakeStore::registrationMode(Callback<std::string> done) {
  answer<std::string>("registrationMode", std::move(done), [&] { return ok(registrationMode_); });
}

void FakeStore::setRegistrationMode(std::string mode, Callback<bool> done) {
  answer<bool>("setRegistrationMode", std::move(done), [&] {
    registrationMode_ = std::move(mode);
    return ok(true);
  });
}

void FakeStore::clearRegistrationMode(Callback<bool> done) {
  answer<bool>("clearRegistrationMode", std::move(done), [&] {
    registrationMode_.clear();
    return ok(true);
  });
}

void FakeStore::createInvite(std::string digest, int64_t expiresAt, int64_t nowSeconds, size_t maxWaiting,
                             Callback<bool> done) {
  answer<bool>("createInvite", std::move(done), [&] {
    std::erase_if(invites_, [&](const auto& invite) { return invite.second <= nowSeconds; });
    if (invites_.size() >= maxWaiting) return status<bool>(StoreStatus::kOverQuota);
    if (!invites_.emplace(std::move(digest), expiresAt).second) return status<bool>(StoreStatus::kConflict);
    return ok(true);
  });
}

void FakeStore::takeInvite(std::string digest, int64_t nowSeconds, Callback<int64_t> done) {
  answer<int64_t>("takeInvite", std::move(done), [&] {
    const auto it = invites_.find(digest);
    if (it == invites_.end() || it->second <= nowSeconds) return status<int64_t>(StoreStatus::kNotFound);
    const int64_t expiresAt = it->second;
    invites_.erase(it);
    return ok(expiresAt);
  });
}

void FakeStore::restoreInvite(std::string digest, int64_t expiresAt, Callback<bool> done) {
  answer<bool>("restoreInvite", std::move(done), [&] {
    invites_.emplace(std::move(digest), expiresAt);
    return ok(true);
  });
}

int64_t FakeStore::bytesOf(int64_t ownerId) const {
  int64_t bytes = 0;
  for (const auto& [id, file] : files_) bytes += file.ownerId == ownerId ? file.size : 0;
  return bytes;
}

void FakeStore::addFile(store::FileRecord file, uint64_t quotaBytes, Callback<store::FileRecord> done) {
  answer<store::FileRecord>("addFile", std::move(done), [&]() -> std::pair<store::StoreStatus, store::FileRecord> {
    if (!user(file.ownerId)) return {store::StoreStatus::kNotFound, {}};
    if (files_.contains(file.id)) return {store::StoreStatus::kConflict, {}};
    const int64_t used = bytesOf(file.ownerId);
    if (quotaBytes > 0 && static_cast<uint64_t>(used + file.size) > quotaBytes) {
      store::FileRecord full;
      full.size = used;
      return {store::StoreStatus::kOverQuota, full};
    }
    file.createdAt = tick();
    files_[file.id] = file;
    return ok(std::move(file));
  });
}

void FakeStore::findFile(std::string id, Callback<store::FileRecord> done) {
  answer<store::FileRecord>("findFile", std::move(done), [&]() -> std::pair<store::StoreStatus, store::FileRecord> {
    const auto it = files_.find(id);
    if (it == files_.end()) return {store::StoreStatus::kNotFound, {}};
    return ok(it->second);
  });
}

void FakeStore::fileBytesOf(int64_t ownerId, Callback<int64_t> done) {
  answer<int64_t>("fileBytesOf", std::move(done), [&] { return ok(bytesOf(ownerId)); });
}

void FakeStore::fileSharedWith(std::string id, int64_t userId, Callback<bool> done) {
  answer<bool>("fileSharedWith", std::move(done), [&] {
    for (const auto& [roomId, row] : rooms_) {
      if (row.room.kind != store::RoomKind::kPublic && !row.members.contains(userId)) continue;
      for (const StoredMessage& stored : row.messages) {
        for (const store::Attachment& a : stored.message.attachments) {
          if (a.fileId == id) return ok(true);
        }
      }
    }
    return ok(false);
  });
}

void FakeStore::collectFiles(int64_t uploadedBeforeMs, int limit, Callback<std::vector<store::CollectedFile>> done) {
  answer<std::vector<store::CollectedFile>>("collectFiles", std::move(done), [&] {
    std::set<std::string> referenced;
    for (const auto& [roomId, row] : rooms_) {
      for (const StoredMessage& stored : row.messages) {
        for (const store::Attachment& a : stored.message.attachments) referenced.insert(a.fileId);
      }
    }
    for (const UserRow& row : users_) referenced.insert(row.user.avatarFileId);
    std::vector<store::CollectedFile> collected;
    for (auto it = files_.begin(); it != files_.end() && collected.size() < static_cast<size_t>(limit);) {
      if (it->second.createdAt >= uploadedBeforeMs || referenced.contains(it->first)) {
        ++it;
        continue;
      }
      collected.push_back({it->second, false});
      it = files_.erase(it);
    }
    for (store::CollectedFile& c : collected) {
      c.lastCopy = std::none_of(files_.begin(), files_.end(),
                                [&](const auto& file) { return file.second.sha256 == c.file.sha256; });
    }
    return ok(std::move(collected));
  });
}

}  // namespace chatd::test
