#include "api/AvatarApi.h"

#include "api/FileDownload.h"

namespace chatd::api {

namespace {

proto::HttpResponse noSuchAvatar() { return proto::jsonError(404, "not_found", "no such avatar"); }
proto::HttpResponse storeFailed() { return proto::jsonError(503, "unavailable", "the store failed"); }

}  // namespace

std::string avatarRefusal(const store::FileRecord& file, int64_t userId) {
  if (file.ownerId != userId) return "avatar_file_id: not a file you uploaded";
  const std::string& type = file.contentType;
  if (type != "image/png" && type != "image/jpeg" && type != "image/gif" && type != "image/webp") {
    return "avatar_file_id: not a PNG, JPEG, GIF or WebP image";
  }
  if (file.size > kMaxAvatarBytes) return "avatar_file_id: an avatar is at most 5 MiB";
  return {};
}

void AvatarApi::addRoutes(server::Router& router) {
  router.add("GET", "/avatars/{file:hex}",
             [this](const proto::HttpRequest& request, const server::PathParams& params,
                    const server::HttpResponder& responder) { download(request, params, responder); });
}

void AvatarApi::download(const proto::HttpRequest& request, const server::PathParams& params,
                         const server::HttpResponder& responder) {
  std::string id(params.text("file"));
  store_.isAvatar(id, [this, id, request, responder](store::StoreStatus status, bool avatar) {
    if (status != store::StoreStatus::kOk) return responder.respond(storeFailed());
    if (!avatar) return responder.respond(noSuchAvatar());
    store_.findFile(id, [this, request, responder](store::StoreStatus found, store::FileRecord file) {
      if (found == store::StoreStatus::kNotFound) return responder.respond(noSuchAvatar());
      if (found != store::StoreStatus::kOk) return responder.respond(storeFailed());
      responder.respond(fileResponse(file, blobs_, request, FileCaching::kPublicImmutable));
    });
  });
}

}  // namespace chatd::api
