// RedisStore's message log: each call is one script of MessageScripts.h on
// the room's shard (one round trip, atomic on the server), whose rows are
// decoded here. On a shard that is not the directory, the senders' names
// are read from the directory after it, one script per answer; appends are
// not named so (their caller has the sender), and the sender of an append or
// a reaction is checked on the directory before it (once per user and node:
// RedisStore::userExistsFor).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/MessageDetails.h"
#include "store/redis/MessageScripts.h"
#include "store/redis/RedisDecode.h"
#include "store/redis/RedisStore.h"
#include "store/redis/RoomEventWire.h"

namespace chatd::store {
namespace {

namespace scripts = message_scripts;

constexpr int kMaxPage = 1000;

// The row fields before the reactions (MessageScripts.h has their order).
constexpr size_t kRowFields = 13;

Message decodeMessage(const RedisReply& row, int64_t roomId) {
  Message m;
  const std::vector<RedisReply>& f = row.elements;
  if (row.kind != RedisReply::Kind::kArray || f.size() < kRowFields) return m;
  m.id = replyInt(f[0]);
  m.roomId = roomId;
  m.seq = replyInt(f[1]);
  m.senderId = replyInt(f[2]);
  m.kind = replyText(f[3]);
  m.content = replyText(f[4]);
  m.clientId = replyText(f[5]);
  m.createdAt = replyInt(f[6]);
  m.editedAt = replyInt(f[7]);
  m.deleted = replyInt(f[8]) != 0;
  decodeMessageDetails(replyText(f[9]), m);
  m.senderUsername = replyText(f[10]);
  m.senderNickname = replyText(f[11]);
  m.senderAvatarFileId = replyText(f[12]);
  for (size_t i = kRowFields; i + 1 < f.size(); i += 2) m.reactions.push_back({replyText(f[i]), replyInt(f[i + 1])});
  return m;
}

// kPage's arguments: the limit clamped as SQLite's.
std::vector<std::string> pageArgs(int64_t roomId, int64_t seq, int limit, const char* direction) {
  return {std::to_string(roomId), std::to_string(seq), std::to_string(std::clamp(limit, 1, kMaxPage)), direction};
}

// kPage's answer: the room's first seq, then the rows.
auto pageDecoder(int64_t roomId) {
  return [roomId](const std::vector<RedisReply>& rest) {
    MessagePage page;
    page.firstSeq = replyInt(rest[0]);
    page.messages.reserve(rest.size() - 1);
    for (size_t i = 1; i < rest.size(); ++i) page.messages.push_back(decodeMessage(rest[i], roomId));
    return page;
  };
}

std::vector<Message*> everyMessage(MessagePage& page) {
  std::vector<Message*> all;
  all.reserve(page.messages.size());
  for (Message& m : page.messages) all.push_back(&m);
  return all;
}
std::vector<Message*> theMessage(Message& m) { return {&m}; }

std::string flag(bool value) { return value ? "1" : "0"; }

// kAppend's last arguments: the announcement to publish, or "" for none.
void addAnnouncement(std::vector<std::string>& args, const MessageAnnouncement* announce) {
  if (!announce) {
    args.emplace_back();
    return;
  }
  RoomEventAroundSeq wire = encodeRoomEventAroundSeq(announce->event);
  args.push_back(std::move(wire.beforeSeq));
  args.push_back(std::move(wire.afterSeq));
  args.insert(args.end(), announce->around.begin(), announce->around.end());
  args.push_back(std::to_string(announce->event.peerId));
}

}  // namespace

template <typename T, typename Pick>
Callback<T> RedisStore::afterNaming(int64_t roomId, Callback<T> done, Pick pick) {
  if (&roomShard(roomId) == &directory()) return done;
  return [this, done = std::move(done), pick](StoreStatus status, T value) mutable {
    if (status != StoreStatus::kOk) return done(status, std::move(value));
    auto answer = std::make_shared<T>(std::move(value));
    nameSenders(pick(*answer),
                [answer, done = std::move(done)](StoreStatus named) { done(named, std::move(*answer)); });
  };
}

void RedisStore::append(NewMessage message, std::shared_ptr<const MessageAnnouncement> announce,
                        Callback<AppendResult> done) {
  const int64_t roomId = message.roomId;
  const int64_t senderId = message.senderId;
  std::vector<std::string> files;
  for (const Attachment& a : message.attachments) files.push_back(a.fileId);
  if (!files.empty()) {
    done = [this, files, done = std::move(done)](StoreStatus status, AppendResult result) {
      if (status == StoreStatus::kOk && !result.duplicate) return done(status, std::move(result));
      unshareFiles(files, [status, result = std::move(result), done](StoreStatus) { done(status, result); });
    };
  }
  auto checked = [=, this, message = std::move(message), announce = std::move(announce),
                  done = std::move(done)](StoreStatus sender) mutable {
    Shard& shard = roomShard(roomId);
    if (sender != StoreStatus::kOk) {
      // Answered behind the room's appends already sent: completions keep their call order.
      shard.redis.command({"PING"}, [sender, done = std::move(done)](const RedisReply&) { done(sender, {}); });
      return;
    }
    std::string fileList;
    for (const Attachment& a : message.attachments) fileList += (fileList.empty() ? "" : ",") + a.fileId;
    std::vector<std::string> args{std::to_string(roomId),
                                  std::to_string(senderId),
                                  message.content,
                                  message.clientId,
                                  std::to_string(historyMax_),
                                  std::to_string(MessageLog::kMaxTrimmedAtOnce),
                                  std::to_string(shards_.size()),
                                  std::to_string(shard.index),
                                  flag(&shard == &directory()),
                                  message.kind,
                                  encodeMessageDetails(message.attachments, message.call),
                                  std::move(fileList)};
    const bool dropped = announce && dropAnnouncementsEvery_ != 0 && ++announcements_ % dropAnnouncementsEvery_ == 0;
    addAnnouncement(args, dropped ? nullptr : announce.get());
    run<AppendResult>(
        shard, scripts::kAppend, std::move(args),
        [roomId, announced = announce != nullptr](const std::vector<RedisReply>& rest) {
          const bool duplicate = replyInt(rest[0]) != 0;
          return AppendResult{rest.size() > 1 ? decodeMessage(rest[1], roomId) : Message{}, duplicate,
                              announced && !duplicate};
        },
        std::move(done));
  };
  if (files.empty()) return userExistsFor(roomId, senderId, std::move(checked));
  // The files count as referenced before the message refers to them, and no
  // longer when no new message came of it: a crash in between keeps a file
  // too long, never collects one a message refers to.
  shareFiles(roomId, files, [this, roomId, senderId, checked = std::move(checked)](StoreStatus shared) mutable {
    if (shared != StoreStatus::kOk) return checked(shared);
    userExistsFor(roomId, senderId, std::move(checked));
  });
}

void RedisStore::messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<MessagePage> done) {
  run<MessagePage>(roomShard(roomId), scripts::kPage, pageArgs(roomId, afterSeq, limit, "after"),
                   pageDecoder(roomId), afterNaming(roomId, std::move(done), everyMessage));
}

void RedisStore::messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<MessagePage> done) {
  run<MessagePage>(roomShard(roomId), scripts::kPage, pageArgs(roomId, beforeSeq, limit, "before"),
                   pageDecoder(roomId), afterNaming(roomId, std::move(done), everyMessage));
}

void RedisStore::markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  moveMark(scripts::kMarkRead, roomId, userId, seq, std::move(done));
}

void RedisStore::markReceived(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  moveMark(scripts::kMarkReceived, roomId, userId, seq, std::move(done));
}

void RedisStore::moveMark(const RedisScript& script, int64_t roomId, int64_t userId, int64_t seq,
                          Callback<int64_t> done) {
  run<int64_t>(
      roomShard(roomId), script, {std::to_string(roomId), std::to_string(userId), std::to_string(seq)},
      [](const std::vector<RedisReply>& rest) { return replyInt(rest[0]); }, std::move(done));
}

void RedisStore::watermarks(int64_t roomId, int64_t fromSeq, Callback<std::vector<Watermark>> done) {
  run<std::vector<Watermark>>(
      roomShard(roomId), scripts::kWatermarks,
      {std::to_string(roomId), std::to_string(fromSeq), std::to_string(kMaxWatermarks)},
      [](const std::vector<RedisReply>& rest) {
        std::vector<Watermark> marks;
        for (size_t i = 0; i + 2 < rest.size(); i += 3) {
          marks.push_back({replyInt(rest[i]), replyInt(rest[i + 1]), replyInt(rest[i + 2])});
        }
        return marks;
      },
      std::move(done));
}

void RedisStore::findMessage(int64_t roomId, int64_t messageId, Callback<Message> done) {
  run<Message>(
      roomShard(roomId), scripts::kFind, {std::to_string(roomId), std::to_string(messageId)},
      [roomId](const std::vector<RedisReply>& rest) { return decodeMessage(rest[0], roomId); },
      afterNaming(roomId, std::move(done), theMessage));
}

void RedisStore::editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<Message> done) {
  run<Message>(
      roomShard(roomId), scripts::kEdit, {std::to_string(roomId), std::to_string(messageId), std::move(content)},
      [roomId](const std::vector<RedisReply>& rest) { return decodeMessage(rest[0], roomId); },
      afterNaming(roomId, std::move(done), theMessage));
}

void RedisStore::deleteMessage(int64_t roomId, int64_t messageId, Callback<Message> done) {
  struct Deleted {
    Message message;
    std::vector<std::string> files;  // the ones it carried
  };
  auto unshared = [this, done = std::move(done)](StoreStatus status, Deleted deleted) {
    if (status != StoreStatus::kOk || deleted.files.empty()) return done(status, std::move(deleted.message));
    unshareFiles(std::move(deleted.files),
                 [done, message = std::move(deleted.message)](StoreStatus) { done(StoreStatus::kOk, message); });
  };
  run<Deleted>(
      roomShard(roomId), scripts::kDelete, {std::to_string(roomId), std::to_string(messageId)},
      [roomId](const std::vector<RedisReply>& rest) {
        Deleted deleted{decodeMessage(rest[0], roomId), {}};
        for (size_t i = 1; i < rest.size(); ++i) deleted.files.push_back(replyText(rest[i]));
        return deleted;
      },
      afterNaming(roomId, Callback<Deleted>(std::move(unshared)),
                  [](Deleted& deleted) { return theMessage(deleted.message); }));
}

void RedisStore::toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji,
                                uint32_t maxPerUser, Callback<ReactionChange> done) {
  userExistsFor(roomId, userId, [=, this, emoji = std::move(emoji), done = std::move(done)](StoreStatus user) mutable {
    if (user != StoreStatus::kOk) return done(user, {});
    Shard& shard = roomShard(roomId);
    run<ReactionChange>(
      shard, scripts::kToggleReaction,
      {std::to_string(roomId), std::to_string(messageId), std::to_string(userId), std::move(emoji),
       std::to_string(maxPerUser), flag(&shard == &directory())},
      [roomId](const std::vector<RedisReply>& rest) {
        ReactionChange change;
        if (rest.size() < 3) return change;
        change.message = decodeMessage(rest[0], roomId);
        change.added = replyInt(rest[1]) != 0;
        change.count = replyInt(rest[2]);
        return change;
      },
      afterNaming(roomId, std::move(done), [](ReactionChange& change) { return std::vector{&change.message}; }));
  });
}

}  // namespace chatd::store
