// parseClientMessage on arbitrary bytes: never crashes; exactly one of message
// and error comes back; an error says why; a ref that is kept (on either) is
// one JSON string or integer, ready to echo; and an accepted message keeps
// the limits the hub relies on.
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chat/ClientMessage.h"
#include "tests/fuzz/fuzz_util.h"

using chatd::chat::ClientMessage;
using chatd::chat::ClientType;

namespace {

void checkRef(const std::string& ref) {
  if (ref.empty()) return;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element value;
  FUZZ_CHECK(!parser.parse(ref.data(), ref.size()).get(value));
  FUZZ_CHECK(value.is_string() || value.is_int64());
}

void checkMessage(const ClientMessage& m) {
  switch (m.type) {
    case ClientType::kAuth: FUZZ_CHECK(!m.token.empty()); break;
    case ClientType::kMessage:
      FUZZ_CHECK((m.roomId > 0) != (m.toUserId > 0));
      // A text message has content and no files; any other kind has 1..10 files.
      if (m.draft.kind == "text") {
        FUZZ_CHECK(!m.content.empty() && m.draft.attachments.empty());
      } else {
        FUZZ_CHECK(!m.draft.attachments.empty() && m.draft.attachments.size() <= chatd::chat::kMaxAttachments);
        for (const auto& a : m.draft.attachments) FUZZ_CHECK(a.fileId.size() == 32);
      }
      FUZZ_CHECK(m.clientId.size() <= chatd::chat::kMaxClientIdBytes);
      break;
    case ClientType::kHistory:
      FUZZ_CHECK(m.roomId > 0);
      FUZZ_CHECK(!(m.before && m.after));
      FUZZ_CHECK(!m.before || *m.before >= 0);
      FUZZ_CHECK(!m.after || *m.after >= 0);
      FUZZ_CHECK(m.limit >= 1 && m.limit <= chatd::chat::kMaxHistoryPage);
      break;
    case ClientType::kRead:
    case ClientType::kReceived: FUZZ_CHECK(m.roomId > 0 && m.seq >= 0); break;
    case ClientType::kEdit: FUZZ_CHECK(m.roomId > 0 && m.messageId > 0 && !m.content.empty()); break;
    case ClientType::kDelete: FUZZ_CHECK(m.roomId > 0 && m.messageId > 0); break;
    case ClientType::kReact:
      FUZZ_CHECK(m.roomId > 0 && m.messageId > 0);
      FUZZ_CHECK(!m.emoji.empty() && m.emoji.size() <= chatd::chat::kMaxEmojiBytes);
      break;
    case ClientType::kSync:
      FUZZ_CHECK(m.syncRooms.size() <= chatd::chat::kMaxSyncRooms);
      FUZZ_CHECK(std::is_sorted(m.syncRooms.begin(), m.syncRooms.end()));
      for (const auto& [roomId, since] : m.syncRooms) FUZZ_CHECK(roomId > 0 && since >= 0);
      break;
    case ClientType::kJoinRoom: FUZZ_CHECK(m.roomId > 0 && (!m.since || *m.since >= 0)); break;
    case ClientType::kLeaveRoom:
    case ClientType::kTyping: FUZZ_CHECK(m.roomId > 0); break;
    case ClientType::kPing: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const chatd::chat::ParsedClientMessage parsed = chatd::chat::parseClientMessage(text);
  FUZZ_CHECK(parsed.message.has_value() != parsed.error.has_value());
  if (parsed.error) {
    FUZZ_CHECK(!parsed.error->message.empty());
    checkRef(parsed.error->ref);
  } else {
    checkRef(parsed.message->ref);
    checkMessage(*parsed.message);
  }
  return 0;
}
