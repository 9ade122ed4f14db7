#include "chat/ClientMessage.h"

#include <algorithm>
#include <charconv>

#include "proto/JsonFields.h"
#include "proto/JsonWriter.h"

namespace chatd::chat {

namespace {

using proto::JsonFields;

constexpr size_t kMaxRefBytes = 128;

struct TypeName {
  std::string_view name;
  ClientType type;
};

constexpr TypeName kTypes[] = {
    {"auth", ClientType::kAuth},         {"join_room", ClientType::kJoinRoom}, {"leave_room", ClientType::kLeaveRoom},
    {"message", ClientType::kMessage},   {"typing", ClientType::kTyping},      {"read", ClientType::kRead},
    {"received", ClientType::kReceived}, {"history", ClientType::kHistory},    {"edit", ClientType::kEdit},
    {"delete", ClientType::kDelete},     {"react", ClientType::kReact},        {"sync", ClientType::kSync},
    {"ping", ClientType::kPing},
    {"call_invite", ClientType::kCallInvite}, {"call_accept", ClientType::kCallAccept},
    {"call_reject", ClientType::kCallReject}, {"call_offer", ClientType::kCallOffer},
    {"call_answer", ClientType::kCallAnswer}, {"call_ice", ClientType::kCallIce},
    {"call_hangup", ClientType::kCallHangup},
};

// Reads the fields of one message; the first problem found is kept.
class Reader {
 public:
  explicit Reader(const JsonFields& fields) : fields_(fields) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  // A required id: an integer above zero.
  int64_t id(std::string_view name) {
    const auto value = fields_.integer(name);
    if (!value || *value <= 0) fail(std::string(name) + " must be a positive integer");
    return value.value_or(0);
  }
  // An optional sequence number: an integer >= 0 when present.
  std::optional<int64_t> seq(std::string_view name) {
    if (!fields_.has(name) || fields_.typeOf(name) == JsonFields::Type::kNull) return std::nullopt;
    const auto value = fields_.integer(name);
    if (!value || *value < 0) {
      fail(std::string(name) + " must be an integer >= 0");
      return std::nullopt;
    }
    return value;
  }
  std::string text(std::string_view name, size_t minBytes, size_t maxBytes) {
    const auto value = fields_.string(name);
    if (!value) {
      fail(std::string(name) + " must be a string");
      return {};
    }
    if (value->size() < minBytes) fail(std::string(name) + " must not be empty");
    if (value->size() > maxBytes) fail(std::string(name) + " is longer than " + std::to_string(maxBytes) + " bytes");
    return *value;
  }

  // A call's id as the server minted it (chat/Calls): lowercase hex.
  std::string callId() {
    const auto value = fields_.string("call_id");
    const bool hex = value && value->size() == kCallIdBytes &&
                     std::all_of(value->begin(), value->end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    if (!hex) fail("call_id must be the call's id, " + std::to_string(kCallIdBytes) + " hex digits");
    return hex ? *value : std::string();
  }

 private:
  const JsonFields& fields_;
  std::string error_;
};

// The ref as JSON text, or an error: only strings and integers are echoed.
bool readRef(const JsonFields& fields, std::string& ref, std::string& error) {
  if (!fields.has("ref")) return true;
  if (const auto text = fields.string("ref")) {
    if (text->size() > kMaxRefBytes) {
      error = "ref is longer than " + std::to_string(kMaxRefBytes) + " bytes";
      return false;
    }
    proto::appendJsonString(ref, *text);
    return true;
  }
  if (const auto number = fields.integer("ref")) {
    ref = std::to_string(*number);
    return true;
  }
  error = "ref must be a string or an integer";
  return false;
}

void readSyncRooms(const JsonFields& fields, Reader& reader, ClientMessage& out) {
  const auto object = fields.object("rooms");
  if (!object) return reader.fail("rooms must be an object of room id -> last seq seen");
  std::string error;
  const auto rooms = JsonFields::parse(*object, error);
  if (!rooms) return reader.fail("rooms: " + error);
  const std::vector<std::string> names = rooms->names();
  if (names.size() > kMaxSyncRooms) return reader.fail("rooms: at most " + std::to_string(kMaxSyncRooms) + " rooms");
  for (const std::string& name : names) {
    int64_t roomId = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), roomId);
    const auto since = rooms->integer(name);
    // Canonical ids only ("7", not "07"), so that no room is named twice.
    if (ec != std::errc() || end != name.data() + name.size() || roomId <= 0 || name[0] == '0' || !since ||
        *since < 0) {
      return reader.fail("rooms: each key a room id, each value a seq >= 0");
    }
    out.syncRooms.emplace_back(roomId, *since);
  }
  std::sort(out.syncRooms.begin(), out.syncRooms.end());
}

void readBody(const JsonFields& fields, Reader& r, ClientMessage& m) {
  switch (m.type) {
    case ClientType::kAuth:
      m.token = r.text("token", 1, 8192);
      break;
    case ClientType::kJoinRoom:
      m.roomId = r.id("room_id");
      m.since = r.seq("since");
      break;
    case ClientType::kLeaveRoom:
      m.roomId = r.id("room_id");
      break;
    case ClientType::kMessage:
      if (fields.has("to_user_id")) {
        if (fields.has("room_id")) r.fail("give room_id or to_user_id, not both");
        m.toUserId = r.id("to_user_id");
      } else {
        m.roomId = r.id("room_id");
      }
      // The size limit is configuration: the hub checks it (too_large).
      if (fields.has("content")) m.content = r.text("content", 0, SIZE_MAX);
      if (fields.has("client_id")) m.clientId = r.text("client_id", 1, kMaxClientIdBytes);
      if (std::string error; r.ok() && !readMessageDraft(fields, m.content.empty(), m.draft, error)) r.fail(error);
      break;
    case ClientType::kTyping:
      m.roomId = r.id("room_id");
      if (fields.has("typing")) {
        const auto typing = fields.boolean("typing");
        if (!typing) r.fail("typing must be true or false");
        m.typing = typing.value_or(true);
      }
      break;
    case ClientType::kRead:
    case ClientType::kReceived:
      m.roomId = r.id("room_id");
      m.seq = r.seq("seq").value_or(-1);
      if (m.seq < 0) r.fail("seq must be an integer >= 0");
      break;
    case ClientType::kHistory: {
      m.roomId = r.id("room_id");
      m.before = r.seq("before");
      m.after = r.seq("after");
      if (m.before && m.after) r.fail("give before or after, not both");
      if (const auto limit = r.seq("limit")) m.limit = static_cast<int>(std::clamp<int64_t>(*limit, 1, kMaxHistoryPage));
      break;
    }
    case ClientType::kEdit:
      m.roomId = r.id("room_id");
      m.messageId = r.id("id");
      m.content = r.text("content", 1, SIZE_MAX);
      break;
    case ClientType::kDelete:
      m.roomId = r.id("room_id");
      m.messageId = r.id("id");
      break;
    case ClientType::kReact:
      m.roomId = r.id("room_id");
      m.messageId = r.id("id");
      m.emoji = r.text("emoji", 1, kMaxEmojiBytes);
      break;
    case ClientType::kSync:
      readSyncRooms(fields, r, m);
      break;
    case ClientType::kPing:
      break;
    case ClientType::kCallInvite: {
      m.roomId = r.id("room_id");
      const std::string media = fields.has("media") ? r.text("media", 1, 8) : "audio";
      if (media != "audio" && media != "video") r.fail("media must be \"audio\" or \"video\"");
      m.video = media == "video";
      break;
    }
    case ClientType::kCallAccept:
    case ClientType::kCallReject:
    case ClientType::kCallHangup:
      m.callId = r.callId();
      break;
    case ClientType::kCallOffer:
    case ClientType::kCallAnswer:
      m.callId = r.callId();
      m.sdp = r.text("sdp", 1, kMaxSdpBytes);
      break;
    case ClientType::kCallIce: {
      m.callId = r.callId();
      const auto candidate = fields.object("candidate");
      if (!candidate) {
        r.fail("candidate must be an object (RTCIceCandidateInit)");
      } else if (candidate->size() > kMaxCandidateBytes) {
        r.fail("candidate is longer than " + std::to_string(kMaxCandidateBytes) + " bytes");
      } else {
        m.candidate = *candidate;
      }
      break;
    }
  }
}

}  // namespace

std::string_view clientTypeName(ClientType type) {
  for (const TypeName& known : kTypes) {
    if (known.type == type) return known.name;
  }
  return {};
}

ParsedClientMessage parseClientMessage(std::string_view text) {
  ParsedClientMessage parsed;
  std::string error;
  const auto fields = JsonFields::parse(text, error);
  if (!fields) {
    parsed.error = ClientMessageError{error, {}};
    return parsed;
  }
  ClientMessage message;
  if (!readRef(*fields, message.ref, error)) {
    parsed.error = ClientMessageError{error, {}};
    return parsed;
  }
  const auto type = fields->string("type");
  const auto known = type ? std::find_if(std::begin(kTypes), std::end(kTypes),
                                         [&](const TypeName& t) { return t.name == *type; })
                          : std::end(kTypes);
  if (known == std::end(kTypes)) {
    parsed.error = ClientMessageError{!type                ? "type must be a string"
                                      : type->size() <= 32 ? "unknown type \"" + *type + "\""
                                                           : "unknown type",
                                      message.ref};
    return parsed;
  }
  message.type = known->type;
  Reader reader(*fields);
  readBody(*fields, reader, message);
  if (!reader.ok()) {
    parsed.error = ClientMessageError{reader.error(), message.ref};
    return parsed;
  }
  parsed.message = std::move(message);
  return parsed;
}

}  // namespace chatd::chat
