// The kinds of message a client may send and what each may carry: `kind`
// and `attachments` as the chat protocol and the HTTP API read them
// (docs/protocol.md, "Attachments"), and the rule that says which uploaded
// file fits which kind. Pure: the files themselves are checked by
// AttachmentCheck against the store.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "proto/JsonFields.h"
#include "store/Store.h"

namespace chatd::chat {

inline constexpr size_t kMaxAttachments = 10;
inline constexpr size_t kMaxAttachmentNameBytes = 255;

// A message's kind and attachments as the client gave them: each
// attachment's file id and what the client measured (width, height,
// duration; 0 when not given) and, when given, the name to show; the
// upload's size and type are not filled in yet.
struct MessageDraft {
  std::string kind = "text";
  std::vector<store::Attachment> attachments;
};

// Reads "kind" and "attachments" of a message (`fields`) into `draft`;
// false with `error` (a bad_request's message) when they are not what a
// client may send. `contentEmpty`: a text message needs content, others may
// have none.
bool readMessageDraft(const proto::JsonFields& fields, bool contentEmpty, MessageDraft& draft, std::string& error);

// Whether an upload of `contentType` may be attached to a message of `kind`:
// images to "image", audio or video to "voice" and "video", anything to "file".
bool fitsKind(std::string_view kind, std::string_view contentType);

}  // namespace chatd::chat
