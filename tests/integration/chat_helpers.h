// Helpers for the chat suites that drive a real chatd over real sockets:
// sending windows of messages, reading them back with their order checked,
// congesting a reader, and reading the server's memory from /proc.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/TestUtil.h"

namespace chatd::testing {

inline constexpr int64_t kLobby = 1;

// Cheap password hashing keeps sign-ups fast.
inline std::vector<std::string> chatdArgs(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--argon2-memory", "1024"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// A message as a client sends it; the client id doubles as the ref.
inline std::string messageJson(int64_t roomId, const std::string& content, const std::string& clientId) {
  return R"({"type":"message","room_id":)" + std::to_string(roomId) + R"(,"content":)" + jsonQuote(content) +
         R"(,"client_id":)" + jsonQuote(clientId) + R"(,"ref":)" + jsonQuote(clientId) + "}";
}

// The acks of `count` messages, in arrival order; other frames are skipped,
// an error reply or a silence fails the test.
inline std::vector<Json> readAcks(ChatClient& client, size_t count) {
  std::vector<Json> acks;
  for (size_t replies = 0; replies < count; ++replies) {
    std::optional<Json> frame;
    while ((frame = client.tryNext()) && frame->type() != "ack" && frame->type() != "error") {
    }
    if (!frame) {
      ADD_FAILURE() << client.name() << ": " << replies << " of " << count << " replies, then nothing";
      break;
    }
    if (frame->type() == "error") ADD_FAILURE() << client.name() << ": " << *frame;
    if (frame->type() == "ack") acks.push_back(*frame);
  }
  return acks;
}

// Posts `count` messages of `size` bytes with client ids PREFIX-N, a window
// at a time: a window's acks are read before the next goes, so they never
// back up into the sender's own queue. Their acks.
inline std::vector<Json> sendMessages(ChatClient& client, int64_t roomId, const std::string& prefix, int count,
                               size_t size) {
  constexpr int kWindow = 32;
  std::vector<Json> acks;
  for (int sent = 0; sent < count;) {
    const int batch = std::min(kWindow, count - sent);
    for (int i = 0; i < batch; ++i, ++sent) {
      const std::string id = prefix + "-" + std::to_string(sent);
      std::string content = id;
      content.resize(std::max(size, id.size()), '.');
      client.send(messageJson(roomId, content, id));
    }
    for (Json& ack : readAcks(client, static_cast<size_t>(batch))) acks.push_back(std::move(ack));
  }
  return acks;
}

// A frame that is not a message, and how many messages came before it.
struct Other {
  Json frame;
  size_t messagesBefore;
};

struct Received {
  std::vector<int64_t> seqs;  // of the message frames, in arrival order
  std::vector<std::string> clientIds;
  std::vector<Other> others;
};

// Reads until `count` messages of `roomId` (0: any room) arrived, the
// connection ends, or nothing arrives for `quietMs`.
inline Received readMessages(ChatClient& client, int64_t roomId, size_t count, int quietMs = 5000) {
  Received got;
  while (got.seqs.size() < count) {
    std::optional<Json> frame = client.tryNext(quietMs);
    if (!frame) break;
    if (frame->type() == "message" && (roomId == 0 || frame->integer("room_id") == roomId)) {
      got.seqs.push_back(frame->integer("data.seq").value_or(-1));
      got.clientIds.push_back(frame->string("data.client_id").value_or(""));
    } else {
      got.others.push_back(Other{std::move(*frame), got.seqs.size()});
    }
  }
  return got;
}

// `seqs` is first, first+1, ..., last: in order, nothing missing, nothing twice.
inline ::testing::AssertionResult isRun(const std::vector<int64_t>& seqs, int64_t first, int64_t last) {
  for (size_t i = 0; i < seqs.size(); ++i) {
    if (seqs[i] != first + static_cast<int64_t>(i)) {
      return ::testing::AssertionFailure() << "seq " << seqs[i] << " arrived where " << first + static_cast<int64_t>(i)
                                           << " was due (after " << i << " in order)";
    }
  }
  if (static_cast<int64_t>(seqs.size()) != last - first + 1) {
    return ::testing::AssertionFailure() << "seqs " << first << ".." << first + static_cast<int64_t>(seqs.size()) - 1
                                         << " arrived, " << first << ".." << last << " expected";
  }
  return ::testing::AssertionSuccess();
}

// For a reader that `fill` lobby messages congested while ephemeral events
// of `type` were sent: one last message from `poster`, then the reader reads
// everything, the room's messages whole and in order (checked). Answers the
// frames of `type` that reached it, in order.
inline std::vector<Json> ephemeralAfterFill(ChatClient& poster, ChatClient& reader, int fill, std::string_view type) {
  sendMessages(poster, kLobby, "last", 1, 16);
  const Received got = readMessages(reader, kLobby, static_cast<size_t>(fill) + 1);
  EXPECT_TRUE(isRun(got.seqs, 1, fill + 1));
  std::vector<Json> out;
  for (const Other& other : got.others) {
    if (other.frame.type() == type) out.push_back(other.frame);
  }
  for (const Json& frame : reader.drain()) {
    if (frame.type() == type) out.push_back(frame);
  }
  return out;
}


// A field of /proc/PID/status ("VmRSS", "VmHWM") in KiB; -1 when absent.
inline int64_t procStatusKiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

// How many messages of `size` bytes surely fill what the kernel holds for a
// reader that reads nothing, so that the rest waits in chatd: the server's
// send buffer grows up to tcp_wmem's maximum (4 MiB by default), and the
// reader's receive buffer adds its default size. Twice that, and no less
// than 12 MB.
inline int congestingCount(size_t size) {
  std::ifstream in("/proc/sys/net/ipv4/tcp_wmem");
  int64_t min = 0, initial = 0, max = 4 << 20;
  in >> min >> initial >> max;
  const int64_t bytes = std::max<int64_t>(12 << 20, 2 * max + (4 << 20));
  return static_cast<int>(bytes / static_cast<int64_t>(size));
}

// A connected session of a new user, joined to the lobby's live room or
// (`live` false) only made a member over HTTP, so that it hears nothing.
inline std::unique_ptr<ChatClient> lobbyClient(int port, const std::string& name, bool live) {
  const Account account = signUp(port, name);
  auto client = std::make_unique<ChatClient>(port, name);
  client->connect(account.token);
  if (live) {
    client->join(kLobby);
    client->drain();
  } else {
    EXPECT_EQ(httpCallAs(account.token, port, "POST", "/api/v1/rooms/1/join").status, 200);
  }
  return client;
}

}  // namespace chatd::testing
