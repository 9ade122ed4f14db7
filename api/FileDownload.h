// The answer to GET /files/{id} (and /avatars/{id}) once its caller may read the file: the bytes
// from the content-addressed store (store/FileBlobs.h), read a piece at a
// time as the client takes them (proto::HttpBodySource), never whole.
//
// Headers: Content-Type from the record, nosniff, a sandboxing CSP,
// Content-Disposition (inline only for the image, audio and video types
// chatd sniffs itself, attachment for the rest), Cache-Control (FileCaching),
// the sha256 as ETag (If-None-Match -> 304), Accept-Ranges; one byte range
// (Range -> 206, or 416 when it is past the end).
#pragma once

#include "proto/HttpRequest.h"
#include "proto/HttpResponse.h"
#include "store/FileBlobs.h"
#include "store/Store.h"

namespace chatd::api {

// Who may keep a copy, and how long.
enum class FileCaching {
  kPrivate,  // the browser only: who may read the file is checked per request
  // Anyone, for good: a URL that names these bytes only while they are
  // public, and changes when they do (an avatar).
  kPublicImmutable,
};

// Opens the file's bytes now (a local open() on the loop); 404 when they are gone.
proto::HttpResponse fileResponse(const store::FileRecord& file, const store::FileBlobs& blobs,
                                 const proto::HttpRequest& request, FileCaching caching = FileCaching::kPrivate);

}  // namespace chatd::api
