#include "chat/OnlineRoster.h"

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "chat/ChatFrames.h"
#include "proto/JsonWriter.h"

namespace chatd::chat {

namespace {

// Writes the summaries that were named; answers how many were.
size_t writeNamed(proto::JsonWriter& w, const std::vector<std::string>& summaries) {
  size_t written = 0;
  for (const std::string& summary : summaries) {
    if (summary.empty()) continue;
    w.raw(summary);
    ++written;
  }
  return written;
}

}  // namespace

void OnlineRoster::list(int64_t roomId, Answer done) {
  board_.online(roomId, kMaxListed,
                [this, roomId, done = std::move(done)](store::PresenceBoard::OnlineUsers known) mutable {
                  build(roomId, known, std::move(done));
                });
}

void OnlineRoster::build(int64_t roomId, const store::PresenceBoard::OnlineUsers& known, Answer done) {
  const LiveRoom* room = rooms_.find(roomId);
  std::vector<int64_t> listed;
  if (room) {
    for (auto it = room->presence.begin(); it != room->presence.end() && listed.size() < kMaxListed; ++it) {
      listed.push_back(it->first);
    }
  }
  // The board's users that are not this room's here: online on another node.
  size_t elsewhere = 0;
  for (const int64_t userId : known.userIds) {
    if (room && room->presence.contains(userId)) continue;
    ++elsewhere;
    if (listed.size() < kMaxListed) listed.push_back(userId);
  }
  // The board may count this node's users or not: the larger count holds both.
  const size_t count = std::max(known.count, (room ? room->presence.size() : 0) + elsewhere);
  const size_t asked = listed.size();
  name(std::move(listed), [count, asked, done = std::move(done)](std::vector<std::string> summaries) {
    proto::JsonWriter w;
    w.beginObject().key("users").beginArray();
    const size_t written = writeNamed(w, summaries);
    const size_t online = count - std::min(count, asked - written);  // nobody to name is not online
    w.endArray().key("count").value(static_cast<int64_t>(online));
    w.key("truncated").value(online > written).endObject();
    done(w.take());
  });
}

void OnlineRoster::listServer(int64_t afterUserId, size_t limit, Answer done) {
  limit = std::clamp<size_t>(limit, 1, store::Store::kMaxUsersFound);
  // One more than the page from each side says whether there are more.
  board_.onlineAnywhere(afterUserId, limit + 1, [this, afterUserId, limit, done = std::move(done)](
                                                    store::PresenceBoard::OnlineUsers known) mutable {
    const OnlineUsersPage here = sessions_.onlineUsers(afterUserId, limit + 1);
    std::vector<int64_t> ids = std::move(known.userIds);
    for (const OnlineUser* user : here.users) ids.push_back(user->id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const bool more = ids.size() > limit;
    ids.resize(std::min(ids.size(), limit));
    const size_t count = std::max(known.count, here.total);
    const std::string last = ids.empty() ? "" : std::to_string(ids.back());
    name(std::move(ids), [count, more, last, done = std::move(done)](std::vector<std::string> summaries) {
      proto::JsonWriter w;
      w.beginObject().key("count").value(static_cast<int64_t>(count)).key("users").beginArray();
      writeNamed(w, summaries);
      w.endArray().key("next_cursor");
      if (more) {
        w.value(last);
      } else {
        w.null();
      }
      w.endObject();
      done(w.take());
    });
  });
}

void OnlineRoster::countServer(std::function<void(size_t)> done) {
  board_.onlineAnywhere(0, 0, [this, done = std::move(done)](store::PresenceBoard::OnlineUsers known) {
    done(std::max(known.count, sessions_.userCount()));
  });
}

void OnlineRoster::isOnline(int64_t userId, std::function<void(bool)> done) {
  if (sessions_.findUser(userId)) return done(true);
  board_.onlineAnywhere(userId - 1, 1, [userId, done = std::move(done)](store::PresenceBoard::OnlineUsers known) {
    done(!known.userIds.empty() && known.userIds.front() == userId);
  });
}

void OnlineRoster::name(std::vector<int64_t> userIds, Named done) {
  std::vector<std::string> summaries(userIds.size());
  std::vector<int64_t> unnamed;
  for (size_t i = 0; i < userIds.size(); ++i) {
    if (const OnlineUser* user = sessions_.findUser(userIds[i])) {
      summaries[i] = user->summaryJson;
    } else {
      unnamed.push_back(userIds[i]);
    }
  }
  if (unnamed.empty()) return done(std::move(summaries));

  // One store call names them all (a join into a big room of a cluster
  // would otherwise cost a lookup per user online on the other nodes).
  store_.findUsers(std::move(unnamed), [userIds = std::move(userIds), summaries = std::move(summaries),
                                        done = std::move(done)](store::StoreStatus status,
                                                                const std::vector<store::User>& users) mutable {
    // Accounts gone meanwhile, or no answer: nobody to name.
    if (status == store::StoreStatus::kOk) {
      std::unordered_map<int64_t, const store::User*> byId;
      for (const store::User& user : users) byId.emplace(user.id, &user);
      for (size_t i = 0; i < userIds.size(); ++i) {
        const auto found = byId.find(userIds[i]);
        if (summaries[i].empty() && found != byId.end()) {
          summaries[i] = userSummaryJson(*found->second);
        }
      }
    }
    done(std::move(summaries));
  });
}

}  // namespace chatd::chat
