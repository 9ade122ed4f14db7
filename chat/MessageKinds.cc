#include "chat/MessageKinds.h"

#include <algorithm>
#include <array>
#include <optional>

namespace chatd::chat {
namespace {

constexpr std::array<std::string_view, 5> kClientKinds = {"text", "image", "video", "voice", "file"};
constexpr size_t kFileIdBytes = 32;  // api/FileUpload mints 128 random bits in hex
constexpr int64_t kMaxPixels = 100'000;
constexpr int64_t kMaxDurationMs = 24 * 3600 * 1000;

bool isFileId(std::string_view id) {
  return id.size() == kFileIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// An optional integer field within [min, max]; 0 when absent.
bool readNumber(const proto::JsonFields& fields, std::string_view name, int64_t min, int64_t max, int64_t& out,
                std::string& error) {
  if (!fields.has(name)) return true;
  const std::optional<int64_t> value = fields.integer(name);
  if (!value || *value < min || *value > max) {
    error = "attachments: " + std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
            std::to_string(max);
    return false;
  }
  out = *value;
  return true;
}

bool readAttachment(const std::string& json, store::Attachment& a, std::string& error) {
  const std::optional<proto::JsonFields> fields = proto::JsonFields::parse(json, error);
  if (!fields) return false;
  const std::optional<std::string> fileId = fields->string("file_id");
  if (!fileId || !isFileId(*fileId)) {
    error = "attachments: file_id must be the id of an upload (32 hex digits)";
    return false;
  }
  a.fileId = *fileId;
  if (fields->has("name")) {
    const std::optional<std::string> name = fields->string("name");
    if (!name || name->empty() || name->size() > kMaxAttachmentNameBytes) {
      error = "attachments: name must be a string of 1 to " + std::to_string(kMaxAttachmentNameBytes) + " bytes";
      return false;
    }
    a.name = *name;
  }
  return readNumber(*fields, "width", 1, kMaxPixels, a.width, error) &&
         readNumber(*fields, "height", 1, kMaxPixels, a.height, error) &&
         readNumber(*fields, "duration_ms", 0, kMaxDurationMs, a.durationMs, error);
}

}  // namespace

bool readMessageDraft(const proto::JsonFields& fields, bool contentEmpty, MessageDraft& draft, std::string& error) {
  if (fields.has("kind")) {
    const std::optional<std::string> kind = fields.string("kind");
    if (!kind || std::find(kClientKinds.begin(), kClientKinds.end(), *kind) == kClientKinds.end()) {
      error = "kind must be one of text, image, video, voice, file";
      return false;
    }
    draft.kind = *kind;
  }
  std::vector<std::string> attachments;
  if (fields.has("attachments")) {
    const std::optional<std::vector<std::string>> objects = fields.objects("attachments");
    if (!objects) {
      error = "attachments must be an array of objects";
      return false;
    }
    attachments = *objects;
  }
  if (draft.kind == "text") {
    if (!attachments.empty()) {
      error = "a text message has no attachments: give kind image, video, voice or file";
      return false;
    }
    if (contentEmpty) {
      error = "content must be a non-empty string";
      return false;
    }
    return true;
  }
  if (attachments.empty() || attachments.size() > kMaxAttachments) {
    error = "a message of kind " + draft.kind + " has 1 to " + std::to_string(kMaxAttachments) + " attachments";
    return false;
  }
  draft.attachments.resize(attachments.size());
  for (size_t i = 0; i < attachments.size(); ++i) {
    if (!readAttachment(attachments[i], draft.attachments[i], error)) return false;
  }
  return true;
}

bool fitsKind(std::string_view kind, std::string_view contentType) {
  if (kind == "image") return contentType.starts_with("image/");
  if (kind == "voice" || kind == "video") return contentType.starts_with("audio/") || contentType.starts_with("video/");
  return kind == "file";
}

}  // namespace chatd::chat
