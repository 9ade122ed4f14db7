// Issue 16, avatars: PATCH /api/v1/me against a real chatd, the avatar_url in
// the user objects others see (messages, members), GET /avatars/{id} for
// anyone while the image is someone's avatar, and after a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include "tests/integration/files_fixture.h"

namespace chatd::testing {
namespace {

class AvatarsTest : public FilesTest {
 protected:
  HttpReply patchMe(const std::string& body, const Account* as = nullptr) {
    return httpCallAs((as ? as : &ann_)->token, port(), "PATCH", "/api/v1/me", body);
  }
  // Ann's upload of `bytes`; its id.
  std::string uploaded(const std::string& bytes, const std::string& type, const Account* as = nullptr) {
    const HttpReply reply = upload(bytes, type, "me.png", as);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return jsonField(reply.body, "id");
  }
  // Ann's avatar set to `fileId`; the avatar_url answered.
  std::string setAvatar(const std::string& fileId) {
    const HttpReply reply = patchMe(R"({"avatar_file_id":")" + fileId + R"("})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return Json(reply.body).string("user.avatar_url").value_or("");
  }
  Json me() {
    const HttpReply reply = httpCallAs(ann_.token, port(), "GET", "/api/v1/me");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return Json(reply.body).at("user");
  }
  // Ann's user object in the lobby's members list.
  Json annAmongMembers(const Account& as) {
    const HttpReply reply = httpCallAs(as.token, port(), "GET", "/api/v1/rooms/1/members");
    EXPECT_EQ(reply.status, 200) << reply.body;
    for (const Json& member : Json(reply.body).items("members")) {
      if (member.string("user.username") == "ann") return member.at("user");
    }
    ADD_FAILURE() << "ann is not among " << reply.body;
    return {};
  }
  HttpReply getAvatar(const std::string& url, std::string_view method = "GET") {
    return httpCall(port(), method, url);
  }
};

TEST_F(AvatarsTest, OthersSeeTheAvatarAndNicknameOnNewMessagesAndInTheMembersList) {
  start();
  const Account bob = signUp(port(), "bob");
  ChatClient annWs(port(), "ann");
  annWs.connect(ann_.token);
  annWs.join(kLobby);
  ChatClient bobWs(port(), "bob");
  bobWs.connect(bob.token);
  bobWs.join(kLobby);
  annWs.drain();
  bobWs.drain();

  const std::string id = uploaded(kPng, "image/png");
  const std::string url = setAvatar(id);
  EXPECT_EQ(url, "/avatars/" + id);
  EXPECT_EQ(me().string("avatar_url"), url);
  EXPECT_EQ(annAmongMembers(bob).string("avatar_url"), url);

  // Ann's session was open before the change: its messages carry it all the same.
  EXPECT_EQ(annWs.sendMessage(kLobby, "look", "c1").type(), "ack");
  Json heard = bobWs.expect("message");
  EXPECT_EQ(heard.string("data.user.avatar_url"), url) << heard;
  EXPECT_TRUE(heard.isNull("data.user.nickname")) << heard;

  const HttpReply renamed = patchMe(R"({"nickname":"Annie"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(Json(renamed.body).string("user.nickname"), "Annie");
  EXPECT_EQ(Json(renamed.body).string("user.avatar_url"), url);  // kept
  EXPECT_EQ(annWs.sendMessage(kLobby, "renamed", "c2").type(), "ack");
  heard = bobWs.expect("message");
  EXPECT_EQ(heard.string("data.user.nickname"), "Annie") << heard;
  EXPECT_EQ(heard.string("data.user.avatar_url"), url) << heard;

  // History names the author as it is now.
  const HttpReply history = httpCallAs(bob.token, port(), "GET", "/api/v1/rooms/1/messages");
  ASSERT_EQ(history.status, 200) << history.body;
  for (const Json& message : Json(history.body).items("messages")) {
    EXPECT_EQ(message.string("user.avatar_url"), url) << message;
  }
  // Bob has none.
  EXPECT_FALSE(Json(httpCallAs(bob.token, port(), "GET", "/api/v1/me").body).has("user.avatar_url"));
}

TEST_F(AvatarsTest, AnyoneGetsTheCurrentAvatarAndNothingOnceItIsCleared) {
  start();
  const std::string id = uploaded(kPng, "image/png");
  EXPECT_EQ(getAvatar("/avatars/" + id).status, 404);  // uploaded, not an avatar yet
  const std::string url = setAvatar(id);
  const HttpReply image = getAvatar(url);
  ASSERT_EQ(image.status, 200) << image.body;
  EXPECT_EQ(image.body, kPng);
  const std::pair<const char*, const char*> kHeaders[] = {{"content-type", "image/png"},
                                                          {"cache-control", "public, max-age=31536000, immutable"},
                                                          {"x-content-type-options", "nosniff"},
                                                          {"content-security-policy", "sandbox"}};
  for (const auto& [name, value] : kHeaders) EXPECT_EQ(image.header(name), value) << name;
  EXPECT_EQ(image.header("content-disposition").value_or("").rfind("inline", 0), 0u);
  const HttpReply head = getAvatar(url, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(kPng.size()));
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(httpCall(port(), "GET", url, {}, "If-None-Match: \"" + sha256Hex(kPng) + "\"\r\n").status, 304);

  const HttpReply cleared = patchMe(R"({"avatar_file_id":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_FALSE(Json(cleared.body).has("user.avatar_url")) << cleared.body;
  EXPECT_FALSE(me().has("avatar_url"));
  EXPECT_EQ(getAvatar(url).status, 404);
  // The file itself is still the uploader's.
  EXPECT_EQ(httpCallAs(ann_.token, port(), "GET", "/files/" + id).status, 200);
}

TEST_F(AvatarsTest, OnlyTheCallersOwnImageMayBeTheirAvatar) {
  start();
  const Account bob = signUp(port(), "bob");
  const std::string bobsPicture = uploaded(kPng, "image/png", &bob);
  const std::string text = uploaded("just some words", "text/plain");
  for (const std::string& body :
       {R"({"avatar_file_id":")" + bobsPicture + R"("})", R"({"avatar_file_id":")" + text + R"("})",
        std::string(R"({"avatar_file_id":"0123456789abcdef0123456789abcdef"})"), std::string(R"({"avatar_file_id":7})"),
        std::string(R"({"nickname":null})"), std::string(R"({"nickname":")") + std::string(65, 'n') + "\"}",
        std::string("{}"), std::string("[1]"), std::string(""), std::string(R"({"nickname":"x")")}) {
    const HttpReply refused = patchMe(body);
    EXPECT_EQ(refused.status, 400) << body << " -> " << refused.body;
    EXPECT_EQ(jsonField(refused.body, "code"), "bad_request") << body << " -> " << refused.body;
  }
  EXPECT_FALSE(me().has("avatar_url"));
  EXPECT_EQ(getAvatar("/avatars/" + bobsPicture).status, 404);
  EXPECT_EQ(httpCall(port(), "PATCH", "/api/v1/me", R"({"nickname":"x"})").status, 401);
}

TEST_F(AvatarsTest, TheCollectionOfUnpostedUploadsKeepsAvatarsUntilReplaced) {
  start({"--file-grace", "1"});
  const std::string first = uploaded(kPng, "image/png");
  const std::string url = setAvatar(first);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // a sweep a second, of files a second old
  EXPECT_EQ(getAvatar(url).status, 200);
  const std::string second = uploaded(kPng + "2", "image/png");
  setAvatar(second);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(httpCallAs(ann_.token, port(), "GET", "/files/" + first).status, 404);  // collected once replaced
  EXPECT_EQ(getAvatar("/avatars/" + second).status, 200);
}

TEST_F(AvatarsTest, TheAvatarOutlivesARestart) {
  start();
  const std::string url = setAvatar(uploaded(kPng, "image/png"));
  chatd_.reset();
  chatd_.emplace(std::vector<std::string>{"--data", dataDir_, "--argon2-memory", "1024"});
  EXPECT_EQ(me().string("avatar_url"), url);
  const HttpReply image = getAvatar(url);
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.body, kPng);
}

}  // namespace
}  // namespace chatd::testing
