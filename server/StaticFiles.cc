#include "server/StaticFiles.h"

#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "proto/Hex.h"

namespace chatd::server {

namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

std::string etagOf(const std::string& body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  return '"' + proto::lowerHex(digest, 12) + '"';
}

// Whether If-None-Match (a list, or *) names `etag`; weak validators match too.
bool matches(std::string_view ifNoneMatch, std::string_view etag) {
  if (ifNoneMatch == "*") return true;
  size_t pos = 0;
  while (pos < ifNoneMatch.size()) {
    size_t comma = ifNoneMatch.find(',', pos);
    if (comma == std::string_view::npos) comma = ifNoneMatch.size();
    std::string_view tag = ifNoneMatch.substr(pos, comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == etag) return true;
    pos = comma + 1;
  }
  return false;
}

// A regular file whose real path (symlinks resolved) lies under the root: a
// link in the web root must not publish a file from elsewhere.
bool servable(const std::filesystem::path& realRoot, const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(path, ec);
  if (ec || !std::filesystem::is_regular_file(real, ec)) return false;
  const std::filesystem::path inside = real.lexically_relative(realRoot);
  return !inside.empty() && *inside.begin() != "..";
}

}  // namespace

std::string_view contentTypeFor(std::string_view name) {
  struct Type {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},        {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},   {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},                    {".png", "image/png"},
      {".ico", "image/x-icon"},                     {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},        {".webmanifest", "application/manifest+json"},
  };
  for (const Type& t : kTypes) {
    if (name.size() >= t.extension.size() && name.substr(name.size() - t.extension.size()) == t.extension) return t.type;
  }
  return "application/octet-stream";
}

std::optional<StaticFiles> StaticFiles::load(const std::string& root, std::string& error) {
  namespace fs = std::filesystem;
  StaticFiles files;
  size_t total = 0;
  std::error_code ec;
  const fs::path realRoot = fs::canonical(root, ec);
  fs::recursive_directory_iterator it(realRoot, ec);
  if (ec) {
    error = "cannot read --web-root " + root + ": " + ec.message();
    return std::nullopt;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      error = "cannot read --web-root " + root + ": " + ec.message();
      return std::nullopt;
    }
    // Served under its own name in the tree (lexically: fs::relative would
    // follow a symlink and name its target, even one outside the root).
    const fs::path relative = it->path().lexically_relative(realRoot);
    if (relative.filename().string().starts_with(".")) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!servable(realRoot, it->path())) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream body;
    body << in.rdbuf();
    File file{body.str(), std::string(contentTypeFor(relative.string())), {}};
    total += file.body.size();
    if (total > kMaxTotalBytes) {
      error = "--web-root " + root + " holds more than 16 MiB";
      return std::nullopt;
    }
    file.etag = etagOf(file.body);
    files.files_.emplace("/" + relative.generic_string(), std::move(file));
  }
  return files;
}

std::optional<proto::HttpResponse> StaticFiles::serve(const proto::HttpRequest& request) const {
  const std::string_view path = request.path();
  const auto it = files_.find(urlPathKey(path));
  if (it == files_.end()) return std::nullopt;
  const File& file = it->second;
  proto::HttpResponse response;
  response.header("ETag", file.etag);
  // Revalidate every time: a new version shows at the next load, and an
  // unchanged one costs a 304.
  response.header("Cache-Control", "no-cache");
  response.header("X-Content-Type-Options", "nosniff");
  response.header("Content-Security-Policy", kContentSecurityPolicy);
  response.header("Referrer-Policy", "no-referrer");
  if (const auto ifNoneMatch = request.header("if-none-match"); ifNoneMatch && matches(*ifNoneMatch, file.etag)) {
    response.status = 304;
    return response;
  }
  response.header("Content-Type", file.contentType);
  response.body = file.body;
  return response;
}

}  // namespace chatd::server
