// The in-process hub harness: a real Hub on a real EventLoop, with a
// FakeStore behind it and FakeWsSessions in front, so a test plays clients
// (open, authenticate, send JSON) and asserts the frames they receive.
// Nothing sleeps: the loop runs until the store has nothing left to answer,
// and timers are fired by moving the timer wheel on.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/ChatOptions.h"
#include "chat/ClientMessage.h"
#include "chat/Hub.h"
#include "chat/RoomService.h"
#include "proto/JsonFields.h"
#include "reactor/EventLoop.h"
#include "reactor/WallClock.h"
#include "store/LocalBus.h"
#include "store/LocalPresenceBoard.h"
#include "tests/unit/fakes/FakeStore.h"
#include "tests/unit/fakes/FakeWsSession.h"

namespace chatd::test {

// One client of the hub: its WebSocket, its chat session and its user.
struct HubClient {
  FakeWsSession ws;
  chat::ChatSession* session = nullptr;  // owned by the hub; null once closed
  store::User user;
};

// A frame a client received, parsed: its top-level fields and, when it has
// one, its "data" object's.
struct ReceivedFrame {
  std::string text;
  proto::JsonFields fields;
  std::optional<proto::JsonFields> data;
};

// --- What clients send ---
// A message client message; `ref` is JSON: an integer or a quoted string.
inline std::string messageJson(int64_t roomId, std::string_view content, std::string_view clientId,
                               std::string_view ref) {
  return R"({"type":"message","room_id":)" + std::to_string(roomId) + R"(,"content":")" + std::string(content) +
         R"(","client_id":")" + std::string(clientId) + R"(","ref":)" + std::string(ref) + "}";
}

inline std::string messageJson(int64_t roomId, std::string_view content, std::string_view clientId, int ref) {
  return messageJson(roomId, content, clientId, std::to_string(ref));
}

// --- What clients received ---
// The frames a client received (of one type, when `type` is given), in order.
inline std::vector<ReceivedFrame> frames(const HubClient& client, std::string_view type = {}) {
  std::vector<ReceivedFrame> out;
  for (const std::string& text : client.ws.texts()) {
    std::string error;
    std::optional<proto::JsonFields> fields = proto::JsonFields::parse(text, error);
    EXPECT_TRUE(fields) << text << ": " << error;
    if (!fields || (!type.empty() && fields->string("type") != type)) continue;
    std::optional<proto::JsonFields> data;
    if (const std::optional<std::string> object = fields->object("data")) data = proto::JsonFields::parse(*object, error);
    out.push_back(ReceivedFrame{text, std::move(*fields), std::move(data)});
  }
  return out;
}

// The seqs of the message events a client received, in order.
inline std::vector<int64_t> messageSeqs(const HubClient& client) {
  std::vector<int64_t> seqs;
  for (const ReceivedFrame& frame : frames(client, "message")) seqs.push_back(frame.data->integer("seq").value_or(-1));
  return seqs;
}

// The username of the user an event is about (its data's "user").
inline std::string aboutUser(const ReceivedFrame& frame) {
  std::string error;
  const std::optional<proto::JsonFields> user =
      frame.data ? proto::JsonFields::parse(frame.data->object("user").value_or(""), error) : std::nullopt;
  return user ? user->string("username").value_or("?") : "?";
}

// The in-process bus, and a way to say that the bus was down and is back
// (Bus::onMissed), as a networked bus does after an outage.
class TestBus final : public store::Bus {
 public:
  uint64_t nodeId() const override { return local_.nodeId(); }
  void subscribe(Subscriber subscriber) override { local_.subscribe(std::move(subscriber)); }
  void publish(store::RoomEvent event) override { local_.publish(std::move(event)); }
  void onMissed(std::function<void(int64_t roomId)> heal) override { heal_ = std::move(heal); }
  void reconnected() {
    if (heal_) heal_(0);
  }

 private:
  store::LocalBus local_;
  std::function<void(int64_t roomId)> heal_;
};

// `Board`: the presence board behind the hub, LocalPresenceBoard (one
// process is the whole server) unless a test plays other nodes.
template <class Board>
class HubFixture : public ::testing::Test {
 protected:
  HubFixture() : store_(loop_), hub_(loop_, store_, rooms_, bus_, board_, config_) {}

  // --- The store ---
  store::User addUser(const std::string& username) { return store_.addUser(username); }
  // A room owned by `owner`, with `members` as plain members.
  int64_t addRoom(const store::User& owner, const std::vector<store::User>& members = {},
                  store::RoomKind kind = store::RoomKind::kPublic) {
    const int64_t roomId = store_.addRoom("room " + std::to_string(++roomsMade_), kind, owner.id).id;
    for (const store::User& member : members) store_.addMember(roomId, member.id);
    return roomId;
  }

  // --- Clients ---
  // A session opened and authenticated as `user` (it has its welcome).
  HubClient& connect(const store::User& user) {
    HubClient& client = *clients_.emplace_back(std::make_unique<HubClient>());
    client.user = user;
    client.session = hub_.openSession(client.ws);
    auth::TokenService::Identity identity;
    identity.userId = user.id;
    identity.expiresAt = reactor::unixSeconds() + 3600;
    identity.revocationKey = "token-" + std::to_string(clients_.size());
    hub_.authenticated(*client.session, user, identity, "");
    return client;
  }
  // A client message as the client would send it (JSON text), parsed by the
  // protocol's own parser and handed to the hub; the loop is not run.
  void send(HubClient& client, std::string_view json) {
    chat::ParsedClientMessage parsed = chat::parseClientMessage(json);
    ASSERT_TRUE(parsed.message) << json << ": " << parsed.error->message;
    hub_.handle(*client.session, std::move(*parsed.message));
  }
  // join_room, answered (the loop runs until idle).
  // Ann (who owns it) and Bob in one room, each with one session joined to it.
  struct TwoMembers {
    store::User ann;
    store::User bob;
    int64_t room;
    HubClient& annTab;
    HubClient& bobTab;
  };
  TwoMembers twoMembersJoined() {
    const store::User ann = addUser("ann");
    const store::User bob = addUser("bob");
    const int64_t room = addRoom(ann, {bob});
    HubClient& annTab = connect(ann);
    HubClient& bobTab = connect(bob);
    join(annTab, room);
    join(bobTab, room);
    return {ann, bob, room, annTab, bobTab};
  }

  // The same with Carol, a third member, and her session.
  struct ThreeMembers {
    store::User ann;
    store::User bob;
    store::User carol;
    int64_t room;
    HubClient& annTab;
    HubClient& bobTab;
    HubClient& carolTab;
  };
  ThreeMembers threeMembersJoined() {
    auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
    const store::User carol = addUser("carol");
    store_.addMember(room, carol.id);
    HubClient& carolTab = connect(carol);
    join(carolTab, room);
    return {ann, bob, carol, room, annTab, bobTab, carolTab};
  }

  void join(HubClient& client, int64_t roomId) {
    send(client, R"({"type":"join_room","room_id":)" + std::to_string(roomId) + "}");
    runUntilIdle();
  }
  void close(HubClient& client) {
    hub_.closeSession(*client.session);
    client.session = nullptr;
  }
  // The peer stops reading: from now on every shared frame (fan-out) is
  // refused. Its queue must hold something (a welcome, a join's answer): an
  // empty queue takes one frame whatever its limit, as a connection's does.
  static void congest(HubClient& client) { client.ws.setQueueLimit(client.ws.queuedBytes()); }
  // The peer read everything queued (its limit unchanged); the hub hears of
  // it as it would from the connection.
  void drain(HubClient& client) {
    client.ws.drain();
    hub_.drained(*client.session);
  }
  // The peer reads everything, now and from now on: no limit, queue drained.
  void readAll(HubClient& client) {
    client.ws.setQueueLimit(reactor::OutputQueue::kMaxBytes);
    drain(client);
  }
  // An HTTP post (no origin session) as `sender`.
  void postMessage(const store::User& sender, int64_t roomId, std::string content, std::string clientId,
                   chat::PostDone done) {
    hub_.postMessage(chat::PostRequest{.senderId = sender.id,
                                       .authorJson = chat::userSummaryJson(sender),
                                       .roomId = roomId,
                                       .content = std::move(content),
                                       .clientId = std::move(clientId)},
                     std::move(done));
  }

  // --- The loop ---
  // Runs the loop until the store has nothing left to answer (held answers stay held).
  void runUntilIdle() { store_.runLoopUntilIdle(); }
  // Fires the timers due within `ms` from now, without waiting: the wheel is
  // moved on (the loop's own clock is not, so windows the hub measures with
  // it, like presence's, do not pass).
  void fireTimersWithin(uint64_t ms) { loop_.timers().advance(loop_.nowMs() + ms); }

  reactor::EventLoop loop_;
  FakeStore store_;
  chat::RoomService rooms_{store_};
  TestBus bus_;  // room events in process; a test may publish as another node would
  Board board_;
  chat::ChatOptions config_;
  // Before the hub: its sessions refer to these WebSockets until it is gone.
  std::deque<std::unique_ptr<HubClient>> clients_;
  chat::Hub hub_;
  int roomsMade_ = 0;
};

using HubTest = HubFixture<store::LocalPresenceBoard>;

}  // namespace chatd::test
