// A message's attachments and call log in one compact byte string, as both
// backends keep them next to the message (SQLite's messages.details, the
// Redis record's ninth field): the store never looks inside, the chat layer
// never sees the bytes. A text message has none: the empty string.
//
// Layout (every number a LEB128 varint, every string its length then its
// bytes): version 1; the attachment count, then per attachment file id,
// name, content type, size, width, height, duration; then 0, or 1 followed
// by the call's id, outcome, duration and video flag.
#pragma once

#include <string>
#include <string_view>

#include "store/Store.h"

namespace chatd::store {

std::string encodeMessageDetails(const std::vector<Attachment>& attachments, const CallLog& call);
// Fills in `message`'s attachments and call from encodeMessageDetails()'s
// bytes; false (and nothing filled in) for bytes it did not make.
bool decodeMessageDetails(std::string_view bytes, Message& message);

}  // namespace chatd::store
