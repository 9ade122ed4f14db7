#include "chat/ChatFrames.h"

#include "auth/FileUrls.h"
#include "reactor/WallClock.h"

namespace chatd::chat {

std::string ServerMessage::finish(std::string_view ref) {
  if (!ref.empty()) writer_.key("ref").raw(ref);
  writer_.endObject();
  return writer_.take();
}

std::string avatarUrl(std::string_view fileId) { return "/avatars/" + std::string(fileId); }

namespace {

// The fields every user object has, the object left open.
void writeUserSummary(proto::JsonWriter& w, int64_t id, std::string_view username, std::string_view nickname,
                      std::string_view avatarFileId) {
  w.beginObject().key("id").value(id).key("username").value(username).key("nickname");
  if (nickname.empty()) {
    w.null();
  } else {
    w.value(nickname);
  }
  if (!avatarFileId.empty()) w.key("avatar_url").value(avatarUrl(avatarFileId));
}

}  // namespace

void writeUserOpen(proto::JsonWriter& w, const store::User& user) {
  writeUserSummary(w, user.id, user.username, user.nickname, user.avatarFileId);
  w.key("created_at").value(user.createdAt);
}

std::string userJson(const store::User& user) {
  proto::JsonWriter w;
  writeUserOpen(w, user);
  w.endObject();
  return w.take();
}

std::string userSummaryJson(const store::User& user) {
  proto::JsonWriter w;
  writeUserSummary(w, user.id, user.username, user.nickname, user.avatarFileId);
  w.endObject();
  return w.take();
}

std::string senderSummaryJson(const store::Message& m) {
  proto::JsonWriter w;
  writeUserSummary(w, m.senderId, m.senderUsername, m.senderNickname, m.senderAvatarFileId);
  w.endObject();
  return w.take();
}

namespace {

// Where writeMessageFields() left the id, the seq and created_at out: their
// offsets in the writer's output.
using NumberHoles = std::array<size_t, 3>;

void writeAttachments(proto::JsonWriter& w, const std::vector<store::Attachment>& attachments,
                      std::string_view urlKey) {
  const int64_t expiresAt = reactor::unixSeconds() + auth::kSignedUrlSeconds;
  w.key("attachments").beginArray();
  for (const store::Attachment& a : attachments) {
    w.beginObject().key("file_id").value(a.fileId).key("name").value(a.name).key("size").value(a.size);
    w.key("content_type").value(a.contentType);
    if (a.width != 0) w.key("width").value(a.width);
    if (a.height != 0) w.key("height").value(a.height);
    if (a.durationMs != 0) w.key("duration_ms").value(a.durationMs);
    w.key("url").value(auth::signedFileUrl(urlKey, a.fileId, expiresAt)).endObject();
  }
  w.endArray();
}

void writeCall(proto::JsonWriter& w, const store::CallLog& call) {
  w.key("call").beginObject().key("call_id").value(call.callId).key("outcome").value(call.outcome);
  w.key("duration_ms").value(call.durationMs).key("video").value(call.video).endObject();
}

// A message's "data", with holes for the numbers the store decides when `holes` is given.
void writeMessageFields(proto::JsonWriter& w, const store::Message& m, std::string_view authorJson,
                        std::string_view urlKey, NumberHoles* holes) {
  auto number = [&w, holes](int64_t value, size_t hole) {
    if (!holes) {
      w.value(value);
      return;
    }
    w.raw({});
    (*holes)[hole] = w.str().size();
  };
  w.beginObject().key("id");
  number(m.id, 0);
  w.key("seq");
  number(m.seq, 1);
  w.key("user_id").value(m.senderId);
  w.key("user").raw(authorJson).key("kind").value(m.kind).key("content").value(m.content).key("client_id");
  if (m.clientId.empty()) {
    w.null();
  } else {
    w.value(m.clientId);
  }
  w.key("created_at");
  number(m.createdAt, 2);
  w.key("delivered_count").value(m.deliveredCount).key("read_count").value(m.readCount);
  if (m.editedAt != 0) w.key("edited_at").value(m.editedAt);
  if (m.deleted) w.key("deleted").value(true);
  if (!m.attachments.empty()) writeAttachments(w, m.attachments, urlKey);
  if (!m.call.outcome.empty()) writeCall(w, m.call);
  if (!m.reactions.empty()) {
    w.key("reactions").beginArray();
    for (const store::ReactionCount& r : m.reactions) {
      w.beginObject().key("emoji").value(r.emoji).key("count").value(r.count).endObject();
    }
    w.endArray();
  }
  w.endObject();
}

}  // namespace

void writeMessageData(proto::JsonWriter& w, const store::Message& m, std::string_view authorJson,
                      std::string_view urlKey) {
  writeMessageFields(w, m, authorJson, urlKey, nullptr);
}

void writeMessageData(proto::JsonWriter& w, const store::Message& m, std::string_view urlKey) {
  writeMessageData(w, m, senderSummaryJson(m), urlKey);
}

void writeHistoryPage(proto::JsonWriter& w, const store::MessagePage& page, int limit, bool older,
                      std::string_view urlKey) {
  const std::vector<store::Message>& messages = page.messages;
  const bool hasMore = messages.size() > static_cast<size_t>(limit);
  const size_t skipFront = hasMore && older ? 1 : 0;
  const size_t shown = hasMore ? static_cast<size_t>(limit) : messages.size();
  w.key("messages").beginArray();
  for (size_t i = skipFront; i < skipFront + shown; ++i) writeMessageData(w, messages[i], urlKey);
  w.endArray().key("has_more").value(hasMore).key("first_seq").value(page.firstSeq);
}

std::string messageEvent(const store::Message& message, std::string_view authorJson, std::string_view urlKey) {
  ServerMessage event("message", message.roomId);
  writeMessageData(event.writer().key("data"), message, authorJson, urlKey);
  return event.finish();
}

std::array<std::string, 4> messageEventAround(const store::Message& draft, std::string_view authorJson,
                                              std::string_view urlKey) {
  ServerMessage event("message", draft.roomId);
  NumberHoles holes;
  writeMessageFields(event.writer().key("data"), draft, authorJson, urlKey, &holes);
  const std::string json = event.finish();
  return {json.substr(0, holes[0]), json.substr(holes[0], holes[1] - holes[0]),
          json.substr(holes[1], holes[2] - holes[1]), json.substr(holes[2])};
}

std::string ackMessage(const store::Message& m, std::string_view ref) {
  ServerMessage ack("ack");
  proto::JsonWriter& w = ack.writer();
  w.key("client_id");
  if (m.clientId.empty()) {
    w.null();
  } else {
    w.value(m.clientId);
  }
  w.key("room_id").value(m.roomId).key("id").value(m.id).key("seq").value(m.seq).key("created_at").value(m.createdAt);
  w.key("delivered_count").value(m.deliveredCount).key("read_count").value(m.readCount);
  return ack.finish(ref);
}

std::string errorMessage(std::string_view code, std::string_view message, std::string_view ref, int64_t roomId) {
  ServerMessage error("error");
  error.writer().key("code").value(code).key("message").value(message);
  if (roomId != 0) error.writer().key("room_id").value(roomId);
  return error.finish(ref);
}

}  // namespace chatd::chat
