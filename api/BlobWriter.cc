#include "api/BlobWriter.h"

#include <unistd.h>

#include <cerrno>

#include "proto/Hex.h"

namespace chatd::api {

BlobWriter::BlobWriter(int fd) : fd_(fd), digest_(EVP_MD_CTX_new()) {
  if (digest_ && EVP_DigestInit_ex(digest_, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(digest_);
    digest_ = nullptr;
  }
}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
  EVP_MD_CTX_free(digest_);
}

bool BlobWriter::append(std::string_view bytes) {
  if (fd_ < 0 || !digest_ || EVP_DigestUpdate(digest_, bytes.data(), bytes.size()) != 1) return false;
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string BlobWriter::finish() {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool synced = fd_ >= 0 && ::fsync(fd_) == 0;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!synced || !digest_ || EVP_DigestFinal_ex(digest_, hash, &length) != 1) return {};
  return proto::lowerHex(hash, length);
}

}  // namespace chatd::api
