// The embedded Store: one SQLite file. Reads query at once and are answered
// at the end of the iteration (ReadAnswers); writes are batched per loop
// iteration (GroupCommit) and answered after the COMMIT.
// Owns the database connection; borrows the loop.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "reactor/EventLoop.h"
#include "reactor/WorkerPool.h"
#include "store/Checkpointer.h"
#include "store/GroupCommit.h"
#include "store/ReadAnswers.h"
#include "store/SqliteDatabase.h"
#include "store/Store.h"

namespace chatd::store {

class SqliteStore final : public Store {
 public:
  // Opens `path` and brings its schema up to date; nullptr with `error` on
  // failure. `historyMax` > 0 trims each room to its newest `historyMax`
  // messages (MessageLog), amortized: see trimEvery().
  static std::unique_ptr<SqliteStore> open(reactor::EventLoop& loop, const std::string& path, std::string& error,
                                           uint32_t historyMax = 0);
  // A room is trimmed back to `historyMax` messages by every append whose
  // seq is a multiple of this (historyMax / 8, at least 1), so that the
  // appends in between run no extra statement: a room holds at most
  // historyMax + trimEvery() - 1 messages between two appends.
  static int64_t trimEvery(uint32_t historyMax) { return std::max<int64_t>(1, historyMax / 8); }
  // From now on WAL checkpoints run on `workers` (see Checkpointer), not
  // inside a commit on the loop. False with `error` when that cannot start.
  bool checkpointOn(reactor::WorkerPool& workers, std::string& error);
  // Times each group commit (StoreMetrics::sqliteCommit); borrowed.
  void measureWith(StoreMetrics* metrics) { writes_.measureWith(metrics ? &metrics->sqliteCommit : nullptr); }
  // Checkpoints finished on the workers (0 without checkpointOn()).
  uint64_t checkpoints() const { return checkpointer_ ? checkpointer_->checkpoints() : 0; }

  void createUser(std::string username, std::string nickname, std::string passwordHash, Callback<User> done) override;
  void findCredentials(std::string usernameKey, Callback<Credentials> done) override;
  void findUser(int64_t id, Callback<User> done) override;
  void findUsers(std::vector<int64_t> ids, Callback<std::vector<User>> done) override;
  void findOrCreateExternalUser(std::string subject, std::string name, Callback<User> done) override;
  void setLastSeen(int64_t userId, int64_t atMs, Callback<bool> done) override;
  // Deleting also tombstones the user's messages and ends their memberships,
  // in the same transaction.
  void setUserState(int64_t userId, UserState state, Callback<User> done) override;
  void updateProfile(int64_t userId, std::optional<std::string> nickname, std::optional<std::string> avatarFileId,
                     Callback<User> done) override;
  void isAvatar(std::string fileId, Callback<bool> done) override;
  // revokedTokens() answers what is committed, and queues a write that
  // forgets the expired ones.
  void revokeToken(std::string key, int64_t expiresAt, Callback<bool> done) override;
  void revokedTokens(int64_t nowSeconds, Callback<std::vector<RevokedToken>> done) override;
  bool ready() override;

  // Rooms: store/SqliteStoreRooms.cc.
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

  // Messages: store/SqliteStoreMessages.cc. Pages and findMessage() fill in
  // reactions with one extra query each; append() never does, not even
  // for a duplicate (the ack needs only id and seq): use findMessage().
  // editMessage() answers the message with its reactions.
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

  // Registration settings: store/SqliteStoreRegistration.cc.
  void registrationMode(Callback<std::string> done) override;
  void setRegistrationMode(std::string mode, Callback<bool> done) override;
  void clearRegistrationMode(Callback<bool> done) override;
  void createInvite(std::string digest, int64_t expiresAt, int64_t nowSeconds, size_t maxWaiting,
                    Callback<bool> done) override;
  void takeInvite(std::string digest, int64_t nowSeconds, Callback<int64_t> done) override;
  void restoreInvite(std::string digest, int64_t expiresAt, Callback<bool> done) override;
  // Files: store/SqliteStoreFiles.cc.
  void addFile(FileRecord file, uint64_t quotaBytes, Callback<FileRecord> done) override;
  void findFile(std::string id, Callback<FileRecord> done) override;
  void fileBytesOf(int64_t ownerId, Callback<int64_t> done) override;
  void fileSharedWith(std::string id, int64_t userId, Callback<bool> done) override;
  void collectFiles(int64_t uploadedBeforeMs, int limit, Callback<std::vector<CollectedFile>> done) override;

  // The store's own connection, for tests that watch its commits
  // (sqlite3_commit_hook); nothing may write through it.
  SqliteDatabase& database() { return *db_; }

 private:
  SqliteStore(reactor::EventLoop& loop, std::unique_ptr<SqliteDatabase> db);
  static int64_t nowMs();  // unix milliseconds, for every *_at
  // One member's mark moved by `sql` (bound to room, user, seq), which RETURNs the mark to answer.
  void moveMark(const char* sql, int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done);
  // A deleted user's messages tombstoned, reactions and memberships removed.
  static bool eraseTraces(SqliteDatabase& db, int64_t userId);
  // Answers a read at the end of this iteration, never inside the call.
  template <typename T>
  void answer(Callback<T>&& done, StoreStatus status, T value) {
    reads_.park(std::move(done), status, std::move(value));
    writes_.requestFlush();
  }
  // Queues `body` as one write; `done` hears its status and result after the
  // COMMIT (kFailed when the batch did not commit).
  template <typename T>
  void enqueueWrite(std::function<StoreStatus(SqliteDatabase&, T&)> body, Callback<T> done);
  // Reads one user row (CHATD_SELECT_USER's columns) selected by `sql` with
  // one bound parameter.
  template <typename Bind>
  StoreStatus readUser(const char* sql, Bind bind, Credentials& out);
  StoreStatus readUserById(int64_t id, User& out);
  // One room as `userId` sees it, on `db` (the store's own, or inside a write).
  static StoreStatus readRoom(SqliteDatabase& db, int64_t roomId, int64_t userId, Room& out);

  std::unique_ptr<SqliteDatabase> db_;
  ReadAnswers reads_;
  GroupCommit writes_;
  std::string path_;
  uint32_t historyMax_ = 0;  // 0: rooms keep every message
  std::unique_ptr<Checkpointer> checkpointer_;
};

// For the store's .cc files: the first row of `select` through `fromRow`
// (kNotFound when none), then resets it, so that no half-read statement keeps
// an old snapshot open and the WAL from being checkpointed.
template <typename T, typename FromRow>
StoreStatus readOne(SqliteStatement& select, FromRow fromRow, T& out) {
  StoreStatus status = StoreStatus::kFailed;
  switch (select.step()) {
    case SqliteStatement::Step::kRow:
      out = fromRow(select);
      status = StoreStatus::kOk;
      break;
    case SqliteStatement::Step::kDone: status = StoreStatus::kNotFound; break;
    case SqliteStatement::Step::kError: break;
  }
  select.reset();
  return status;
}

// Why the last statement on `db` failed: a missing row that a foreign key
// names is kNotFound, a taken unique key kConflict.
inline StoreStatus failureStatus(SqliteDatabase& db) {
  switch (sqlite3_extended_errcode(db.raw())) {
    case SQLITE_CONSTRAINT_FOREIGNKEY: return StoreStatus::kNotFound;
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return StoreStatus::kConflict;
    default: return StoreStatus::kFailed;
  }
}

// Every row of `select` through `fromRow`, appended to `out`; then resets it
// (see readOne()).
template <typename T, typename FromRow>
StoreStatus readAll(SqliteStatement& select, FromRow fromRow, std::vector<T>& out) {
  for (;;) {
    switch (select.step()) {
      case SqliteStatement::Step::kRow: out.push_back(fromRow(select)); break;
      case SqliteStatement::Step::kDone: select.reset(); return StoreStatus::kOk;
      case SqliteStatement::Step::kError: select.reset(); return StoreStatus::kFailed;
    }
  }
}

template <typename T>
void SqliteStore::enqueueWrite(std::function<StoreStatus(SqliteDatabase&, T&)> body, Callback<T> done) {
  auto result = std::make_shared<T>();
  auto status = std::make_shared<StoreStatus>(StoreStatus::kFailed);
  writes_.enqueue(
      [=, body = std::move(body)](SqliteDatabase& db) {
        *status = body(db, *result);
        return *status == StoreStatus::kOk;
      },
      [=, done = std::move(done)](bool committed) {
        const StoreStatus final = committed ? StoreStatus::kOk
                                            : (*status == StoreStatus::kOk ? StoreStatus::kFailed : *status);
        done(final, std::move(*result));
      });
}

}  // namespace chatd::store
