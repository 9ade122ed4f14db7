// Issue 16, attachments: uploads to POST /api/v1/files against a real chatd,
// raw and multipart, checked on disk (content-addressed, stored once) and
// against the limits (--max-upload, --upload-quota, sniffed types).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/files_fixture.h"

namespace chatd::testing {
namespace {

using FilesUploadTest = FilesTest;

TEST_F(FilesUploadTest, ARawUploadIsStoredUnderItsSha256) {
  start();
  const HttpReply reply = upload(kPng, "image/png");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(jsonField(reply.body, "name"), "photo.png");
  EXPECT_EQ(jsonField(reply.body, "size"), std::to_string(kPng.size()));
  EXPECT_EQ(jsonField(reply.body, "content_type"), "image/png");
  const std::string sha = sha256Hex(kPng);
  EXPECT_EQ(jsonField(reply.body, "sha256"), sha);
  const std::string id = jsonField(reply.body, "id");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_NE(id, sha.substr(0, 32));
  std::ifstream stored(dataDir_ + "/files/" + sha.substr(0, 2) + "/" + sha.substr(2), std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(stored), {}), kPng);
}

TEST_F(FilesUploadTest, AMultipartUploadOfTheSameBytesIsStoredOnce) {
  start();
  const HttpReply raw = upload(kPng, "application/octet-stream", "a.png");
  ASSERT_EQ(raw.status, 201) << raw.body;
  const std::string body = "--b0undary\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
                           "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dir/b.png\"\r\n"
                           "Content-Type: image/png\r\n\r\n" + kPng + "\r\n--b0undary--\r\n";
  const HttpReply multipart = upload(body, "multipart/form-data; boundary=b0undary");
  ASSERT_EQ(multipart.status, 201) << multipart.body;
  EXPECT_EQ(jsonField(multipart.body, "name"), "b.png");
  EXPECT_EQ(jsonField(multipart.body, "content_type"), "image/png");
  EXPECT_EQ(jsonField(multipart.body, "sha256"), jsonField(raw.body, "sha256"));
  EXPECT_NE(jsonField(multipart.body, "id"), jsonField(raw.body, "id"));
  EXPECT_EQ(blobs().size(), 1u);
}

TEST_F(FilesUploadTest, TheTypeComesFromTheBytes) {
  start();
  const HttpReply fake = upload("<script>alert(1)</script>", "image/png");
  EXPECT_EQ(fake.status, 415) << fake.body;
  EXPECT_EQ(blobs().size(), 0u);
  const HttpReply unknown = upload("plain words", "application/x-custom", "notes.txt");
  ASSERT_EQ(unknown.status, 201) << unknown.body;
  EXPECT_EQ(jsonField(unknown.body, "content_type"), "application/octet-stream");
  const HttpReply text = upload("plain words", "text/plain; charset=utf-8", "notes.txt");
  EXPECT_EQ(jsonField(text.body, "content_type"), "text/plain");
}

TEST_F(FilesUploadTest, OnlyASignedInUserUploads) {
  start();
  const HttpReply reply = httpCall(port(), "POST", "/api/v1/files?name=x", kPng, "Content-Type: image/png\r\n");
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_EQ(blobs().size(), 0u);
  // Refused before its body came: the connection ends after the answer, and nothing else is said.
  WsTestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(client.sendRaw("POST /api/v1/files HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc"));
  EXPECT_EQ(client.readHttpReply().status, 401);
  EXPECT_TRUE(client.waitForEof(2000));
  EXPECT_TRUE(client.buffered().empty()) << client.buffered();
}

TEST_F(FilesUploadTest, AFileOverMaxUploadIs413EvenWhenItsLengthIsNotSaid) {
  start({"--max-upload", "1000"});
  EXPECT_EQ(upload(std::string(1000, 'a'), "text/plain").status, 201);
  const HttpReply declared = upload(std::string(1001, 'a'), "text/plain");
  EXPECT_EQ(declared.status, 413) << declared.body;
  EXPECT_EQ(jsonField(declared.body, "code"), "too_large");
  // Chunked, so no Content-Length tells: refused once the bytes pass the limit.
  WsTestClient client;
  ASSERT_TRUE(client.connect(port()));
  std::string request = "POST /api/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ann_.token +
                        "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += "258\r\n" + std::string(600, 'b') + "\r\n";
  ASSERT_TRUE(client.sendRaw(request));
  const HttpReply chunked = client.readHttpReply();
  EXPECT_EQ(chunked.status, 413) << chunked.body;
  EXPECT_EQ(blobs().size(), 1u);
}

TEST_F(FilesUploadTest, TheQuotaCountsEveryUploadOfAUser) {
  start({"--upload-quota", "1000"});
  EXPECT_EQ(upload(std::string(600, 'a'), "text/plain").status, 201);
  const HttpReply over = upload(std::string(600, 'c'), "text/plain");
  EXPECT_EQ(over.status, 413) << over.body;
  EXPECT_EQ(jsonField(over.body, "code"), "quota_exceeded");
  EXPECT_EQ(upload(std::string(400, 'd'), "text/plain").status, 201);  // what is left fits
  EXPECT_EQ(upload("e", "text/plain").status, 413);
  const Account bob = signUp(port(), "bob");
  EXPECT_EQ(upload(std::string(600, 'a'), "text/plain", "x", &bob).status, 201);
}

// The head and part of a body of `total` bytes, on a connection of its own.
void startUpload(WsTestClient& client, int port, const Account& as, size_t total, size_t sent) {
  ASSERT_TRUE(client.connect(port));
  ASSERT_TRUE(client.sendRaw("POST /api/v1/files?name=part HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + as.token +
                             "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n" +
                             std::string(sent, 'q')));
}

TEST_F(FilesUploadTest, AnUploadCutShortLeavesNothingBehind) {
  start();
  {
    WsTestClient client;
    startUpload(client, port(), ann_, 1000000, 300000);
    usleep(300 * 1000);  // written to its temporary file meanwhile
  }
  bool clean = false;
  for (int i = 0; i < 50 && !clean; ++i, usleep(100 * 1000)) {
    clean = fs::is_empty(dataDir_ + "/files/tmp") && blobs().empty();
  }
  EXPECT_TRUE(clean) << "a temporary file or blob was left";
  EXPECT_EQ(upload("after", "text/plain").status, 201);  // and the server serves on
}

TEST_F(FilesUploadTest, TemporaryFilesACrashLeftGoAtTheNextStart) {
  start();
  const std::string tmp = dataDir_ + "/files/tmp/";
  std::ofstream(tmp + "upload-old") << "left by a crash";
  std::ofstream(tmp + "upload-new") << "another node's, in flight";
  fs::last_write_time(tmp + "upload-old", fs::file_time_type::clock::now() - std::chrono::hours(2));
  chatd_.reset();
  chatd_.emplace(std::vector<std::string>{"--data", dataDir_, "--argon2-memory", "1024"});
  EXPECT_FALSE(fs::exists(tmp + "upload-old"));
  EXPECT_TRUE(fs::exists(tmp + "upload-new"));
}

TEST_F(FilesUploadTest, AnUploadWhoseBodyStopsComingTimesOut) {
  start({"--handshake-timeout", "1"});
  WsTestClient client;
  startUpload(client, port(), ann_, 1000, 10);
  const HttpReply reply = client.readHttpReply(6000);
  EXPECT_EQ(reply.status, 408) << reply.body;
  EXPECT_TRUE(client.waitForEof());
}

TEST_F(FilesUploadTest, A20MegabyteUploadDoesNotSitInMemory) {
  start({"--max-upload", "30000000"});
  const long before = peakRssKiB(chatd_->pid());
  const std::string big(20 * 1000 * 1000, 'z');
  const HttpReply reply = upload(big, "application/octet-stream", "big.bin");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(jsonField(reply.body, "size"), "20000000");
  EXPECT_EQ(jsonField(reply.body, "sha256"), sha256Hex(big));
  if (!sanitized()) {
    EXPECT_LT(peakRssKiB(chatd_->pid()) - before, 8 * 1024) << "the peak grew by more than 8 MiB";
  }
}

}  // namespace
}  // namespace chatd::testing
