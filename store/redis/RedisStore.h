// The networked Store: every node of a cluster keeps its users, rooms and
// messages in Redis (the key layout is in RedisKeys.h), on one instance or
// sharded over several (RedisShards.h: accounts and room lists on the first,
// each room's keys on its shard). Each write decision within one instance is
// one Lua script (RedisScript), atomic on the server, so two nodes deciding
// at once (the next seq of a room, a username, a direct room) cannot both
// win; a call that needs the directory and a room's shard runs one script on
// each, in an order that leaves nothing visible broken if it stops between
// them (docs/architecture.md lists them). Answers come when Redis replies, so
// every completion runs later in the loop; a write is answered only once
// Redis has applied it.
//
// An instance unavailable: every call that needs it answers kFailed at once
// (the chat layer says `unavailable`), ready() is false, and that connection
// is retried with capped exponential backoff and jitter; the state change is
// logged once. The other shards' rooms stay usable.
//
// Owns a RedisConnection and a reconnect timer per shard; borrows the loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "reactor/EventLoop.h"
#include "reactor/TimerWheel.h"
#include "store/Store.h"
#include "store/redis/RedisBackoff.h"
#include "store/redis/RedisConnection.h"
#include "store/redis/RedisScript.h"
#include "store/redis/RedisShards.h"

namespace chatd::store {

struct RedisStoreOptions {
  std::vector<RedisOptions> shards;  // at least one; the first is the directory (RedisShards.h)
  std::string keyPrefix = "chatd:";
  uint32_t historyMax = 0;  // > 0: each room keeps its newest historyMax messages (MessageLog)
  // A deleted user's erasure goes through each room's log this many seqs per
  // script run (RedisStoreErasure.cc): how long it may hold an instance.
  uint32_t eraseSlice = 1000;
};

class RedisStore final : public Store {
 public:
  // Starts connecting at once; calls may be made before it is connected
  // (they wait for the connection, up to the command timeout).
  RedisStore(reactor::EventLoop& loop, RedisStoreOptions options);

  // Accounts and revoked tokens: store/redis/RedisStoreAccounts.cc.
  void createUser(std::string username, std::string nickname, std::string passwordHash, Callback<User> done) override;
  void findCredentials(std::string usernameKey, Callback<Credentials> done) override;
  void findUser(int64_t id, Callback<User> done) override;
  void findUsers(std::vector<int64_t> ids, Callback<std::vector<User>> done) override;
  void findOrCreateExternalUser(std::string subject, std::string name, Callback<User> done) override;
  void setLastSeen(int64_t userId, int64_t atMs, Callback<bool> done) override;
  void setUserState(int64_t userId, UserState state, Callback<User> done) override;
  void updateProfile(int64_t userId, std::optional<std::string> nickname, std::optional<std::string> avatarFileId,
                     Callback<User> done) override;
  void isAvatar(std::string fileId, Callback<bool> done) override;
  void revokeToken(std::string key, int64_t expiresAt, Callback<bool> done) override;
  void revokedTokens(int64_t nowSeconds, Callback<std::vector<RevokedToken>> done) override;

  // Rooms: store/redis/RedisStoreRooms.cc.
  void listRooms(int64_t userId, int64_t afterRoomId, int limit, Callback<std::vector<Room>> done) override;
  void findRoom(int64_t roomId, int64_t userId, Callback<Room> done) override;
  void createRoom(std::string name, RoomKind kind, std::optional<std::string> topic, int64_t ownerId,
                  uint32_t maxPerHour, Callback<Room> done) override;
  void joinRoom(int64_t roomId, int64_t userId, Callback<Room> done) override;
  void setMemberRole(int64_t roomId, int64_t userId, MemberRole role, Callback<RoomMember> done) override;
  void removeMember(int64_t roomId, int64_t userId, Callback<bool> done) override;
  void deleteRoom(int64_t roomId, Callback<bool> done) override;
  void listMembers(int64_t roomId, MemberCursor after, int limit, Callback<std::vector<RoomMember>> done) override;
  void openDirectRoom(int64_t userId, int64_t otherId, Callback<DirectRoom> done) override;
  void shareRoom(int64_t userId, int64_t otherId, Callback<bool> done) override;

  // Messages: store/redis/RedisStoreMessages.cc.
  void append(NewMessage message, std::shared_ptr<const MessageAnnouncement> announce,
              Callback<AppendResult> done) override;
  void messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<MessagePage> done) override;
  void messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<MessagePage> done) override;
  void markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) override;
  void markReceived(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) override;
  void watermarks(int64_t roomId, int64_t fromSeq, Callback<std::vector<Watermark>> done) override;
  void findMessage(int64_t roomId, int64_t messageId, Callback<Message> done) override;
  void editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<Message> done) override;
  void deleteMessage(int64_t roomId, int64_t messageId, Callback<Message> done) override;
  void toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji, uint32_t maxPerUser,
                      Callback<ReactionChange> done) override;

  // Registration settings, on the directory: store/redis/RedisStoreRegistration.cc.
  void registrationMode(Callback<std::string> done) override;
  void setRegistrationMode(std::string mode, Callback<bool> done) override;
  void clearRegistrationMode(Callback<bool> done) override;
  void createInvite(std::string digest, int64_t expiresAt, int64_t nowSeconds, size_t maxWaiting,
                    Callback<bool> done) override;
  void takeInvite(std::string digest, int64_t nowSeconds, Callback<int64_t> done) override;
  void restoreInvite(std::string digest, int64_t expiresAt, Callback<bool> done) override;
  // Files: store/redis/RedisStoreFiles.cc.
  void addFile(FileRecord file, uint64_t quotaBytes, Callback<FileRecord> done) override;
  void findFile(std::string id, Callback<FileRecord> done) override;
  void fileBytesOf(int64_t ownerId, Callback<int64_t> done) override;
  void fileSharedWith(std::string id, int64_t userId, Callback<bool> done) override;
  void collectFiles(int64_t uploadedBeforeMs, int limit, Callback<std::vector<CollectedFile>> done) override;

  // Every shard connected, and the lobby is known to exist.
  bool ready() override;

  // A test hook (CHATD_TEST_DROP_PUBLISH, read by StoreFactory): every
  // `every`-th announced append is stored and answered `announced` but not
  // PUBLISHed, as if Redis had lost the publish, so that tests can show the
  // other nodes healing it from the store. 0 (the default) drops nothing.
  void dropAnnouncementsForTest(unsigned every);

 private:
  // One Redis instance: its connection, whether it answers, and its own backoff.
  struct Shard final : private reactor::TimerHandler {
    Shard(RedisStore& store, size_t index, RedisOptions options);
    void handleTimer(reactor::Timer&) override { store.connect(*this); }  // the reconnect backoff

    RedisStore& store;
    const size_t index;
    RedisConnection redis;
    bool ready = false;
    bool everConnected = false;
    RedisBackoff backoff;
    reactor::Timer reconnect{this};
  };

  Shard& directory() { return *shards_[kDirectoryShard]; }
  Shard& roomShard(int64_t roomId) { return *shards_[shardOfRoom(roomId, shards_.size())]; }
  // In the log: "redis store", or with the shard's index when there are several.
  std::string name(const Shard& shard) const;

  // Runs `script` on `shard` with ARGV = prefix, args...; `decode` turns the
  // rest of its answer into the result whenever there is one (a kOverQuota
  // may carry a result too); the result is T{} otherwise.
  template <typename T, typename Decode>
  void run(Shard& shard, const RedisScript& script, std::vector<std::string> args, Decode decode, Callback<T> done);

  // Counts the files as referenced (in `roomId`) on the directory, or no
  // longer; kNotFound, and nothing counted, when one of them is gone.
  // RedisStoreFiles.cc.
  void shareFiles(int64_t roomId, std::vector<std::string> ids, std::function<void(StoreStatus)> done);
  void unshareFiles(std::vector<std::string> ids, std::function<void(StoreStatus)> done);

  // markRead(), markReceived(): `script` is one of MessageScripts.h's marks.
  void moveMark(const RedisScript& script, int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done);

  // The directory's rows of `ids`, in order; a user who is not there has id 0.
  void userRows(std::vector<int64_t> ids, Callback<std::vector<User>> done);
  // Message rows made on a room's shard name their senders from the users
  // there; on another shard than the directory these names are filled in
  // here, one script per page (RedisStoreMessages.cc). Called from an
  // answer only: with no messages, `done` runs at once.
  void nameSenders(std::vector<Message*> messages, std::function<void(StoreStatus)> done);
  // `done`, once the senders of the messages `pick` finds in its answer are
  // named, when the room's shard is not the directory; else `done` itself.
  template <typename T, typename Pick>
  Callback<T> afterNaming(int64_t roomId, Callback<T> done, Pick pick);
  // NOT_FOUND unless `userId` is a user (asked of the directory); kOk at
  // once when the room's shard is the directory, whose scripts check it, or
  // when the user is known. Users are never deleted, so one seen is known
  // for good (knownUsers_), and a message costs the directory nothing after
  // its sender's first. While a check is in flight every later call waits
  // behind it (the directory answers in order): appends keep their call order.
  void userExistsFor(int64_t roomId, int64_t userId, std::function<void(StoreStatus)> then);

  // A deleted user's traces erased, as SqliteStore::eraseTraces: every
  // room's log walked on its shard, a slice per script run, then the user's
  // room list. store/redis/RedisStoreErasure.cc.
  struct Erasure;
  void eraseUser(int64_t userId, std::function<void(StoreStatus)> done);
  void eraseFrom(std::shared_ptr<Erasure> erasure, Shard& shard, int64_t roomId, int64_t fromSeq);
  void shardErased(const std::shared_ptr<Erasure>& erasure, StoreStatus status);

  // Connects and makes sure of the lobby; ready once that has answered.
  void connect(Shard& shard);
  void disconnected(Shard& shard, const std::string& reason);

  reactor::EventLoop& loop_;
  const std::string prefix_;
  const uint32_t historyMax_;
  const uint32_t eraseSlice_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<bool> knownUsers_;  // by user id (ids are dense: INCR); sharded only
  size_t userChecksInFlight_ = 0;
  unsigned dropAnnouncementsEvery_ = 0;  // dropAnnouncementsForTest
  unsigned announcements_ = 0;
};

template <typename T, typename Decode>
void RedisStore::run(Shard& shard, const RedisScript& script, std::vector<std::string> args, Decode decode,
                     Callback<T> done) {
  script.run(shard.redis, prefix_, std::move(args),
             [decode = std::move(decode), done = std::move(done)](StoreStatus status, std::vector<RedisReply> rest) {
               T value{};
               if (status != StoreStatus::kFailed && !rest.empty()) value = decode(rest);
               done(status, std::move(value));
             });
}

}  // namespace chatd::store
