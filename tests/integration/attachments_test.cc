// Issue 16, attachments: messages that carry uploads, against a real chatd:
// what a client may attach (its own uploads, of a type that fits the kind),
// what the room hears (the upload's size and type, a signed URL), who may
// then download (the room's members: others get 404), that a deleted
// message takes its files with it, and that uploads nothing refers to are
// collected after --file-grace.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "tests/integration/files_fixture.h"
#include "tests/integration/metrics_scrape.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

class AttachmentsTest : public FilesTest {
 protected:
  void start(std::vector<std::string> flags = {}) {
    FilesTest::start(std::move(flags));
    bob_ = signUp(port(), "bob");
    cat_ = signUp(port(), "cat");
    const HttpReply room = httpCallAs(ann_.token, port(), "POST", "/api/v1/rooms", R"({"name":"den","kind":"private"})");
    room_ = jsonField(room.body, "id");
    ASSERT_EQ(httpCallAs(ann_.token, port(), "POST", "/api/v1/rooms/" + room_ + "/members",
                         R"({"user_id":)" + bob_.id + R"(,"role":"member"})")
                  .status,
              201);
  }
  std::string uploadId(const std::string& bytes, const std::string& type, const std::string& name,
                       const Account* as = nullptr) {
    const HttpReply reply = upload(bytes, type, name, as);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return jsonField(reply.body, "id");
  }
  std::unique_ptr<ChatClient> online(const Account& account, const std::string& name) {
    auto client = std::make_unique<ChatClient>(port(), name);
    EXPECT_EQ(client->connect(account.token).type(), "welcome");
    EXPECT_EQ(client->join(std::stoll(room_)).type(), "joined");
    client->drain();
    return client;
  }
  // A message of `kind` with `attachments` (a JSON array) to the room: the reply.
  Json post(ChatClient& client, const std::string& kind, const std::string& attachments,
            const std::string& content = "") {
    return client.call("message", R"("room_id":)" + room_ + R"(,"kind":")" + kind + R"(","content":")" + content +
                                      R"(","attachments":)" + attachments);
  }
  static std::string one(const std::string& id, const std::string& extra = "") {
    return R"([{"file_id":")" + id + "\"" + extra + "}]";
  }
  int status(const std::string& path, const Account& as) {
    return httpCall(port(), "GET", path, {}, "Authorization: Bearer " + as.token + "\r\n").status;
  }

  Account bob_, cat_;
  std::string room_;
};

TEST_F(AttachmentsTest, TheRoomHearsAnImageWithTheUploadsSizeTypeAndASignedUrl) {
  start();
  const std::string id = uploadId(kPng, "image/png", "cat.png");
  auto ann = online(ann_, "ann");
  auto bob = online(bob_, "bob");
  const Json ack = post(*ann, "image", one(id, R"(,"name":"my cat.png","width":640,"height":480)"), "look");
  ASSERT_EQ(ack.type(), "ack") << ack;
  const Json heard = bob->expect("message");
  EXPECT_EQ(heard.string("data.kind"), "image");
  EXPECT_EQ(heard.string("data.content"), "look");
  ASSERT_EQ(heard.size("data.attachments"), 1u) << heard;
  const Json a = heard.items("data.attachments")[0];
  EXPECT_EQ(a.string("file_id"), id);
  EXPECT_EQ(a.string("name"), "my cat.png");
  EXPECT_EQ(a.integer("size"), static_cast<int64_t>(kPng.size()));
  EXPECT_EQ(a.string("content_type"), "image/png");
  EXPECT_EQ(a.integer("width"), 640);
  EXPECT_EQ(a.integer("height"), 480);
  const std::string url = a.string("url").value_or("");
  ASSERT_EQ(url.rfind("/files/" + id + "?exp=", 0), 0u) << url;
  EXPECT_EQ(httpCall(port(), "GET", url).body, kPng);  // what an <img> does
  // History, over the WebSocket and HTTP, carries them too.
  const Json page = bob->call("history", R"("room_id":)" + room_);
  EXPECT_EQ(page.items("messages")[0].string("attachments.0.file_id"), id) << page;
  const HttpReply http = httpCallAs(bob_.token, port(), "GET", "/api/v1/rooms/" + room_ + "/messages");
  EXPECT_EQ(Json(http.body).items("messages")[0].string("attachments.0.content_type"), "image/png") << http.body;
}

TEST_F(AttachmentsTest, MembersOfTheRoomDownloadItAndOthersGet404) {
  start();
  const std::string id = uploadId(kPng, "image/png", "cat.png");
  EXPECT_EQ(status("/files/" + id, bob_), 404);  // not posted yet
  auto ann = online(ann_, "ann");
  ASSERT_EQ(post(*ann, "image", one(id)).type(), "ack");
  EXPECT_EQ(status("/files/" + id, bob_), 200);
  EXPECT_EQ(httpCall(port(), "GET", "/files/" + id + "?token=" + bob_.token).status, 200);
  EXPECT_EQ(status("/files/" + id, cat_), 404);
  // Posted in a public room, every user may read it.
  const std::string shared = uploadId("%PDF-1.7\n...", "application/pdf", "notes.pdf");
  ASSERT_EQ(ann->join(1).type(), "joined");
  EXPECT_EQ(ann->call("message", R"("room_id":1,"kind":"file","attachments":)" + one(shared)).type(), "ack");
  EXPECT_EQ(status("/files/" + shared, cat_), 200);
}

TEST_F(AttachmentsTest, ABadAttachmentIsABadRequestWithTheClientsRefAndStoresNothing) {
  start();
  const std::string png = uploadId(kPng, "image/png", "cat.png");
  const std::string bobs = uploadId(kPng, "image/png", "bob.png", &bob_);
  auto ann = online(ann_, "ann");
  for (const auto& [kind, attachments] : std::vector<std::pair<std::string, std::string>>{
           {"image", one(bobs)},                                  // someone else's upload
           {"image", one("0123456789abcdef0123456789abcdef")},    // no such upload
           {"voice", one(png)},                                   // an image is no voice message
           {"text", one(png)},                                    // text carries no files
           {"sticker", one(png)},                                 // no such kind
           {"image", "[]"},
           {"image", R"([{"file_id":"../../../etc/passwd"}])"}}) {
    const Json reply = post(*ann, kind, attachments);
    EXPECT_EQ(reply.type(), "error") << kind << " " << attachments << ": " << reply;
    EXPECT_EQ(reply.string("code"), "bad_request") << reply;
    EXPECT_TRUE(reply.has("ref")) << reply;
  }
  const HttpReply page = httpCallAs(ann_.token, port(), "GET", "/api/v1/rooms/" + room_ + "/messages");
  EXPECT_EQ(Json(page.body).size("messages"), 0u) << page.body;
  // The HTTP API says the same, as a 400.
  const HttpReply http = httpCallAs(ann_.token, port(), "POST", "/api/v1/rooms/" + room_ + "/messages",
                                    R"({"kind":"image","attachments":)" + one(bobs) + "}");
  EXPECT_EQ(http.status, 400) << http.body;
  const HttpReply ok = httpCallAs(ann_.token, port(), "POST", "/api/v1/rooms/" + room_ + "/messages",
                                  R"({"kind":"image","attachments":)" + one(png) + "}");
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(Json(ok.body).string("message.attachments.0.file_id"), png);
}

TEST_F(AttachmentsTest, ADeletedMessageTakesItsFileAwayFromTheRoom) {
  start({"--file-grace", "1"});
  const std::string id = uploadId(kPng, "image/png", "cat.png");
  auto ann = online(ann_, "ann");
  const Json ack = post(*ann, "image", one(id));
  ASSERT_EQ(ack.type(), "ack") << ack;
  ASSERT_EQ(status("/files/" + id, bob_), 200);
  const Json deleted = ann->call("delete", R"("room_id":)" + room_ + R"(,"id":)" +
                                               std::to_string(ack.integer("id").value_or(0)));
  ASSERT_EQ(deleted.type(), "message_deleted") << deleted;
  EXPECT_EQ(status("/files/" + id, bob_), 404);
  // Unreferenced now: collected within the grace and a sweep, bytes and all.
  for (int i = 0; i < 50 && status("/files/" + id, ann_) == 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status("/files/" + id, ann_), 404);
  for (int i = 0; i < 20 && !blobs().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(blobs().empty());
}

TEST_F(AttachmentsTest, AnUploadNeverPostedIsCollectedAndAPostedOneKept) {
  start({"--file-grace", "1"});
  const std::string posted = uploadId(kPng, "image/png", "cat.png");
  const std::string idle = uploadId("just some words", "text/plain", "notes.txt");
  auto ann = online(ann_, "ann");
  ASSERT_EQ(post(*ann, "image", one(posted)).type(), "ack");
  for (int i = 0; i < 50 && status("/files/" + idle, ann_) == 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status("/files/" + idle, ann_), 404);
  EXPECT_EQ(status("/files/" + posted, ann_), 200);
  for (int i = 0; i < 20 && blobs().size() > 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(blobs().size(), 1u);
  const Scrape metrics = scrape(port());
  EXPECT_EQ(metrics["chatd_files_collected_total"], 1);
  EXPECT_EQ(metrics["chatd_file_blobs_removed_total"], 1);
}

}  // namespace
}  // namespace chatd::testing
