// One upload being written to its temporary file (FileBlobs::createTemp),
// its sha256 computed as the bytes go by. Blocking: its calls run on the
// worker pool, one at a time (the caller waits for each before the next).
// Owns the file descriptor and the digest state.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::api {

class BlobWriter {
 public:
  explicit BlobWriter(int fd);
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  ~BlobWriter();

  // False when the write failed (disk full): the upload is lost.
  bool append(std::string_view bytes);
  // Flushes the file to disk and closes it; the sha256 in hex, empty on failure.
  std::string finish();

 private:
  int fd_;
  EVP_MD_CTX* digest_;
};

}  // namespace chatd::api
