#include "store/Schema.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/temp_database.h"

namespace chatd::store {
namespace {

class StoreSchema : public ::testing::Test {
 protected:
  void SetUp() override { db_ = open(); }
  std::unique_ptr<SqliteDatabase> open() { return file_.open(); }
  int64_t count(const char* sql) {
    SqliteStatement* s = db_->prepare(sql);
    EXPECT_TRUE(s) << db_->errorMessage();
    return s && s->step() == SqliteStatement::Step::kRow ? s->columnInt(0) : -1;
  }

  TempDatabaseFile file_;  // declared first: outlives the connection
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(StoreSchema, OpensInWalModeWithForeignKeys) {
  SqliteStatement* mode = db_->prepare("PRAGMA journal_mode");
  ASSERT_EQ(mode->step(), SqliteStatement::Step::kRow);
  EXPECT_EQ(mode->columnText(0), "wal");
  EXPECT_EQ(count("PRAGMA foreign_keys"), 1);
}

TEST_F(StoreSchema, MigratesAnEmptyFileToTheLatestSchemaWithALobby) {
  std::string error;
  ASSERT_TRUE(migrate(*db_, error)) << error;
  EXPECT_EQ(db_->userVersion(), kSchemaVersion);
  EXPECT_EQ(count("SELECT count(*) FROM rooms WHERE name = 'lobby' AND kind = 'public'"), 1);
  EXPECT_GT(count("SELECT created_at FROM rooms WHERE name = 'lobby'"), 1'700'000'000'000);  // unix ms
  // Running it again changes nothing.
  ASSERT_TRUE(migrate(*db_, error)) << error;
  EXPECT_EQ(count("SELECT count(*) FROM rooms"), 1);
}

TEST_F(StoreSchema, UpgradesAnOlderFileInPlaceKeepingItsData) {
  std::string error;
  ASSERT_TRUE(migrate(*db_, error, 1)) << error;
  ASSERT_TRUE(db_->exec("INSERT INTO users (username, username_key, created_at) VALUES ('Ann', 'ann', 1)"));
  db_ = open();  // as a newer chatd would find it
  ASSERT_EQ(db_->userVersion(), 1);
  ASSERT_TRUE(migrate(*db_, error)) << error;
  EXPECT_EQ(db_->userVersion(), kSchemaVersion);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE username = 'Ann'"), 1);
  EXPECT_EQ(count("SELECT last_seq FROM rooms WHERE name = 'lobby'"), 0);  // the column version 2 added
}

TEST_F(StoreSchema, RefusesAFileFromANewerChatd) {
  ASSERT_TRUE(db_->setUserVersion(kSchemaVersion + 1));
  std::string error;
  EXPECT_FALSE(migrate(*db_, error));
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
}

TEST_F(StoreSchema, ConstraintsHold) {
  std::string error;
  ASSERT_TRUE(migrate(*db_, error)) << error;
  ASSERT_TRUE(db_->exec("INSERT INTO users (username, username_key, created_at) VALUES ('Bob', 'bob', 1)"));
  // Usernames are unique case-insensitively (through the lower-cased key).
  EXPECT_FALSE(db_->exec("INSERT INTO users (username, username_key, created_at) VALUES ('BOB', 'bob', 1)"));
  // Room kinds and member roles are closed sets.
  EXPECT_FALSE(db_->exec("INSERT INTO rooms (name, kind, created_at) VALUES ('x', 'secret', 1)"));
  EXPECT_FALSE(db_->exec("INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 1, 'king', 1)"));
  // Foreign keys: no member of a room that does not exist.
  EXPECT_FALSE(db_->exec("INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (99, 1, 'member', 1)"));
  // One sequence number per message in a room, and one message per (sender, client id).
  ASSERT_TRUE(db_->exec("INSERT INTO messages (room_id, seq, sender_id, content, client_id, created_at) "
                        "VALUES (1, 1, 1, 'hi', 'c-1', 1)"));
  EXPECT_FALSE(db_->exec("INSERT INTO messages (room_id, seq, sender_id, content, created_at) VALUES (1, 1, 1, 'x', 1)"));
  EXPECT_FALSE(db_->exec("INSERT INTO messages (room_id, seq, sender_id, content, client_id, created_at) "
                         "VALUES (1, 2, 1, 'again', 'c-1', 1)"));
  // Deleting a room takes its members and messages with it.
  ASSERT_TRUE(db_->exec("INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 1, 'owner', 1)"));
  ASSERT_TRUE(db_->exec("DELETE FROM rooms WHERE id = 1"));
  EXPECT_EQ(count("SELECT count(*) FROM room_members"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM messages"), 0);
}

TEST_F(StoreSchema, PreparedStatementsBindAndAreReused) {
  std::string error;
  ASSERT_TRUE(migrate(*db_, error)) << error;
  const char* insert = "INSERT INTO users (username, username_key, nickname, created_at) VALUES (?1, ?2, ?3, ?4)";
  for (int i = 0; i < 3; ++i) {
    const std::string name = "user" + std::to_string(i);
    SqliteStatement* s = db_->prepare(insert);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->bind(1, name).bind(2, name).bindNull(3).bind(4, int64_t{i}).run()) << db_->errorMessage();
    EXPECT_EQ(db_->lastInsertRowid(), i + 1);
  }
  SqliteStatement* s = db_->prepare("SELECT username, nickname FROM users WHERE id = ?1");
  ASSERT_EQ(s->bind(1, int64_t{2}).step(), SqliteStatement::Step::kRow);
  EXPECT_EQ(s->columnText(0), "user1");
  EXPECT_TRUE(s->columnIsNull(1));
  EXPECT_EQ(db_->prepare("SELECT nonsense FROM nowhere"), nullptr);
}

}  // namespace
}  // namespace chatd::store
