// What the file tests share: a chatd on a data directory of their own (to
// look at the stored blobs), uploads, and a few measures.
#pragma once

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <stdlib.h>

#include <cstdint>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "proto/Hex.h"
#include "tests/integration/chat_helpers.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"

namespace chatd::testing {

namespace fs = std::filesystem;

inline const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(200, 'p');

inline std::string sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return proto::lowerHex(digest, sizeof digest);
}

// Peak resident memory of a process, in KiB.
inline int64_t peakRssKiB(pid_t pid) { return procStatusKiB(pid, "VmHWM"); }

// ASan's quarantine keeps freed memory resident: no memory bound to check there.
inline bool sanitized() { return std::getenv("CHATD_SANITIZED") != nullptr; }

// A chatd on a data directory of the test's own, with Ann signed up.
class FilesTest : public ::testing::Test {
 protected:
  void TearDown() override {
    chatd_.reset();
    if (!dataDir_.empty()) fs::remove_all(dataDir_);
  }
  void start(std::vector<std::string> flags = {}) {
    char name[] = "/tmp/chatd-files-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    dataDir_ = name;
    flags.insert(flags.end(), {"--data", dataDir_, "--argon2-memory", "1024"});
    chatd_.emplace(flags);
    ann_ = signUp(port(), "ann");
  }
  int port() const { return chatd_->port(); }
  HttpReply upload(const std::string& bytes, const std::string& type, const std::string& name = "photo.png",
                   const Account* as = nullptr) {
    const std::string auth = "Authorization: Bearer " + (as ? as : &ann_)->token + "\r\n";
    return httpCall(port(), "POST", "/api/v1/files?name=" + name, bytes, auth + "Content-Type: " + type + "\r\n");
  }
  // The stored blobs: every regular file under <data>/files but its tmp directory.
  std::vector<fs::path> blobs() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::recursive_directory_iterator(dataDir_ + "/files")) {
      if (entry.is_regular_file() && entry.path().parent_path().filename() != "tmp") found.push_back(entry.path());
    }
    return found;
  }

  std::string dataDir_;
  std::optional<ChatdProcess> chatd_;
  Account ann_;
};

}  // namespace chatd::testing
