// The networked Store: every node of a cluster keeps its users, rooms and
// messages in one Redis (the key layout is in RedisKeys.h). Each write
// decision is one Lua script (RedisScript), atomic on the server, so two
// nodes deciding at once (the next seq of a room, a username, a direct room)
// cannot both win. Answers come when Redis replies, so every completion runs
// later in the loop; a write is answered only once Redis has applied it.
//
// Redis unavailable: every call answers kFailed at once (the chat layer says
// `unavailable`), ready() is false, and the connection is retried with capped
// exponential backoff and jitter; the state change is logged once.
//
// Owns its RedisConnection and the reconnect timer; borrows the loop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "reactor/EventLoop.h"
#include "reactor/TimerWheel.h"
#include "store/Store.h"
#include "store/redis/RedisBackoff.h"
#include "store/redis/RedisConnection.h"
#include "store/redis/RedisScript.h"

namespace chatd::store {

struct RedisStoreOptions {
  RedisOptions connection;
  std::string keyPrefix = "chatd:";
  uint32_t historyMax = 0;  // > 0: each room keeps its newest historyMax messages (MessageLog)
};

class RedisStore final : public Store, private reactor::TimerHandler {
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

  // Messages: store/redis/RedisStoreMessages.cc.
  void appendMessage(int64_t roomId, int64_t senderId, std::string content, std::string clientId,
                     Callback<AppendResult> done) override;
  void messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<MessagePage> done) override;
  void messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<MessagePage> done) override;
  void markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) override;
  void findMessage(int64_t roomId, int64_t messageId, Callback<Message> done) override;
  void editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<Message> done) override;
  void deleteMessage(int64_t roomId, int64_t messageId, Callback<Message> done) override;
  void toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji, uint32_t maxPerUser,
                      Callback<ReactionChange> done) override;

  // Connected, and the lobby is known to exist.
  bool ready() override { return ready_; }

 private:
  // Runs `script` with ARGV = prefix, args...; `decode` turns the rest of its
  // answer into the result whenever there is one (a kOverQuota may carry a
  // result too); the result is T{} otherwise.
  template <typename T, typename Decode>
  void run(const RedisScript& script, std::vector<std::string> args, Decode decode, Callback<T> done);

  // Connects and makes sure of the lobby; ready once that has answered.
  void connect();
  void disconnected(const std::string& reason);
  void handleTimer(reactor::Timer& timer) override;  // the reconnect backoff

  reactor::EventLoop& loop_;
  const std::string prefix_;
  const uint32_t historyMax_;
  RedisConnection redis_;
  bool ready_ = false;
  bool everConnected_ = false;
  RedisBackoff backoff_;
  reactor::Timer reconnect_{this};
};

template <typename T, typename Decode>
void RedisStore::run(const RedisScript& script, std::vector<std::string> args, Decode decode, Callback<T> done) {
  script.run(redis_, prefix_, std::move(args),
             [decode = std::move(decode), done = std::move(done)](StoreStatus status, std::vector<RedisReply> rest) {
               T value{};
               if (status != StoreStatus::kFailed && !rest.empty()) value = decode(rest);
               done(status, std::move(value));
             });
}

}  // namespace chatd::store
