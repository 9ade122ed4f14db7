// The avatar endpoint of the HTTP API, and what may be an avatar:
//   GET /avatars/{id}  the image, to anyone (no auth: the 128-bit file id is
//        the capability), while it is some user's avatar (AccountStore::
//        isAvatar); served as api/FileDownload.h serves files, but cached
//        publicly for good (a new avatar is a new URL); 404 otherwise.
// Users choose their avatar through PATCH /api/v1/me (AccountApi), which
// asks avatarRefusal(). Borrows the store and the blobs.
#pragma once

#include <cstdint>
#include <string>

#include "server/Router.h"
#include "store/FileBlobs.h"
#include "store/Store.h"

namespace chatd::api {

// The largest file that may be an avatar.
inline constexpr int64_t kMaxAvatarBytes = 5 * 1024 * 1024;

// Why `file` may not be `userId`'s avatar, for a 400; empty when it may: the
// user's own upload, sniffed as PNG, JPEG, GIF or WebP, at most kMaxAvatarBytes.
std::string avatarRefusal(const store::FileRecord& file, int64_t userId);

class AvatarApi {
 public:
  AvatarApi(store::Store& store, const store::FileBlobs& blobs) : store_(store), blobs_(blobs) {}

  // Adds these endpoints to the server's route table.
  void addRoutes(server::Router& router);

 private:
  void download(const proto::HttpRequest& request, const server::PathParams& params,
                const server::HttpResponder& responder);

  store::Store& store_;
  const store::FileBlobs& blobs_;
};

}  // namespace chatd::api
