// The store contract for profiles: nickname and avatar changes
// (updateProfile), which users read back wherever a user is read, whether a
// file is someone's avatar (isAvatar), and that the file collection keeps it.
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/store_contract.h"

namespace chatd::store {
namespace {

const std::string kPicture = "0123456789abcdef0123456789abcdef";
const std::string kOtherPicture = "fedcba9876543210fedcba9876543210";

template <typename Backend>
class StoreContractProfile : public StoreContract<Backend> {
 protected:
  User update(int64_t userId, std::optional<std::string> nickname, std::optional<std::string> avatar,
              StoreStatus expected = StoreStatus::kOk) {
    return this->template await<User>(
        [&](auto done) { this->store_->updateProfile(userId, nickname, avatar, done); }, expected);
  }
  User user(int64_t id) {
    return this->template await<User>([&](auto done) { this->store_->findUser(id, done); });
  }
  bool isAvatar(const std::string& fileId) {
    return this->template await<bool>([&](auto done) { this->store_->isAvatar(fileId, done); });
  }
};

TYPED_TEST_SUITE(StoreContractProfile, StoreBackends);

TYPED_TEST(StoreContractProfile, AnUpdateChangesWhatIsGivenAndKeepsTheRest) {
  User ann = this->update(this->ann_, "Annie", std::nullopt);
  EXPECT_EQ(ann.username, "ann");
  EXPECT_EQ(ann.nickname, "Annie");
  EXPECT_EQ(ann.avatarFileId, "");
  ann = this->update(this->ann_, std::nullopt, kPicture);
  EXPECT_EQ(ann.nickname, "Annie");
  EXPECT_EQ(ann.avatarFileId, kPicture);
  this->reopen();
  ann = this->user(this->ann_);
  EXPECT_EQ(ann.nickname, "Annie");
  EXPECT_EQ(ann.avatarFileId, kPicture);
  EXPECT_EQ(this->template await<Credentials>([&](auto done) { this->store_->findCredentials("ann", done); })
                .user.avatarFileId,
            kPicture);
  ann = this->update(this->ann_, "", "");  // both cleared
  EXPECT_EQ(ann.nickname, "");
  EXPECT_EQ(ann.avatarFileId, "");
  EXPECT_EQ(this->user(this->ann_).avatarFileId, "");
  this->update(987654, "x", std::nullopt, StoreStatus::kNotFound);
}

TYPED_TEST(StoreContractProfile, TheAvatarIsReadWithMembersAndMessageSenders) {
  this->update(this->ann_, std::nullopt, kPicture);
  const int64_t room = this->create("r", RoomKind::kPublic, this->ann_).id;
  const std::vector<User> found = this->template await<std::vector<User>>(
      [&](auto done) { this->store_->findUsers({this->bob_, this->ann_}, done); });
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].avatarFileId, "");
  EXPECT_EQ(found[1].avatarFileId, kPicture);
  const std::vector<RoomMember> members = this->template await<std::vector<RoomMember>>(
      [&](auto done) { this->store_->listMembers(room, {}, 10, done); });
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].user.avatarFileId, kPicture);
  const Message sent = this->template await<AppendResult>([&](auto done) {
                             this->store_->appendMessage(room, this->ann_, "hi", "", nullptr, done);
                           }).message;
  const MessagePage page = this->template await<MessagePage>(
      [&](auto done) { this->store_->messagesAfter(room, 0, 10, done); });
  ASSERT_EQ(page.messages.size(), 1u);
  EXPECT_EQ(page.messages[0].senderAvatarFileId, kPicture);
  EXPECT_EQ(this->template await<Message>([&](auto done) { this->store_->findMessage(room, sent.id, done); })
                .senderAvatarFileId,
            kPicture);
}

TYPED_TEST(StoreContractProfile, OnlyCurrentAvatarsAreAvatars) {
  EXPECT_FALSE(this->isAvatar(kPicture));
  this->update(this->ann_, std::nullopt, kPicture);
  EXPECT_TRUE(this->isAvatar(kPicture));
  this->update(this->ann_, std::nullopt, kOtherPicture);  // the old one is no longer
  EXPECT_FALSE(this->isAvatar(kPicture));
  EXPECT_TRUE(this->isAvatar(kOtherPicture));
  this->update(this->ann_, "Annie", std::nullopt);  // a nickname change keeps it
  this->reopen();
  EXPECT_TRUE(this->isAvatar(kOtherPicture));
  this->update(this->ann_, std::nullopt, "");
  EXPECT_FALSE(this->isAvatar(kOtherPicture));
  EXPECT_FALSE(this->isAvatar(""));
}

TYPED_TEST(StoreContractProfile, AnAvatarIsNotCollectedWhileItIsOne) {
  for (const std::string& id : {kPicture, kOtherPicture}) {
    const FileRecord file{id, this->ann_, "me.png", "image/png", 100, std::string(64, 'a'), 0};
    this->template await<FileRecord>([&](auto done) { this->store_->addFile(file, 0, done); });
  }
  this->update(this->ann_, std::nullopt, kPicture);
  auto collect = [this] {
    return this->template await<std::vector<CollectedFile>>(
        [&](auto done) { this->store_->collectFiles(std::numeric_limits<int64_t>::max(), 100, done); });
  };
  std::vector<CollectedFile> collected = collect();
  ASSERT_EQ(collected.size(), 1u);
  EXPECT_EQ(collected[0].file.id, kOtherPicture);  // no message refers to either: only the avatar stays
  EXPECT_TRUE(collect().empty());
  this->update(this->ann_, std::nullopt, "");
  collected = collect();
  ASSERT_EQ(collected.size(), 1u);
  EXPECT_EQ(collected[0].file.id, kPicture);
}

TYPED_TEST(StoreContractProfile, ADeletedUserHasNoAvatar) {
  this->update(this->bob_, std::nullopt, kPicture);
  const User deleted = this->template await<User>(
      [&](auto done) { this->store_->setUserState(this->bob_, UserState::kDeleted, done); });
  EXPECT_EQ(deleted.avatarFileId, "");
  EXPECT_EQ(this->user(this->bob_).avatarFileId, "");
  EXPECT_FALSE(this->isAvatar(kPicture));
}

}  // namespace
}  // namespace chatd::store
