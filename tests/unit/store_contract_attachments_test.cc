// The store contract for what messages carry: attachments and call logs
// kept with their message, files shared with the readers of the rooms they
// were posted in, and the collection of files nothing refers to.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "tests/unit/store_contract.h"

namespace chatd::store {
namespace {

constexpr int64_t kEveryUpload = std::numeric_limits<int64_t>::max();

template <typename Backend>
class StoreContractAttachments : public StoreContract<Backend> {
 protected:
  void SetUp() override {
    StoreContract<Backend>::SetUp();
    cat_ = this->template await<User>([&](auto done) { this->store_->createUser("cat", "", "hash", done); }).id;
    room_ = this->create("den", RoomKind::kPrivate, this->ann_).id;
    this->template await<Room>([&](auto done) { this->store_->joinRoom(room_, this->bob_, done); });
  }
  void upload(const std::string& id, const std::string& sha256 = std::string(64, 'a')) {
    FileRecord file{id, this->ann_, "cat.png", "image/png", 2048, sha256, 0};
    this->template await<FileRecord>([&](auto done) { this->store_->addFile(file, 0, done); });
  }
  AppendResult post(int64_t room, std::vector<std::string> files, StoreStatus expected = StoreStatus::kOk) {
    NewMessage m{.roomId = room, .senderId = this->ann_, .kind = "image", .content = "look"};
    for (const std::string& id : files) {
      m.attachments.push_back({.fileId = id, .name = "cat.png", .contentType = "image/png", .size = 2048,
                               .width = 640, .height = 480});
    }
    return this->template await<AppendResult>([&](auto done) { this->store_->append(m, nullptr, done); }, expected);
  }
  bool shared(const std::string& id, int64_t user) {
    return this->template await<bool>([&](auto done) { this->store_->fileSharedWith(id, user, done); });
  }
  std::vector<CollectedFile> collect() {
    return this->template await<std::vector<CollectedFile>>(
        [&](auto done) { this->store_->collectFiles(kEveryUpload, 100, done); });
  }
  std::vector<Message> page() {
    return this->template await<MessagePage>([&](auto done) { this->store_->messagesAfter(room_, 0, 10, done); })
        .messages;
  }

  int64_t cat_ = 0;
  int64_t room_ = 0;
};

TYPED_TEST_SUITE(StoreContractAttachments, StoreBackends);

TYPED_TEST(StoreContractAttachments, AMessageKeepsItsAttachmentsAndCallLogAcrossReadsAndARestart) {
  this->upload("f1");
  this->upload("f2");
  const Message sent = this->post(this->room_, {"f1", "f2"}).message;
  EXPECT_EQ(sent.kind, "image");
  ASSERT_EQ(sent.attachments.size(), 2u);
  NewMessage call{.roomId = this->room_, .senderId = this->bob_, .kind = "call"};
  call.call = CallLog{.callId = "abc", .outcome = "completed", .durationMs = 151000, .video = true};
  this->template await<AppendResult>([&](auto done) { this->store_->append(call, nullptr, done); });
  this->reopen();
  const std::vector<Message> messages = this->page();
  ASSERT_EQ(messages.size(), 2u);
  ASSERT_EQ(messages[0].attachments.size(), 2u);
  const Attachment& a = messages[0].attachments[1];
  EXPECT_EQ(a.fileId, "f2");
  EXPECT_EQ(a.name, "cat.png");
  EXPECT_EQ(a.contentType, "image/png");
  EXPECT_EQ(a.size, 2048);
  EXPECT_EQ(a.width, 640);
  EXPECT_EQ(a.height, 480);
  EXPECT_EQ(a.durationMs, 0);
  EXPECT_EQ(messages[0].content, "look");
  EXPECT_EQ(messages[1].kind, "call");
  EXPECT_EQ(messages[1].call.outcome, "completed");
  EXPECT_EQ(messages[1].call.durationMs, 151000);
  EXPECT_TRUE(messages[1].call.video);
  EXPECT_EQ(messages[1].call.callId, "abc");
  EXPECT_TRUE(messages[1].attachments.empty());
  const Message found = this->template await<Message>(
      [&](auto done) { this->store_->findMessage(this->room_, sent.id, done); });
  EXPECT_EQ(found.attachments.size(), 2u);
}

TYPED_TEST(StoreContractAttachments, AMessageWithAFileThatIsGoneIsRefusedAndUsesNoSeq) {
  this->post(this->room_, {"missing"}, StoreStatus::kNotFound);
  this->upload("f1");
  EXPECT_EQ(this->post(this->room_, {"f1"}).message.seq, 1);
}

TYPED_TEST(StoreContractAttachments, AFileIsSharedWithTheReadersOfTheRoomsItWasPostedIn) {
  this->upload("f1");
  EXPECT_FALSE(this->shared("f1", this->bob_));  // not posted yet
  this->post(this->room_, {"f1"});
  EXPECT_TRUE(this->shared("f1", this->bob_));   // a member
  EXPECT_FALSE(this->shared("f1", this->cat_));  // not one
  this->upload("f2");
  this->post(1, {"f2"});  // the lobby: public
  EXPECT_TRUE(this->shared("f2", this->cat_));
  EXPECT_FALSE(this->shared("nothing", this->bob_));
}

TYPED_TEST(StoreContractAttachments, ADeletedMessageNoLongerSharesOrKeepsItsFiles) {
  this->upload("f1");
  this->upload("f2");
  const Message first = this->post(this->room_, {"f1"}).message;
  this->post(this->room_, {"f2"});
  EXPECT_TRUE(this->collect().empty());  // both referenced
  const Message deleted = this->template await<Message>(
      [&](auto done) { this->store_->deleteMessage(this->room_, first.id, done); });
  EXPECT_TRUE(deleted.attachments.empty());
  EXPECT_TRUE(this->page()[0].attachments.empty());
  EXPECT_FALSE(this->shared("f1", this->bob_));
  const std::vector<CollectedFile> collected = this->collect();
  ASSERT_EQ(collected.size(), 1u);
  EXPECT_EQ(collected[0].file.id, "f1");
  EXPECT_FALSE(collected[0].lastCopy);  // f2 holds the same bytes
  this->template await<FileRecord>([&](auto done) { this->store_->findFile("f1", done); }, StoreStatus::kNotFound);
  EXPECT_EQ(this->template await<int64_t>([&](auto done) { this->store_->fileBytesOf(this->ann_, done); }), 2048);
}

TYPED_TEST(StoreContractAttachments, AnErasedUsersMessagesLoseTheirAttachmentsAndNoLongerShareThem) {
  this->upload("f1");
  this->post(this->room_, {"f1"});
  this->template await<User>([&](auto done) { this->store_->setUserState(this->ann_, UserState::kDeleted, done); });
  const std::vector<Message> messages = this->page();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].deleted);
  EXPECT_TRUE(messages[0].attachments.empty());
  EXPECT_FALSE(this->shared("f1", this->bob_));
}

TYPED_TEST(StoreContractAttachments, CollectionTakesOnlyUnreferencedUploadsOlderThanTheCutoff) {
  this->upload("old", std::string(64, 'b'));
  this->upload("kept", std::string(64, 'c'));
  this->post(this->room_, {"kept"});
  std::vector<CollectedFile> none = this->template await<std::vector<CollectedFile>>(
      [&](auto done) { this->store_->collectFiles(0, 100, done); });  // nothing is that old
  EXPECT_TRUE(none.empty());
  const std::vector<CollectedFile> collected = this->collect();
  ASSERT_EQ(collected.size(), 1u);
  EXPECT_EQ(collected[0].file.id, "old");
  EXPECT_TRUE(collected[0].lastCopy);
  EXPECT_TRUE(this->collect().empty());  // once only
  this->template await<FileRecord>([&](auto done) { this->store_->findFile("kept", done); });
}

}  // namespace
}  // namespace chatd::store
