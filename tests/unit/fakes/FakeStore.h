// An in-memory store::Store for driving the hub in unit tests: maps and
// vectors, with the statuses and semantics store/Store.h documents (per-room
// seqs 1..n, exactly-once by (sender, client id), read marks, memberships and
// roles, direct rooms). Owns all its data; holds a reference to the loop.
//
// Like a networked backend, it never answers inside the call: each call
// decides at once (so calls keep their order) and queues its completion,
// which runs from the event loop (EventLoop::runInLoop) in a later task.
// Completions queued by a completion run in the task after.
//
// Test controls: calls per method, holding completions (pause/release, or
// pauseAt a method), failing the next N calls (of any method or of one) with
// kFailed (nothing changes), and appending a
// message "from another node" that the hub is never told about.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reactor/EventLoop.h"
#include "store/Store.h"

namespace chatd::test {

class FakeStore final : public store::Store {
 public:
  template <typename T>
  using Callback = store::Callback<T>;

  explicit FakeStore(reactor::EventLoop& loop) : loop_(loop) {}
  FakeStore(const FakeStore&) = delete;
  FakeStore& operator=(const FakeStore&) = delete;

  // --- Test controls ---
  // How often the method of that name (e.g. "append") was called.
  size_t calls(std::string_view method) const;
  // Completions queue up and none runs until release().
  void pause() { paused_ = true; }
  void release();
  // Pauses at the next call to `method` (e.g. "append"): its
  // completion and every later one are held until release().
  void pauseAt(std::string method) { pauseAt_ = std::move(method); }
  // The next `count` calls (to `method` only, when given) answer kFailed and
  // change nothing.
  void failNext(size_t count, std::string method = {}) {
    failuresLeft_ = count;
    failingMethod_ = std::move(method);
  }
  // Runs the loop until no completion is left to run, including those that
  // completions queue (held ones stay held); fails the test rather than spin.
  void runLoopUntilIdle();
  size_t heldCompletions() const { return completions_.size(); }
  // Stores a message as another chatd node sharing this store would: the
  // room's next seq, with no completion and no call counted.
  store::Message appendFromAnotherNode(int64_t roomId, int64_t senderId, std::string content);

  // --- Seeding, synchronous, not counted ---
  store::User addUser(const std::string& username, const std::string& nickname = {});
  // A "public" or "private" room owned by `ownerId`, as the owner sees it.
  store::Room addRoom(const std::string& name, store::RoomKind kind, int64_t ownerId);
  // Makes `userId` a member with `role`, or changes its role.
  void addMember(int64_t roomId, int64_t userId, store::MemberRole role = store::MemberRole::kMember);

  // --- store::Store ---
  void createUser(std::string username, std::string nickname, std::string passwordHash,
                  Callback<store::User> done) override;
  void findCredentials(std::string usernameKey, Callback<store::Credentials> done) override;
  void findUser(int64_t id, Callback<store::User> done) override;
  void findUsers(std::vector<int64_t> ids, Callback<std::vector<store::User>> done) override;
  void findOrCreateExternalUser(std::string subject, std::string name, Callback<store::User> done) override;
  void listRooms(int64_t userId, int64_t afterRoomId, int limit, Callback<std::vector<store::Room>> done) override;
  void findRoom(int64_t roomId, int64_t userId, Callback<store::Room> done) override;
  void createRoom(std::string name, store::RoomKind kind, std::optional<std::string> topic, int64_t ownerId,
                  uint32_t maxPerHour, Callback<store::Room> done) override;
  void joinRoom(int64_t roomId, int64_t userId, Callback<store::Room> done) override;
  void setMemberRole(int64_t roomId, int64_t userId, store::MemberRole role, Callback<store::RoomMember> done) override;
  void removeMember(int64_t roomId, int64_t userId, Callback<bool> done) override;
  void deleteRoom(int64_t roomId, Callback<bool> done) override;
  void listMembers(int64_t roomId, store::MemberCursor after, int limit,
                   Callback<std::vector<store::RoomMember>> done) override;
  void openDirectRoom(int64_t userId, int64_t otherId, Callback<store::DirectRoom> done) override;
  void shareRoom(int64_t userId, int64_t otherId, Callback<bool> done) override;
  void append(store::NewMessage message, std::shared_ptr<const store::MessageAnnouncement> announce,
              Callback<store::AppendResult> done) override;
  // Pages: never trimmed (firstSeq 1).
  void messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<store::MessagePage> done) override;
  void messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<store::MessagePage> done) override;
  void markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) override;
  void markReceived(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) override;
  void watermarks(int64_t roomId, int64_t fromSeq, Callback<std::vector<store::Watermark>> done) override;
  void findMessage(int64_t roomId, int64_t messageId, Callback<store::Message> done) override;
  void editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<store::Message> done) override;
  void deleteMessage(int64_t roomId, int64_t messageId, Callback<store::Message> done) override;
  void toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji, uint32_t maxPerUser,
                      Callback<store::ReactionChange> done) override;
  void setLastSeen(int64_t userId, int64_t atMs, Callback<bool> done) override;
  void setUserState(int64_t userId, store::UserState state, Callback<store::User> done) override;
  void updateProfile(int64_t userId, std::optional<std::string> nickname, std::optional<std::string> avatarFileId,
                     Callback<store::User> done) override;
  void isAvatar(std::string fileId, Callback<bool> done) override;
  void revokeToken(std::string key, int64_t expiresAt, Callback<bool> done) override;
  void revokedTokens(int64_t nowSeconds, Callback<std::vector<store::RevokedToken>> done) override;
  void registrationMode(Callback<std::string> done) override;
  void setRegistrationMode(std::string mode, Callback<bool> done) override;
  void clearRegistrationMode(Callback<bool> done) override;
  void createInvite(std::string digest, int64_t expiresAt, int64_t nowSeconds, size_t maxWaiting,
                    Callback<bool> done) override;
  void takeInvite(std::string digest, int64_t nowSeconds, Callback<int64_t> done) override;
  void restoreInvite(std::string digest, int64_t expiresAt, Callback<bool> done) override;
  void addFile(store::FileRecord file, uint64_t quotaBytes, Callback<store::FileRecord> done) override;
  void findFile(std::string id, Callback<store::FileRecord> done) override;
  void fileSharedWith(std::string id, int64_t userId, Callback<bool> done) override;
  void collectFiles(int64_t uploadedBeforeMs, int limit, Callback<std::vector<store::CollectedFile>> done) override;
  void fileBytesOf(int64_t ownerId, Callback<int64_t> done) override;
  bool ready() override { return true; }

 private:
  struct Membership {
    store::MemberRole role = store::MemberRole::kNone;
    int64_t joinedAt = 0;
    int64_t lastReadSeq = 0;
    int64_t lastReceivedSeq = 0;
  };
  struct StoredMessage {
    store::Message message;  // reactions and sender names left empty
    std::map<std::string, std::set<int64_t>> reactions;  // emoji -> users
  };
  struct RoomRow {
    store::Room room;  // role and lastReadSeq left empty
    int64_t ownerId = 0;
    std::map<int64_t, Membership> members;
    std::vector<StoredMessage> messages;  // messages[seq - 1]
  };
  struct UserRow {
    store::User user;
    std::string passwordHash;
    bool external = false;  // known by an app backend's subject, never by name
  };

  template <typename T>
  static std::pair<store::StoreStatus, T> ok(T value) {
    return {store::StoreStatus::kOk, std::move(value)};
  }
  template <typename T>
  static std::pair<store::StoreStatus, T> status(store::StoreStatus s) {
    return {s, T{}};
  }
  // Counts the call, then answers `decide()`'s (status, value) from the
  // loop, or kFailed while failures are armed.
  template <typename T, typename Decide>
  void answer(const char* method, Callback<T> done, Decide decide);
  void queueCompletion(std::function<void()> completion);
  // Posts one task to run the queued completions, unless paused or posted.
  void postRunnable();
  void runCompletions();

  int64_t tick() { return ++clockMs_; }  // a clock that moves on at every write: orders joins
  const UserRow* user(int64_t id) const;
  int64_t bytesOf(int64_t ownerId) const;  // what the user's files hold
  RoomRow* room(int64_t id);
  store::Room view(const RoomRow& row, int64_t userId) const;
  store::Message read(const StoredMessage& stored) const;  // sender names and reactions filled in
  store::User insertUser(std::string username, std::string nickname, std::string passwordHash);
  RoomRow& insertRoom(std::string name, store::RoomKind kind, std::optional<std::string> topic, int64_t ownerId);
  store::Message insertMessage(RoomRow& row, store::NewMessage draft);
  // The message with `messageId` in the room, if it is there and not deleted.
  StoredMessage* liveMessage(int64_t roomId, int64_t messageId);

  reactor::EventLoop& loop_;
  std::map<std::string, size_t, std::less<>> calls_;
  std::deque<std::function<void()>> completions_;
  bool paused_ = false;
  std::string pauseAt_;
  bool taskPosted_ = false;
  size_t failuresLeft_ = 0;
  std::string failingMethod_;  // empty: any

  int64_t clockMs_ = 1'700'000'000'000;
  std::vector<UserRow> users_;  // users_[id - 1]
  std::map<std::string, int64_t> externalUsers_;  // subject -> user id
  std::map<int64_t, RoomRow> rooms_;
  int64_t nextRoomId_ = 1;
  int64_t nextMessageId_ = 1;
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, int64_t>> sent_;  // (sender, client id) -> (room, seq)
  std::map<int64_t, int64_t> lastSeen_;
  std::map<std::string, int64_t> revoked_;
  std::string registrationMode_;
  std::map<std::string, int64_t> invites_;  // digest -> expires at
  std::map<std::string, store::FileRecord> files_;
};

template <typename T, typename Decide>
void FakeStore::answer(const char* method, Callback<T> done, Decide decide) {
  ++calls_[method];
  if (method == pauseAt_) {
    paused_ = true;
    pauseAt_.clear();
  }
  if (failuresLeft_ > 0 && (failingMethod_.empty() || method == failingMethod_)) {
    --failuresLeft_;
    return queueCompletion([done = std::move(done)] { done(store::StoreStatus::kFailed, T{}); });
  }
  queueCompletion([done = std::move(done), decided = decide()]() mutable {
    done(decided.first, std::move(decided.second));
  });
}

}  // namespace chatd::test
