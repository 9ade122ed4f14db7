// The message log's keys and records as RedisKeys.h fixes them, read and
// written directly: what other nodes, the bus and --migrate-to rely on, and
// what the store contract suite cannot see.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/redis_store_fixture.h"

namespace chatd::store {
namespace {

constexpr const char* kThumbsUp = "\U0001F44D";

// Decodes a MessagePack record of `hash` to JSON on the server (cjson: maps
// with one key, so that the text does not depend on key order).
constexpr const char* kRecordAsJson =
    "local packed = redis.call('HGET', KEYS[1], ARGV[1]) "
    "return packed and cjson.encode(cmsgpack.unpack(packed)) or ''";

class RedisStoreLayout : public RedisStoreFixture {
 protected:
  std::string record(const std::string& hash, const std::string& field) {
    return backend_.command({"EVAL", kRecordAsJson, "1", "chatd:" + hash, field});
  }
  AppendResult append(int64_t sender, std::string content, std::string clientId = "") {
    return await<AppendResult>([&](auto done) { store_->appendMessage(kLobby, sender, content, clientId, nullptr, done); });
  }
};

TEST_F(RedisStoreLayout, AnAppendWritesTheRecordsAndIndexesOfRedisKeys) {
  backend_.command({"HSET", "chatd:room:1:roles", "1", "1"});  // ann is a member, bob is not
  const Message m = append(ann_, "hello", "c-1").message;
  EXPECT_EQ(backend_.command({"GET", "chatd:msg:next"}), std::to_string(m.id));
  EXPECT_EQ(backend_.command({"HGET", "chatd:room:1", "last_seq"}), "1");
  EXPECT_EQ(backend_.command({"HGET", "chatd:room:1:ids", std::to_string(m.id)}), "1");
  EXPECT_EQ(backend_.command({"HGET", "chatd:room:1:clients", "1:c-1"}), "1");
  EXPECT_EQ(record("room:1:log", "1"),
            "[" + std::to_string(m.id) + ",1,\"text\",\"hello\",\"c-1\"," + std::to_string(m.createdAt) + ",0,0,\"\"]");
  EXPECT_EQ(backend_.command({"HGET", "chatd:room:1:reads", "1"}), "1");
  append(bob_, "no client id");
  EXPECT_EQ(backend_.command({"HLEN", "chatd:room:1:clients"}), "1");
  EXPECT_EQ(backend_.command({"HEXISTS", "chatd:room:1:reads", "2"}), "0");  // not a member: no read mark
  EXPECT_EQ(backend_.command({"HGET", "chatd:room:1:reads", "1"}), "1");
}

TEST_F(RedisStoreLayout, ReactionsAreUsersByEmojiAndADeleteDropsThem) {
  const Message m = append(ann_, "react").message;
  const std::string id = std::to_string(m.id);
  for (int64_t user : {bob_, ann_}) {
    await<ReactionChange>([&](auto done) { store_->toggleReaction(kLobby, m.id, user, kThumbsUp, 10, done); });
  }
  EXPECT_EQ(record("room:1:reactions", id), std::string("{\"") + kThumbsUp + "\":[2,1]}");  // in reacting order
  await<ReactionChange>([&](auto done) { store_->toggleReaction(kLobby, m.id, bob_, kThumbsUp, 10, done); });
  EXPECT_EQ(record("room:1:reactions", id), std::string("{\"") + kThumbsUp + "\":[1]}");
  await<ReactionChange>([&](auto done) { store_->toggleReaction(kLobby, m.id, ann_, kThumbsUp, 10, done); });
  EXPECT_EQ(backend_.command({"HEXISTS", "chatd:room:1:reactions", id}), "0");  // no empty records
  await<ReactionChange>([&](auto done) { store_->toggleReaction(kLobby, m.id, ann_, kThumbsUp, 10, done); });
  await<Message>([&](auto done) { store_->deleteMessage(kLobby, m.id, done); });
  EXPECT_EQ(backend_.command({"HEXISTS", "chatd:room:1:reactions", id}), "0");
  EXPECT_EQ(record("room:1:log", "1"),
            "[" + id + ",1,\"text\",\"\",\"\"," + std::to_string(m.createdAt) + ",0,1,\"\"]");
}

// A room's log as another writer (--migrate-to) leaves it: read, and appended to.
TEST_F(RedisStoreLayout, RecordsWrittenByAnotherWriterAreReadAndContinued) {
  backend_.command({"EVAL",
                    "redis.call('HSET', KEYS[1], 1, cmsgpack.pack({7, 2, 'text', 'migrated', 'm-1', 1000, 2000, 0})) "
                    "redis.call('HSET', KEYS[2], 7, cmsgpack.pack({[ARGV[1]] = {1, 2}}))",
                    "2", "chatd:room:1:log", "chatd:room:1:reactions", kThumbsUp});
  backend_.command({"HSET", "chatd:room:1:ids", "7", "1"});
  backend_.command({"HSET", "chatd:room:1:clients", "2:m-1", "1"});
  backend_.command({"HSET", "chatd:room:1", "last_seq", "1"});
  backend_.command({"SET", "chatd:msg:next", "7"});
  const auto page = await<MessagePage>([&](auto done) { store_->messagesAfter(kLobby, 0, 10, done); }).messages;
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, 7);
  EXPECT_EQ(page[0].seq, 1);
  EXPECT_EQ(page[0].senderId, bob_);
  EXPECT_EQ(page[0].senderUsername, "bob");
  EXPECT_EQ(page[0].senderNickname, "");
  EXPECT_EQ(page[0].content, "migrated");
  EXPECT_EQ(page[0].clientId, "m-1");
  EXPECT_EQ(page[0].createdAt, 1000);
  EXPECT_EQ(page[0].editedAt, 2000);
  ASSERT_EQ(page[0].reactions.size(), 1u);
  EXPECT_EQ(page[0].reactions[0].emoji, kThumbsUp);
  EXPECT_EQ(page[0].reactions[0].count, 2);
  const AppendResult resent = append(bob_, "migrated", "m-1");
  EXPECT_TRUE(resent.duplicate);
  EXPECT_EQ(resent.message.id, 7);
  const Message next = append(ann_, "after the migration").message;
  EXPECT_EQ(next.id, 8);
  EXPECT_EQ(next.seq, 2);
}

// What other nodes and --migrate-to rely on: the mode a field of {p}settings,
// the invites a ZSET of digests scored by expiry, gone once taken.
TEST_F(RedisStoreLayout, RegistrationSettingsAreAHashFieldAndAZsetOfDigests) {
  await<bool>([&](auto done) { store_->setRegistrationMode("invite", done); });
  EXPECT_EQ(backend_.command({"HGET", "chatd:settings", "registration"}), "invite");
  await<bool>([&](auto done) { store_->createInvite("d1", 1'800'000'060, 1'800'000'000, 10, done); });
  EXPECT_EQ(backend_.command({"ZSCORE", "chatd:invites", "d1"}), "1800000060");
  await<int64_t>([&](auto done) { store_->takeInvite("d1", 1'800'000'000, done); });
  EXPECT_EQ(backend_.command({"ZCARD", "chatd:invites"}), "0");
}

}  // namespace
}  // namespace chatd::store
