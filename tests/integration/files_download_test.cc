// Issue 16, attachments: GET /files/{id} against a real chatd: who may read a
// file (its uploader, a signed URL; 404 for everyone else), the headers that
// keep a browser from running it, Range, ETag, and a big file sent at the
// pace of a slow reader without chatd holding it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "proto/HmacSha256.h"
#include "tests/integration/files_fixture.h"

namespace chatd::testing {
namespace {

using FilesDownloadTest = FilesTest;

constexpr const char* kSecret = "a-jwt-secret-of-at-least-32-bytes-long!!";

// A signed URL for `id` expiring at `exp`, signed as chatd signs them
// (api/FileUrls.cc), from the secret it was started with.
std::string signedUrl(const std::string& id, int64_t exp) {
  const std::string key = proto::hmacSha256Hex(kSecret, "chatd signed file URLs");
  const std::string e = std::to_string(exp);
  return "/files/" + id + "?exp=" + e + "&sig=" + proto::hmacSha256Hex(key, id + ":" + e);
}

HttpReply get(int port, const std::string& path, const std::string& headers = {}) {
  return httpCall(port, "GET", path, {}, headers);
}

std::string bearer(const Account& as) { return "Authorization: Bearer " + as.token + "\r\n"; }

TEST_F(FilesDownloadTest, TheUploaderDownloadsWithTheHeadersThatKeepItInert) {
  start();
  const std::string id = jsonField(upload(kPng, "image/png", "cat%20%C3%A9.png").body, "id");
  const HttpReply reply = get(port(), "/files/" + id, bearer(ann_));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, kPng);
  EXPECT_EQ(reply.header("content-type"), "image/png");
  EXPECT_EQ(reply.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(reply.header("content-security-policy"), "sandbox");
  EXPECT_EQ(reply.header("cache-control"), "private");
  EXPECT_EQ(reply.header("etag"), "\"" + sha256Hex(kPng) + "\"");
  EXPECT_EQ(reply.header("content-disposition"), "inline; filename=\"cat __.png\"; filename*=UTF-8''cat%20%C3%A9.png");
  const std::string textId = jsonField(upload("<html><script>x</script>", "text/html", "page.html").body, "id");
  const HttpReply text = get(port(), "/files/" + textId + "?token=" + ann_.token);
  ASSERT_EQ(text.status, 200) << text.body;
  EXPECT_EQ(text.header("content-type"), "application/octet-stream");
  EXPECT_EQ(text.header("content-disposition")->rfind("attachment;", 0), 0u);
  const HttpReply head = httpCall(port(), "HEAD", "/files/" + id, {}, bearer(ann_));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(kPng.size()));
  EXPECT_TRUE(head.body.empty());
}

TEST_F(FilesDownloadTest, NobodyElseLearnsTheFileExists) {
  start();
  const std::string id = jsonField(upload(kPng, "image/png").body, "id");
  const Account bob = signUp(port(), "bob");
  EXPECT_EQ(get(port(), "/files/" + id, bearer(bob)).status, 404);
  EXPECT_EQ(get(port(), "/files/" + id + "?token=" + bob.token).status, 404);
  EXPECT_EQ(get(port(), "/files/0123456789abcdef0123456789abcdef", bearer(ann_)).status, 404);
  EXPECT_EQ(get(port(), "/files/" + id).status, 401);
  EXPECT_EQ(get(port(), "/files/NOT-HEX", bearer(ann_)).status, 404);
}

TEST_F(FilesDownloadTest, ASignedUrlOpensTheFileToAnyoneUntilItExpires) {
  start({"--jwt-secret", kSecret});
  const HttpReply uploaded = upload(kPng, "image/png");
  const std::string id = jsonField(uploaded.body, "id");
  const std::string url = jsonField(uploaded.body, "url");
  ASSERT_EQ(url.rfind("/files/" + id + "?exp=", 0), 0u) << uploaded.body;
  EXPECT_EQ(get(port(), url).body, kPng);
  const int64_t now = time(nullptr);
  EXPECT_EQ(get(port(), signedUrl(id, now + 60)).status, 200);
  EXPECT_EQ(get(port(), signedUrl(id, now - 1)).status, 404);
  std::string forged = url;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(get(port(), forged).status, 404);
}

TEST_F(FilesDownloadTest, RangesAndETagsSpareTheBytesAClientHas) {
  start();
  const std::string id = jsonField(upload(kPng, "image/png").body, "id");
  const HttpReply part = get(port(), "/files/" + id, bearer(ann_) + "Range: bytes=1-3\r\n");
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "PNG");
  EXPECT_EQ(part.header("content-range"), "bytes 1-3/" + std::to_string(kPng.size()));
  const HttpReply past = get(port(), "/files/" + id, bearer(ann_) + "Range: bytes=100000-\r\n");
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.header("content-range"), "bytes */" + std::to_string(kPng.size()));
  const std::string etag = *get(port(), "/files/" + id, bearer(ann_)).header("etag");
  const HttpReply cached = get(port(), "/files/" + id, bearer(ann_) + "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
}

TEST_F(FilesDownloadTest, ASlowReaderOfABigFileCostsChatdLittleMemory) {
  start({"--max-upload", "30000000"});
  const std::string big(20 * 1000 * 1000, 'z');
  const std::string id = jsonField(upload(big, "application/octet-stream", "big.bin").body, "id");
  const long before = peakRssKiB(chatd_->pid());
  WsTestClient reader;
  ASSERT_TRUE(reader.connect(port()));
  ASSERT_TRUE(reader.sendRaw("GET /files/" + id + " HTTP/1.1\r\nHost: x\r\n" + bearer(ann_) + "\r\n"));
  const HttpReply head = reader.readHttpHead();
  ASSERT_EQ(head.status, 200);
  usleep(500 * 1000);  // reads nothing meanwhile: chatd must not queue the rest
  if (!sanitized()) {
    EXPECT_LT(peakRssKiB(chatd_->pid()) - before, 8 * 1024) << "the peak grew by more than 8 MiB";
  }
  ASSERT_TRUE(reader.fill(big.size(), 20000));
  EXPECT_EQ(reader.buffered().size(), big.size());
}

}  // namespace
}  // namespace chatd::testing
