#include "api/FileUpload.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "api/AccountApi.h"
#include "auth/FileUrls.h"
#include "proto/RandomHex.h"
#include "proto/JsonWriter.h"
#include "proto/MediaSniffer.h"
#include "proto/MultipartParser.h"
#include "reactor/WallClock.h"
#include "api/BlobWriter.h"

namespace chatd::api {

namespace {

constexpr size_t kMaxNameBytes = 255;

// A file name as stored: no directories, no control characters, at most
// kMaxNameBytes bytes cut on a UTF-8 boundary; "file" when nothing is left.
std::string cleanName(std::string_view name) {
  name = name.substr(name.find_last_of("/\\") == std::string_view::npos ? 0 : name.find_last_of("/\\") + 1);
  std::string out;
  for (const char c : name) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  }
  if (out.size() > kMaxNameBytes) {
    size_t cut = kMaxNameBytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;
    out.resize(cut);
  }
  return out.empty() ? "file" : out;
}

std::optional<std::string> randomFileId() {
  return proto::randomHex(16);
}

proto::HttpResponse created(const store::FileRecord& file, std::string_view urlKey) {
  proto::JsonWriter w;
  w.beginObject().key("id").value(file.id).key("name").value(file.name).key("size").value(file.size);
  w.key("content_type").value(file.contentType).key("sha256").value(file.sha256);
  w.key("url").value(auth::signedFileUrl(urlKey, file.id, reactor::unixSeconds() + auth::kSignedUrlSeconds)).endObject();
  return proto::jsonResponse(201, w.take());
}

// The state of one upload, shared by the handle and the work in flight.
class Job final : public std::enable_shared_from_this<Job>, private proto::MultipartSink {
 public:
  Job(const UploadServices& services, const server::HttpResponder& responder)
      : services_(services), responder_(responder), allowed_(services.limits.maxBytes) {}

  void start(const proto::HttpRequest& head);
  void take(std::string_view bytes);
  void end();
  bool full() const { return !done_ && (!writer_ || unwritten_.size() > UploadLimits::kMaxUnwritten); }
  std::function<void()> room;  // the handle's roomAgain(), while it lives

 private:
  void onPartBegin(const proto::MultipartPart& part) override;
  void onPartData(std::string_view bytes) override;
  void onPartEnd() override { inFilePart_ = false; }

  void admit(const store::User& user);
  void openTemp();
  void append(std::string_view bytes);
  // Writes what came, or once all is written and the body has ended, finishes.
  void advance();
  void finish();
  void record(std::string sha256);
  // Answers `response` (a refusal) unless answered already; the temporary file goes.
  void fail(proto::HttpResponse response);
  void cleanUp();

  UploadServices services_;
  server::HttpResponder responder_;
  std::optional<proto::MultipartParser> multipart_;
  std::string name_;
  std::string declared_;  // the client's Content-Type for the file
  int64_t ownerId_ = 0;
  uint64_t allowed_;  // --max-upload, or less when the quota has less left
  uint64_t received_ = 0;
  std::string head_;        // the first bytes, for sniffing
  std::string unwritten_;   // received, not yet handed to a worker
  std::string tempPath_;
  std::shared_ptr<BlobWriter> writer_;  // set once the temporary file is open
  bool writing_ = false;    // a worker has the writer
  bool ended_ = false;      // the whole body came
  bool finishing_ = false;
  bool done_ = false;       // answered, refused or abandoned
  bool sawFilePart_ = false;
  bool inFilePart_ = false;
};

void Job::start(const proto::HttpRequest& head) {
  std::weak_ptr<Job> weak = weak_from_this();
  responder_.onAbandoned([weak] {
    if (auto job = weak.lock()) {
      job->done_ = true;
      job->cleanUp();
    }
  });
  const std::string_view type = head.header("content-type").value_or("");
  if (const auto boundary = proto::MultipartParser::boundaryOf(type)) {
    multipart_.emplace(*boundary);
  } else {
    declared_ = type;
    name_ = cleanName(head.queryParam("name").value_or(""));
  }
  if (const auto length = head.header("content-length")) {
    uint64_t bytes = 0;
    const auto [end, error] = std::from_chars(length->data(), length->data() + length->size(), bytes);
    if (error == std::errc() && bytes > allowed_) return fail(proto::jsonError(413, "too_large", "the file is over --max-upload"));
  }
  services_.accounts.withUser(head, responder_, [self = shared_from_this()](const store::User& user) { self->admit(user); });
}

void Job::admit(const store::User& user) {
  ownerId_ = user.id;
  if (services_.limits.quotaBytes == 0) return openTemp();
  services_.store.fileBytesOf(ownerId_, [self = shared_from_this()](store::StoreStatus status, int64_t used) {
    if (status != store::StoreStatus::kOk) return self->fail(proto::jsonError(503, "unavailable", "the store failed"));
    const uint64_t quota = self->services_.limits.quotaBytes;
    if (static_cast<uint64_t>(used) >= quota) {
      return self->fail(proto::jsonError(413, "quota_exceeded", "your files fill your --upload-quota"));
    }
    self->allowed_ = std::min<uint64_t>(self->allowed_, quota - static_cast<uint64_t>(used));
    self->openTemp();
  });
}

void Job::openTemp() {
  if (done_) return;
  auto path = std::make_shared<std::string>();
  auto fd = std::make_shared<int>(-1);
  services_.workers.submit([blobs = &services_.blobs, path, fd] { *fd = blobs->createTemp(*path); },
                           [self = shared_from_this(), path, fd] {
                             if (*fd < 0) return self->fail(proto::jsonError(500, "internal", "cannot store the file"));
                             self->tempPath_ = std::move(*path);
                             self->writer_ = std::make_shared<BlobWriter>(*fd);
                             if (self->done_) return self->cleanUp();
                             self->advance();
                             if (self->room && !self->full()) self->room();
                           });
}

void Job::take(std::string_view bytes) {
  if (done_) return;
  if (!multipart_) return append(bytes);
  if (multipart_->feed(bytes, *this) == proto::MultipartParser::Status::kError) {
    fail(proto::jsonError(400, "bad_request", std::string("multipart body: ") + multipart_->error()));
  }
}

void Job::onPartBegin(const proto::MultipartPart& part) {
  if (!part.filename) return;  // a plain field
  if (sawFilePart_) return fail(proto::jsonError(400, "bad_request", "one file per upload"));
  sawFilePart_ = inFilePart_ = true;
  name_ = cleanName(*part.filename);
  declared_ = part.contentType;
}

void Job::onPartData(std::string_view bytes) {
  if (inFilePart_ && !done_) append(bytes);
}

void Job::append(std::string_view bytes) {
  received_ += bytes.size();
  if (received_ > allowed_) {
    return fail(received_ > services_.limits.maxBytes
                    ? proto::jsonError(413, "too_large", "the file is over --max-upload")
                    : proto::jsonError(413, "quota_exceeded", "the file is over what is left of your --upload-quota"));
  }
  if (head_.size() < proto::kSniffBytes) head_.append(bytes.substr(0, proto::kSniffBytes - head_.size()));
  unwritten_.append(bytes);
  advance();
}

void Job::end() {
  ended_ = true;
  if (done_) return;
  if (multipart_ && multipart_->status() != proto::MultipartParser::Status::kDone) {
    return fail(proto::jsonError(400, "bad_request", "the multipart body did not end"));
  }
  if (multipart_ && !sawFilePart_) return fail(proto::jsonError(400, "bad_request", "no file part in the body"));
  advance();
}

void Job::advance() {
  if (done_ || !writer_ || writing_ || finishing_) return;
  if (unwritten_.empty()) {
    if (ended_) finish();
    return;
  }
  writing_ = true;
  auto chunk = std::make_shared<std::string>(std::move(unwritten_));
  unwritten_.clear();
  auto ok = std::make_shared<bool>(false);
  services_.workers.submit([writer = writer_, chunk, ok] { *ok = writer->append(*chunk); },
                           [self = shared_from_this(), ok] {
                             self->writing_ = false;
                             if (!*ok) return self->fail(proto::jsonError(500, "internal", "cannot write the file"));
                             if (self->done_) return self->cleanUp();
                             self->advance();
                             if (self->room && !self->full()) self->room();
                           });
}

void Job::finish() {
  const std::string_view sniffed = proto::sniffMediaType(head_, received_ == head_.size());
  std::optional<std::string> type = proto::storedMediaType(declared_, sniffed);
  if (!type) return fail(proto::jsonError(415, "unsupported_media_type", "the file is not the image it says it is"));
  declared_ = std::move(*type);
  finishing_ = true;
  writing_ = true;
  auto sha256 = std::make_shared<std::string>();
  services_.workers.submit(
      [writer = writer_, blobs = &services_.blobs, path = tempPath_, sha256] {
        *sha256 = writer->finish();
        std::string error;
        if (sha256->empty() || !blobs->commit(path, *sha256, error)) sha256->clear();
      },
      [self = shared_from_this(), sha256] {
        self->writing_ = false;
        self->writer_.reset();  // closed, and committed or removed with its temporary file
        self->tempPath_.clear();
        if (sha256->empty()) return self->fail(proto::jsonError(500, "internal", "cannot store the file"));
        if (!self->done_) self->record(std::move(*sha256));
      });
}

void Job::record(std::string sha256) {
  const auto id = randomFileId();
  if (!id) return fail(proto::jsonError(500, "internal", "no file id"));
  store::FileRecord file{*id, ownerId_, name_, declared_, static_cast<int64_t>(received_), std::move(sha256), 0};
  services_.store.addFile(std::move(file), services_.limits.quotaBytes,
                          [self = shared_from_this()](store::StoreStatus status, store::FileRecord stored) {
                            self->done_ = true;
                            switch (status) {
                              case store::StoreStatus::kOk:
                                return self->responder_.respond(created(stored, self->services_.urlKey));
                              case store::StoreStatus::kOverQuota:
                                return self->responder_.respond(
                                    proto::jsonError(413, "quota_exceeded", "the file is over your --upload-quota"));
                              default:
                                return self->responder_.respond(proto::jsonError(503, "unavailable", "the store failed"));
                            }
                          });
}

void Job::fail(proto::HttpResponse response) {
  if (done_) return;
  done_ = true;
  responder_.respond(std::move(response));
  cleanUp();
}

void Job::cleanUp() {
  if (writing_ || !writer_) return;  // the worker's completion comes back here
  services_.workers.submit([writer = std::move(writer_), path = std::move(tempPath_)]() mutable {
    writer.reset();
    ::unlink(path.c_str());
  },
                           [] {});
}

// The connection's handle on a Job.
class UploadStream final : public server::BodyStream {
 public:
  explicit UploadStream(std::shared_ptr<Job> job) : job_(std::move(job)) {
    job_->room = [this] { roomAgain(); };
  }
  ~UploadStream() override { job_->room = nullptr; }

  void onBody(std::string_view bytes) override { job_->take(bytes); }
  void onBodyEnd() override { job_->end(); }
  bool full() const override { return job_->full(); }

 private:
  std::shared_ptr<Job> job_;
};

}  // namespace

std::unique_ptr<server::BodyStream> openUpload(const UploadServices& services, const proto::HttpRequest& head,
                                               const server::HttpResponder& responder) {
  auto job = std::make_shared<Job>(services, responder);
  job->start(head);
  return std::make_unique<UploadStream>(std::move(job));
}

}  // namespace chatd::api
