// The live room's membership cache, driven in process (hub_fixture.h): a
// send checks membership in the store once per user and room, and never
// after that membership ended (kick, leave, room deleted).
#include "tests/unit/hub_fixture.h"

namespace chatd::test {
namespace {

class MembershipCacheTest : public HubTest {
 protected:
  void SetUp() override {
    ann_ = addUser("ann");
    bob_ = addUser("bob");
    room_ = addRoom(ann_, {bob_}, store::RoomKind::kPrivate);
    annTab_ = &connect(ann_);
    bobTab_ = &connect(bob_);
    join(*annTab_, room_);
    join(*bobTab_, room_);
  }
  void say(HubClient& client, std::string_view content) {
    send(client, messageJson(room_, content, content, 1));
    runUntilIdle();
  }
  // What the store and RoomApi do when `userId` is removed (kick or leave).
  void removeMember(int64_t userId) {
    store_.removeMember(room_, userId,
                        [](store::StoreStatus status, bool) { ASSERT_EQ(status, store::StoreStatus::kOk); });
    runUntilIdle();
    hub_.membershipEnded(room_, userId);
  }
  static std::vector<std::string> errorCodes(const HubClient& client) {
    std::vector<std::string> codes;
    for (const ReceivedFrame& error : frames(client, "error"))
      codes.push_back(error.fields.string("code").value_or(""));
    return codes;
  }

  store::User ann_;
  store::User bob_;
  int64_t room_ = 0;
  HubClient* annTab_ = nullptr;
  HubClient* bobTab_ = nullptr;
};

TEST_F(MembershipCacheTest, OnlyTheFirstSendOfAUserReadsTheStore) {
  const size_t lookupsBefore = store_.calls("findRoom");
  say(*annTab_, "one");
  EXPECT_EQ(store_.calls("findRoom"), lookupsBefore + 1);
  say(*annTab_, "two");
  say(*annTab_, "three");
  EXPECT_EQ(store_.calls("findRoom"), lookupsBefore + 1);
  say(*bobTab_, "four");  // another user: checked once too
  say(*bobTab_, "five");
  EXPECT_EQ(store_.calls("findRoom"), lookupsBefore + 2);
  EXPECT_EQ(frames(*annTab_, "ack").size(), 3u);
  EXPECT_EQ(messageSeqs(*annTab_), (std::vector<int64_t>{4, 5}));
}

TEST_F(MembershipCacheTest, ASendAfterAKickOrLeaveIsRefused) {
  HubClient& bobOtherTab = connect(bob_);  // not in the room: posts all the same
  say(*bobTab_, "one");
  say(bobOtherTab, "two");
  removeMember(bob_.id);

  say(bobOtherTab, "three");
  EXPECT_EQ(errorCodes(bobOtherTab), std::vector<std::string>{"not_found"}) << "a private room, to an outsider";
  EXPECT_EQ(messageSeqs(*annTab_), (std::vector<int64_t>{1, 2}));
}

TEST_F(MembershipCacheTest, ASendAfterTheRoomIsDeletedIsRefused) {
  HubClient& carlTab = connect(addUser("carl"));
  store_.addMember(room_, carlTab.user.id);
  say(carlTab, "one");  // carl posts without joining: cached all the same
  store_.deleteRoom(room_, [](store::StoreStatus status, bool) { ASSERT_EQ(status, store::StoreStatus::kOk); });
  runUntilIdle();
  hub_.membershipEnded(room_, 0);

  say(carlTab, "two");
  EXPECT_EQ(errorCodes(carlTab), std::vector<std::string>{"not_found"});
  EXPECT_EQ(hub_.liveRoomCount(), 0u);
}

TEST_F(MembershipCacheTest, AnAnswerThatCrossedAnEndedMembershipIsNotCached) {
  store_.pause();
  send(*bobTab_, messageJson(room_, "one", "one", 1));  // the store says: a member
  removeMember(bob_.id);  // ... and then removes him, before that answer arrives
  store_.release();
  runUntilIdle();

  const size_t lookupsBefore = store_.calls("findRoom");
  HubClient& bobOtherTab = connect(bob_);
  say(bobOtherTab, "two");
  EXPECT_EQ(store_.calls("findRoom"), lookupsBefore + 1) << "not from the cache";
  EXPECT_EQ(errorCodes(bobOtherTab), std::vector<std::string>{"not_found"});
}

}  // namespace
}  // namespace chatd::test
