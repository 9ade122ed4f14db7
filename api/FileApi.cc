#include "api/FileApi.h"

namespace chatd::api {

void FileApi::addRoutes(server::Router& router) {
  router.addStreaming("POST", "/api/v1/files",
                      [this](const proto::HttpRequest& head, const server::PathParams&,
                             const server::HttpResponder& responder) { return openUpload(services_, head, responder); });
}

}  // namespace chatd::api
