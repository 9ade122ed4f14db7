#include "api/FileDownload.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "proto/ByteRange.h"
#include "proto/ContentDisposition.h"

namespace chatd::api {

namespace {

// Bytes [offset, offset + length) of an open file; owns the descriptor.
class FileSource final : public proto::HttpBodySource {
 public:
  FileSource(int fd, uint64_t offset, uint64_t length) : fd_(fd), offset_(offset), size_(length), left_(length) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  uint64_t size() const override { return size_; }
  bool read(std::string& out, size_t max) override {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(max, left_));
    if (want == 0) return true;
    const size_t at = out.size();
    out.resize(at + want);
    ssize_t n;
    do {
      n = ::pread(fd_, out.data() + at, want, static_cast<off_t>(offset_));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;  // a file cut short is no longer the one announced
    out.resize(at + static_cast<size_t>(n));
    offset_ += static_cast<uint64_t>(n);
    left_ -= static_cast<uint64_t>(n);
    return true;
  }

 private:
  int fd_;
  uint64_t offset_;
  uint64_t size_;
  uint64_t left_;
};

// The types a browser may show in place: those chatd's sniffing vouches for.
bool showsInline(std::string_view type) {
  return type == "image/png" || type == "image/jpeg" || type == "image/gif" || type == "image/webp" ||
         type.starts_with("audio/") || type.starts_with("video/");
}

proto::HttpResponse& decorate(proto::HttpResponse& response, const std::string& etag, FileCaching caching) {
  const char* cacheControl = caching == FileCaching::kPrivate ? "private" : "public, max-age=31536000, immutable";
  response.header("ETag", etag).header("Cache-Control", cacheControl).header("X-Content-Type-Options", "nosniff");
  response.header("Content-Security-Policy", "sandbox").header("Accept-Ranges", "bytes");
  return response;
}

}  // namespace

proto::HttpResponse fileResponse(const store::FileRecord& file, const store::FileBlobs& blobs,
                                 const proto::HttpRequest& request, FileCaching caching) {
  const std::string etag = "\"" + file.sha256 + "\"";
  if (const auto match = request.header("if-none-match")) {
    for (const std::string_view tag : proto::splitHeaderList(*match)) {
      if (tag == etag || tag == "*" || tag == "W/" + etag) {
        proto::HttpResponse notModified{304, {}, {}, {}};
        return decorate(notModified, etag, caching);
      }
    }
  }
  const int fd = ::open(blobs.pathOf(file.sha256).c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    if (fd >= 0) ::close(fd);
    return proto::jsonError(404, "not_found", "no such file");
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  const proto::RangeAnswer range = proto::parseRange(request.header("range"), size);
  if (range.kind == proto::RangeAnswer::Kind::kUnsatisfiable) {
    ::close(fd);
    proto::HttpResponse refused = proto::jsonError(416, "range_not_satisfiable", "the range is past the end");
    return decorate(refused.header("Content-Range", "bytes */" + std::to_string(size)), etag, caching);
  }
  const bool part = range.kind == proto::RangeAnswer::Kind::kPart;
  const uint64_t first = part ? range.first : 0;
  const uint64_t length = part ? range.last - range.first + 1 : size;
  proto::HttpResponse response{part ? 206 : 200, {}, {}, std::make_shared<FileSource>(fd, first, length)};
  response.header("Content-Type", file.contentType)
      .header("Content-Disposition", proto::contentDisposition(showsInline(file.contentType), file.name));
  if (part) {
    response.header("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
                                         std::to_string(size));
  }
  return decorate(response, etag, caching);
}

}  // namespace chatd::api
