#include "api/FileApi.h"

#include "api/AccountApi.h"
#include "api/FileDownload.h"
#include "auth/FileUrls.h"
#include "reactor/WallClock.h"

namespace chatd::api {

namespace {

proto::HttpResponse noSuchFile() { return proto::jsonError(404, "not_found", "no such file"); }
proto::HttpResponse unavailable() { return proto::jsonError(503, "unavailable", "the store failed"); }

}  // namespace

void FileApi::addRoutes(server::Router& router) {
  router.addStreaming("POST", "/api/v1/files",
                      [this](const proto::HttpRequest& head, const server::PathParams&,
                             const server::HttpResponder& responder) { return openUpload(services_, head, responder); });
  router.add("GET", "/files/{file:hex}",
             [this](const proto::HttpRequest& request, const server::PathParams& params,
                    const server::HttpResponder& responder) { download(request, params, responder); });
}

void FileApi::download(const proto::HttpRequest& request, const server::PathParams& params,
                       const server::HttpResponder& responder) {
  std::string id(params.text("file"));
  if (const auto sig = request.queryParam("sig")) {
    const std::string exp = request.queryParam("exp").value_or("");
    if (!auth::fileSignatureValid(services_.urlKey, id, exp, *sig, reactor::unixSeconds())) {
      return responder.respond(noSuchFile());
    }
    return serve(id, 0, request, responder);
  }
  const std::string token(proto::bearerToken(request).value_or(request.queryParam("token").value_or("")));
  services_.accounts.withToken(token, responder,
                               [this, id = std::move(id), request, responder](const store::User& user) {
                                 serve(id, user.id, request, responder);
                               });
}

void FileApi::serve(const std::string& id, int64_t readerId, const proto::HttpRequest& request,
                    const server::HttpResponder& responder) {
  services_.store.findFile(id, [this, readerId, request, responder](store::StoreStatus status, store::FileRecord file) {
    if (status == store::StoreStatus::kNotFound) return responder.respond(noSuchFile());
    if (status != store::StoreStatus::kOk) return responder.respond(unavailable());
    if (readerId == 0 || file.ownerId == readerId) return responder.respond(fileResponse(file, services_.blobs, request));
    // Anyone else reads it for being in a room where a message carries it.
    services_.store.fileSharedWith(file.id, readerId, [this, file, request, responder](store::StoreStatus status,
                                                                                       bool shared) {
      if (status != store::StoreStatus::kOk) return responder.respond(unavailable());
      if (!shared) return responder.respond(noSuchFile());
      responder.respond(fileResponse(file, services_.blobs, request));
    });
  });
}

}  // namespace chatd::api
