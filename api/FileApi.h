// The file endpoints of the HTTP API:
//   POST /api/v1/files  (Bearer) the file as the raw body (Content-Type,
//        ?name=) or as the one file part of multipart/form-data -> 201 {id,
//        name, size, content_type, sha256, url}; 413 too_large over
//        --max-upload (also from Content-Length up front), 413
//        quota_exceeded past --upload-quota, 415 for an image that is not
//        one (api/FileUpload.h streams it). `url` is a signed download URL
//        valid for kSignedUrlSeconds.
//   GET  /files/{id}  the bytes (api/FileDownload.h), for the uploader (by
//        Authorization: Bearer, or ?token= where a tag sends no header) or
//        for the readers of a room where a message carries it (a member, or
//        anyone for a public room), or for anyone with a signed URL
//        (?exp=&sig=, auth/FileUrls.h); 404 for everyone else, so that ids do
//        not leak.
// Borrows what UploadServices names.
#pragma once

#include "api/FileUpload.h"
#include "server/Router.h"

namespace chatd::api {

class FileApi {
 public:
  explicit FileApi(UploadServices services) : services_(std::move(services)) {}

  // Adds these endpoints to the server's route table.
  void addRoutes(server::Router& router);

 private:
  void download(const proto::HttpRequest& request, const server::PathParams& params,
                const server::HttpResponder& responder);
  // Answers the file `id` if `readerId` uploaded it (0: anyone may, a signed URL was checked).
  void serve(const std::string& id, int64_t readerId, const proto::HttpRequest& request,
             const server::HttpResponder& responder);

  UploadServices services_;
};

}  // namespace chatd::api
