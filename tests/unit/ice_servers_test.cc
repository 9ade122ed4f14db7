// --ice-servers: the JSON of RTCConfiguration.iceServers is taken as an
// operator writes it, and anything a browser would choke on is named.
#include "proto/IceServers.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::proto {
namespace {

TEST(IceServers, TakesStunAndTurnServersAsBrowsersReadThem) {
  for (const char* good : {
           "[]",
           R"([{"urls":"stun:stun.example.org:3478"}])",
           R"([{"urls":["stun:a.example.org","stuns:b.example.org:5349"]},
               {"urls":"turn:turn.example.org:3478?transport=udp","username":"u","credential":"p"},
               {"urls":"turns:turn.example.org:5349"}])",
       }) {
    EXPECT_EQ(iceServersProblem(good), "") << good;
  }
}

TEST(IceServers, NamesWhatIsWrong) {
  EXPECT_EQ(iceServersProblem("stun:stun.example.org"), "a JSON array of ICE servers");
  EXPECT_EQ(iceServersProblem(R"({"urls":"stun:x"})"), "a JSON array of ICE servers");
  EXPECT_EQ(iceServersProblem(R"(["stun:x"])"), "each server is an object");
  EXPECT_EQ(iceServersProblem(R"([{"url":"stun:x"}])"), "each server has \"urls\"");
  EXPECT_EQ(iceServersProblem(R"([{"urls":"http://x"}])"), "each url starts with stun:, stuns:, turn: or turns:");
  EXPECT_EQ(iceServersProblem(R"([{"urls":"stun:"}])"), "each url starts with stun:, stuns:, turn: or turns:");
  EXPECT_EQ(iceServersProblem(R"([{"urls":[]}])"), "\"urls\" is a URL or a non-empty array of URLs");
  EXPECT_EQ(iceServersProblem(R"([{"urls":"turn:x","credential":7}])"), "username and credential are strings");
  EXPECT_EQ(iceServersProblem(R"([{"urls":"turn:x","password":"p"}])"),
            "a server's keys are urls, username and credential");
  std::string many = "[";
  for (int i = 0; i < 17; ++i) many += std::string(i ? "," : "") + R"({"urls":"stun:x"})";
  EXPECT_EQ(iceServersProblem(many + "]"), "at most 16 ICE servers");
}

}  // namespace
}  // namespace chatd::proto
