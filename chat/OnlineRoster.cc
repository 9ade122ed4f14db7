#include "chat/OnlineRoster.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "chat/ChatFrames.h"
#include "proto/JsonWriter.h"

namespace chatd::chat {

namespace {

// The list so far: `listed` users written (or being named), `count` online.
struct Roster {
  proto::JsonWriter users;
  size_t listed = 0;
  size_t count = 0;
  OnlineRoster::Answer done;

  void finish() {
    users.endArray().key("count").value(static_cast<int64_t>(count));
    users.key("truncated").value(count > listed).endObject();
    done(users.take());
  }
};

}  // namespace

void OnlineRoster::list(int64_t roomId, Answer done) {
  board_.online(roomId, kMaxListed,
                [this, roomId, done = std::move(done)](store::PresenceBoard::OnlineUsers known) mutable {
                  build(roomId, known, std::move(done));
                });
}

void OnlineRoster::build(int64_t roomId, const store::PresenceBoard::OnlineUsers& known, Answer done) {
  const LiveRoom* room = rooms_.find(roomId);
  Roster roster;
  roster.done = std::move(done);
  roster.users.beginObject().key("users").beginArray();
  if (room) {
    for (auto it = room->presence.begin(); it != room->presence.end() && roster.listed < kMaxListed; ++it) {
      roster.users.raw(sessions_.user(it->first).summaryJson);
      ++roster.listed;
    }
  }
  // The board's users that are not this room's here: online on another node.
  size_t elsewhere = 0;
  std::vector<int64_t> unnamed;
  for (const int64_t userId : known.userIds) {
    if (room && room->presence.contains(userId)) continue;
    ++elsewhere;
    if (roster.listed == kMaxListed) continue;
    ++roster.listed;
    if (const OnlineUser* user = sessions_.findUser(userId)) {
      roster.users.raw(user->summaryJson);
    } else {
      unnamed.push_back(userId);
    }
  }
  // The board may count this node's users or not: the larger count holds both.
  roster.count = std::max(known.count, (room ? room->presence.size() : 0) + elsewhere);
  if (unnamed.empty()) return roster.finish();

  // One store call names them all (a join into a big room of a cluster
  // would otherwise cost a lookup per user online on the other nodes).
  const size_t asked = unnamed.size();
  store_.findUsers(std::move(unnamed), [roster = std::make_shared<Roster>(std::move(roster)), asked](
                                           store::StoreStatus status, const std::vector<store::User>& users) mutable {
    for (const store::User& user : users) roster->users.raw(userSummaryJson(user.id, user.username, user.nickname));
    // Accounts gone meanwhile, or no answer: nobody to name.
    const size_t missing = status == store::StoreStatus::kOk ? asked - users.size() : asked;
    roster->listed -= missing;
    roster->count = roster->count > missing ? roster->count - missing : 0;
    roster->finish();
  });
}

}  // namespace chatd::chat
