// One upload to POST /api/v1/files as it streams in: the body raw (its
// Content-Type and ?name=) or multipart/form-data (its one file part),
// written to a temporary file on the file workers, a bounded amount at a
// time, hashed on the way; at the end its type sniffed and checked, the bytes
// moved into the content-addressed store and the record stored; answered
// 201 {id, name, size, content_type, sha256}.
//
// The BodyStream the connection owns is a thin handle: the upload's state
// (Job) is shared with the worker jobs and store callbacks in flight, and
// lives until the last of them, so the handle may go at any time. A closed
// connection abandons the job: nothing is answered, the temporary file goes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "proto/HttpRequest.h"
#include "reactor/WorkerPool.h"
#include "server/BodyStream.h"
#include "server/HttpResponder.h"
#include "store/FileBlobs.h"
#include "store/Store.h"

namespace chatd::api {

class AccountApi;

struct UploadLimits {
  uint64_t maxBytes = 25 * 1024 * 1024;  // --max-upload: one file
  uint64_t quotaBytes = 0;               // --upload-quota: all of a user's files (0: none)
  // Bytes received and not yet written past which the socket is not read.
  static constexpr size_t kMaxUnwritten = 256 * 1024;
};

// What an upload borrows; all outlive it (the Application owns them).
struct UploadServices {
  store::Store& store;
  AccountApi& accounts;
  reactor::WorkerPool& workers;  // file writes only: they queue behind each other
  const store::FileBlobs& blobs;
  UploadLimits limits;
  const std::string& urlKey;  // signs download URLs (auth/FileUrls.h): the options', which a reload may rekey
};

// Opens the upload of `head` (a request whose body is coming or empty).
std::unique_ptr<server::BodyStream> openUpload(const UploadServices& services, const proto::HttpRequest& head,
                                               const server::HttpResponder& responder);

}  // namespace chatd::api
