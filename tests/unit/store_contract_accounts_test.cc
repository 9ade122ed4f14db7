// The store contract for accounts, revoked tokens and the completion rule.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/store_contract.h"

namespace chatd::store {
namespace {

using Tokens = std::vector<std::pair<std::string, int64_t>>;

template <typename Backend>
class StoreContractAccounts : public StoreContract<Backend> {
 protected:
  bool revoke(std::string key, int64_t expiresAt) {
    return this->template await<bool>([&](auto done) { this->store_->revokeToken(key, expiresAt, done); });
  }
  // What revokedTokens(now) answers, as (key, expiresAt) pairs.
  Tokens revoked(int64_t now) {
    Tokens out;
    for (const RevokedToken& t :
         this->template await<std::vector<RevokedToken>>([&](auto done) { this->store_->revokedTokens(now, done); })) {
      out.emplace_back(t.key, t.expiresAt);
    }
    return out;
  }
  User user(int64_t id, StoreStatus expected = StoreStatus::kOk) {
    return this->template await<User>([&](auto done) { this->store_->findUser(id, done); }, expected);
  }
  Credentials credentials(std::string key, StoreStatus expected = StoreStatus::kOk) {
    return this->template await<Credentials>([&](auto done) { this->store_->findCredentials(key, done); }, expected);
  }
  User external(std::string subject, std::string name) {
    return this->template await<User>([&](auto done) { this->store_->findOrCreateExternalUser(subject, name, done); });
  }
};

TYPED_TEST_SUITE(StoreContractAccounts, StoreBackends);

TYPED_TEST(StoreContractAccounts, FindUsersNamesThoseThatExistInTheOrderAsked) {
  const User carl =
      this->template await<User>([&](auto done) { this->store_->createUser("carl", "Carl", "hash", done); });
  const std::vector<User> found = this->template await<std::vector<User>>(
      [&](auto done) { this->store_->findUsers({carl.id, 987654, this->ann_}, done); });
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].id, carl.id);
  EXPECT_EQ(found[0].username, "carl");
  EXPECT_EQ(found[0].nickname, "Carl");
  EXPECT_EQ(found[1].id, this->ann_);
  EXPECT_TRUE(this->template await<std::vector<User>>([&](auto done) { this->store_->findUsers({}, done); }).empty());
  // Past the cap, the rest is not looked up.
  std::vector<int64_t> many(Store::kMaxUsersFound, 987654);
  many.push_back(carl.id);
  EXPECT_TRUE(
      this->template await<std::vector<User>>([&](auto done) { this->store_->findUsers(many, done); }).empty());
}

TYPED_TEST(StoreContractAccounts, ACreatedUserIsFoundByIdAndByUsernameKey) {
  const User carl =
      this->template await<User>([&](auto done) { this->store_->createUser("Carl", "Charlie", "argon2-hash", done); });
  EXPECT_GT(carl.id, 0);
  EXPECT_NE(carl.id, this->ann_);
  EXPECT_EQ(carl.username, "Carl");
  EXPECT_EQ(carl.nickname, "Charlie");
  EXPECT_GT(carl.createdAt, 0);
  const User found = this->user(carl.id);
  EXPECT_EQ(found.username, "Carl");
  EXPECT_EQ(found.nickname, "Charlie");
  EXPECT_EQ(found.createdAt, carl.createdAt);
  const Credentials signIn = this->credentials(usernameKey("CARL"));
  EXPECT_EQ(signIn.user.id, carl.id);
  EXPECT_EQ(signIn.passwordHash, "argon2-hash");
  this->credentials("carl ", StoreStatus::kNotFound);
  this->user(987654, StoreStatus::kNotFound);
}

TYPED_TEST(StoreContractAccounts, AUsernameIsTakenWhateverItsCase) {
  this->template await<User>([&](auto done) { this->store_->createUser("ANN", "", "h", done); },
                             StoreStatus::kConflict);
  EXPECT_EQ(this->credentials("ann").user.id, this->ann_);
}

TYPED_TEST(StoreContractAccounts, AnExternalUserIsCreatedOnceAndNamedAfterItsId) {
  const User rita = this->external("app:7", "Rita");
  EXPECT_EQ(rita.username, "Rita#" + std::to_string(rita.id));  // unlike any registered name
  EXPECT_EQ(rita.nickname, "");
  EXPECT_EQ(this->external("app:7", "Rita, renamed").id, rita.id);
  const User nameless = this->external("app:8", "");
  EXPECT_EQ(nameless.username, "user#" + std::to_string(nameless.id));
  EXPECT_EQ(this->user(rita.id).username, rita.username);
  // Users known only from tokens cannot sign in with a password.
  this->credentials(usernameKey(rita.username), StoreStatus::kNotFound);
}

// An app backend's new user making two first requests at once: both calls
// land in one batch, and both must answer the one user.
TYPED_TEST(StoreContractAccounts, TwoFirstSightingsOfASubjectAtOnceAreOneUser) {
  std::vector<std::pair<StoreStatus, User>> answers;
  for (int i = 0; i < 2; ++i) {
    this->store_->findOrCreateExternalUser("app:7", "Rita", [&](StoreStatus s, User u) {
      answers.emplace_back(s, u);
      if (answers.size() == 2) this->loop_.stop();
    });
  }
  this->runUntil([&] { return answers.size() == 2; });
  for (const auto& [status, user] : answers) EXPECT_EQ(status, StoreStatus::kOk);
  EXPECT_EQ(answers[0].second.id, answers[1].second.id);
  EXPECT_GT(answers[0].second.id, 0);
}

TYPED_TEST(StoreContractAccounts, LastSeenIsStoredForKnownUsersOnly) {
  EXPECT_TRUE(
      this->template await<bool>([&](auto done) { this->store_->setLastSeen(this->ann_, 1'700'000'000'123, done); }));
  this->template await<bool>([&](auto done) { this->store_->setLastSeen(987654, 1, done); }, StoreStatus::kNotFound);
}

TYPED_TEST(StoreContractAccounts, LastSeenIsReadBackWithTheUser) {
  EXPECT_EQ(this->user(this->ann_).lastSeenAt, 0);
  this->template await<bool>([&](auto done) { this->store_->setLastSeen(this->ann_, 1'700'000'000'123, done); });
  EXPECT_EQ(this->user(this->ann_).lastSeenAt, 1'700'000'000'123);
}

TYPED_TEST(StoreContractAccounts, BanAndUnbanAreStoredAndADeletedUserStaysDeleted) {
  auto setState = [&](int64_t id, UserState state, StoreStatus expected = StoreStatus::kOk) {
    return this->template await<User>([&](auto done) { this->store_->setUserState(id, state, done); }, expected);
  };
  EXPECT_EQ(this->user(this->ann_).state, UserState::kActive);
  EXPECT_EQ(setState(this->ann_, UserState::kBanned).state, UserState::kBanned);
  EXPECT_EQ(this->user(this->ann_).state, UserState::kBanned);
  EXPECT_EQ(this->credentials("ann").user.state, UserState::kBanned);
  EXPECT_EQ(setState(this->ann_, UserState::kActive).state, UserState::kActive);
  EXPECT_EQ(this->user(this->ann_).state, UserState::kActive);

  EXPECT_EQ(setState(this->ann_, UserState::kDeleted).state, UserState::kDeleted);
  setState(this->ann_, UserState::kActive, StoreStatus::kConflict);
  setState(this->ann_, UserState::kBanned, StoreStatus::kConflict);
  EXPECT_EQ(this->user(this->ann_).state, UserState::kDeleted);
  setState(987654, UserState::kBanned, StoreStatus::kNotFound);
}

TYPED_TEST(StoreContractAccounts, RevokingIsIdempotentAndExpiredTokensAreForgotten) {
  EXPECT_TRUE(this->revoke("a", 100));
  EXPECT_TRUE(this->revoke("a", 100));
  EXPECT_TRUE(this->revoke("a", 500));  // the first revocation stands
  EXPECT_TRUE(this->revoke("c", 300));
  EXPECT_TRUE(this->revoke("b", 200));
  EXPECT_EQ(this->revoked(99), (Tokens{{"a", 100}, {"b", 200}, {"c", 300}}));
  EXPECT_EQ(this->revoked(150), (Tokens{{"b", 200}, {"c", 300}}));
  EXPECT_EQ(this->revoked(0), (Tokens{{"b", 200}, {"c", 300}}));  // "a" is forgotten, not hidden by `now`
  EXPECT_EQ(this->revoked(200), (Tokens{{"c", 300}}));            // expiring at `now` is expired
  EXPECT_EQ(this->revoked(1000), Tokens{});
  EXPECT_EQ(this->revoked(0), Tokens{});
}

TYPED_TEST(StoreContractAccounts, RevokedTokensSurviveARestart) {
  EXPECT_TRUE(this->revoke("kept", 1000));
  EXPECT_TRUE(this->revoke("expired", 10));
  this->reopen();
  EXPECT_EQ(this->revoked(500), (Tokens{{"kept", 1000}}));
  this->reopen();
  EXPECT_EQ(this->revoked(0), (Tokens{{"kept", 1000}}));
}

// The completion rule (store/Store.h), method by method: a flag set after
// the call returns is seen by its callback. (await() checks it for every
// call of the other tests too.)
TYPED_TEST(StoreContractAccounts, NoCompletionRunsInsideTheCall) {
  const int64_t room = this->create("r", store::RoomKind::kPublic, this->ann_).id;
  const int64_t message = this->template await<AppendResult>(
                                  [&](auto done) { this->store_->appendMessage(room, this->ann_, "m", "", nullptr, done); })
                              .message.id;
  Store& s = *this->store_;
  const int64_t ann = this->ann_;
  const int64_t bob = this->bob_;
  int calls = 0;
  int answered = 0;
  bool returned = false;
  auto expectLater = [&](auto type) {
    ++calls;
    return [&](StoreStatus, decltype(type)) {
      EXPECT_TRUE(returned) << "answer " << answered << " ran inside its call";
      if (++answered == calls) this->loop_.stop();
    };
  };
  returned = false;
  s.createUser("dan", "", "h", expectLater(User{}));
  s.findCredentials("ann", expectLater(Credentials{}));
  s.findUser(ann, expectLater(User{}));
  s.findOrCreateExternalUser("app:1", "x", expectLater(User{}));
  s.findOrCreateExternalUser("app:1", "x", expectLater(User{}));  // the second one finds the first
  s.setLastSeen(ann, 1, expectLater(bool{}));
  s.setUserState(bob, UserState::kBanned, expectLater(User{}));
  s.updateProfile(ann, "Annie", "0123456789abcdef0123456789abcdef", expectLater(User{}));
  s.isAvatar("0123456789abcdef0123456789abcdef", expectLater(bool{}));
  s.listRooms(ann, 0, 10, expectLater(std::vector<Room>{}));
  s.findRoom(room, ann, expectLater(Room{}));
  s.createRoom("r2", store::RoomKind::kPublic, std::nullopt, ann, 0, expectLater(Room{}));
  s.joinRoom(room, bob, expectLater(Room{}));
  s.setMemberRole(room, bob, store::MemberRole::kAdmin, expectLater(RoomMember{}));
  s.listMembers(room, {}, 10, expectLater(std::vector<RoomMember>{}));
  s.openDirectRoom(ann, bob, expectLater(DirectRoom{}));
  s.appendMessage(room, ann, "m2", "c", nullptr, expectLater(AppendResult{}));
  s.messagesAfter(room, 0, 10, expectLater(MessagePage{}));
  s.messagesBefore(room, 10, 10, expectLater(MessagePage{}));
  s.markRead(room, ann, 1, expectLater(int64_t{}));
  s.findMessage(room, message, expectLater(Message{}));
  s.editMessage(room, message, "edited", expectLater(Message{}));
  s.toggleReaction(room, message, ann, "x", 10, expectLater(ReactionChange{}));
  s.deleteMessage(room, message, expectLater(Message{}));
  s.removeMember(room, bob, expectLater(bool{}));
  s.revokeToken("t", 100, expectLater(bool{}));
  s.revokedTokens(0, expectLater(std::vector<RevokedToken>{}));
  s.deleteRoom(room, expectLater(bool{}));
  s.findUsers({ann, 987654}, expectLater(std::vector<User>{}));
  s.setRegistrationMode("invite", expectLater(bool{}));
  s.registrationMode(expectLater(std::string{}));
  s.clearRegistrationMode(expectLater(bool{}));
  s.createInvite("d", 200, 100, 10, expectLater(bool{}));
  s.takeInvite("d", 100, expectLater(int64_t{}));
  s.restoreInvite("d", 200, expectLater(bool{}));
  // Answers to calls that failed come later as well.
  s.findUser(987654, expectLater(User{}));
  s.findRoom(987654, ann, expectLater(Room{}));
  returned = true;
  EXPECT_EQ(answered, 0);
  this->runUntil([&] { return answered == calls; });
  EXPECT_TRUE(s.ready());
}

}  // namespace
}  // namespace chatd::store
