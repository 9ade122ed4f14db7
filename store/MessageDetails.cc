#include "store/MessageDetails.h"

#include <cstdint>
#include <utility>

#include "store/Varint.h"

namespace chatd::store {
namespace {

constexpr char kVersion = 1;

void putText(std::string& out, std::string_view text) {
  putVarint(out, text.size());
  out.append(text);
}

// Reads what putVarint() and putText() wrote; fails for good on the first
// malformed or missing byte.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  bool number(uint64_t& value) { return takeVarint(rest_, value); }
  bool number(int64_t& value) {
    uint64_t raw = 0;
    if (!number(raw)) return false;
    value = static_cast<int64_t>(raw);
    return true;
  }
  bool text(std::string& value) {
    uint64_t size = 0;
    if (!number(size) || size > rest_.size()) return false;
    value.assign(rest_.substr(0, size));
    rest_.remove_prefix(size);
    return true;
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

bool readAttachment(Reader& in, Attachment& a) {
  return in.text(a.fileId) && in.text(a.name) && in.text(a.contentType) && in.number(a.size) && in.number(a.width) &&
         in.number(a.height) && in.number(a.durationMs);
}

bool readCall(Reader& in, CallLog& call) {
  uint64_t video = 0;
  if (!in.text(call.callId) || !in.text(call.outcome) || !in.number(call.durationMs) || !in.number(video)) {
    return false;
  }
  call.video = video != 0;
  return true;
}

}  // namespace

std::string encodeMessageDetails(const std::vector<Attachment>& attachments, const CallLog& call) {
  const bool hasCall = !call.outcome.empty();
  if (attachments.empty() && !hasCall) return {};
  std::string out(1, kVersion);
  putVarint(out, attachments.size());
  for (const Attachment& a : attachments) {
    putText(out, a.fileId);
    putText(out, a.name);
    putText(out, a.contentType);
    putVarint(out, static_cast<uint64_t>(a.size));
    putVarint(out, static_cast<uint64_t>(a.width));
    putVarint(out, static_cast<uint64_t>(a.height));
    putVarint(out, static_cast<uint64_t>(a.durationMs));
  }
  putVarint(out, hasCall ? 1 : 0);
  if (hasCall) {
    putText(out, call.callId);
    putText(out, call.outcome);
    putVarint(out, static_cast<uint64_t>(call.durationMs));
    putVarint(out, call.video ? 1 : 0);
  }
  return out;
}

bool decodeMessageDetails(std::string_view bytes, Message& message) {
  if (bytes.empty()) return true;
  if (bytes.front() != kVersion) return false;
  Reader in(bytes.substr(1));
  uint64_t count = 0;
  if (!in.number(count) || count > bytes.size()) return false;  // each attachment takes 7 bytes at least
  std::vector<Attachment> attachments(count);
  for (Attachment& a : attachments) {
    if (!readAttachment(in, a)) return false;
  }
  uint64_t hasCall = 0;
  CallLog call;
  if (!in.number(hasCall) || (hasCall != 0 && !readCall(in, call)) || !in.done()) return false;
  message.attachments = std::move(attachments);
  message.call = std::move(call);
  return true;
}

}  // namespace chatd::store
