// The web client: every file under --web-root, read into memory at start and
// served at `/` (`/` is index.html) with its Content-Type, an ETag (a
// revalidation answers 304) and headers that keep a browser strict about it
// (Content-Security-Policy: our own scripts and styles only; nosniff).
// Files are small and few, so memory is the simplest cache: no disk I/O on
// the loop; a change needs a restart.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "proto/HttpRequest.h"
#include "proto/HttpResponse.h"

namespace chatd::server {

class StaticFiles {
 public:
  static constexpr size_t kMaxTotalBytes = 16 * 1024 * 1024;

  // Reads every regular file under `root` (dot files skipped; a symlink only
  // when it resolves to a regular file under `root`). nullopt with `error`
  // when the directory cannot be read or holds too much.
  static std::optional<StaticFiles> load(const std::string& root, std::string& error);

  // The response for a GET or HEAD of `request`'s path; nullopt when no
  // file has that path.
  std::optional<proto::HttpResponse> serve(const proto::HttpRequest& request) const;
  bool has(std::string_view path) const { return files_.count(urlPathKey(path)) != 0; }
  size_t fileCount() const { return files_.size(); }

 private:
  struct File {
    std::string body;
    std::string contentType;
    std::string etag;  // quoted
  };
  static std::string urlPathKey(std::string_view path) { return path == "/" ? "/index.html" : std::string(path); }
  std::unordered_map<std::string, File> files_;  // by URL path ("/index.html")
};

// The Content-Type for a file name, by extension.
std::string_view contentTypeFor(std::string_view name);

}  // namespace chatd::server
