// The file endpoints of the HTTP API, for a signed-in user:
//   POST /api/v1/files  the file as the raw body (Content-Type, ?name=) or
//        as the one file part of multipart/form-data -> 201 {id, name, size,
//        content_type, sha256}; 413 too_large over --max-upload (also from
//        Content-Length up front), 413 quota_exceeded past --upload-quota,
//        415 for an image that is not one (api/FileUpload.h streams it).
// Owns the content-addressed directory's handle; borrows the rest.
#pragma once

#include "api/FileUpload.h"
#include "server/Router.h"

namespace chatd::api {

class FileApi {
 public:
  explicit FileApi(UploadServices services) : services_(services) {}

  // Adds these endpoints to the server's route table.
  void addRoutes(server::Router& router);

 private:
  UploadServices services_;
};

}  // namespace chatd::api
