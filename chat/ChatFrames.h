// The JSON the chat protocol sends (docs/protocol.md), built once per event:
// a message for a room is serialized once and every recipient queues the
// same frame. Functions over store types; only the attachments' signed URLs
// read the clock (they are valid from the moment the frame is built).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/JsonWriter.h"
#include "store/Store.h"

namespace chatd::chat {

// One server message: {"type":TYPE, ...fields..., "ref":REF}. The caller adds
// its fields through writer(); finish() appends the ref (JSON text, or none
// when empty) and closes the object.
class ServerMessage {
 public:
  explicit ServerMessage(std::string_view type) { writer_.beginObject().key("type").value(type); }
  ServerMessage(std::string_view type, int64_t roomId) : ServerMessage(type) { writer_.key("room_id").value(roomId); }
  proto::JsonWriter& writer() { return writer_; }
  std::string finish(std::string_view ref = {});

 private:
  proto::JsonWriter writer_;
};

// Where GET /avatars serves the avatar `fileId`: "/avatars/ID".
std::string avatarUrl(std::string_view fileId);

// {"id":..,"username":..,"nickname":..|null,"avatar_url":..,"created_at":..}: a user as the API and
// welcome show one; avatar_url only when the user has an avatar.
std::string userJson(const store::User& user);
// userJson()'s fields, the object left open for more.
void writeUserOpen(proto::JsonWriter& w, const store::User& user);

// {"id":..,"username":..,"nickname":..|null,"avatar_url":..}: how messages and presence name a
// user (avatar_url as in userJson()).
std::string userSummaryJson(const store::User& user);
// The same for the sender of a message read from the store (its sender fields).
std::string senderSummaryJson(const store::Message& message);

// A message's "data": id, seq, user_id, user (`authorJson`), kind, content,
// client_id (null when none), created_at, delivered_count, read_count; edited_at when edited, deleted
// when deleted, reactions when any, attachments when any (each with a
// download URL signed with `urlKey`, auth/FileUrls.h), call for a call's log.
void writeMessageData(proto::JsonWriter& w, const store::Message& message, std::string_view authorJson,
                      std::string_view urlKey);
// Same, with the author summary from the message's own sender fields.
void writeMessageData(proto::JsonWriter& w, const store::Message& message, std::string_view urlKey);

// "messages":[...],"has_more":bool,"first_seq":N of a history page that was
// read with one row more than `limit` (that row says there is more, and is
// not shown): the oldest one for a page read backwards (`older`), else the
// newest. first_seq: where the room's history starts (--history-max).
void writeHistoryPage(proto::JsonWriter& w, const store::MessagePage& page, int limit, bool older,
                      std::string_view urlKey);

// {"type":"message","room_id":..,"data":{...}}
std::string messageEvent(const store::Message& message, std::string_view authorJson, std::string_view urlKey);
// messageEvent()'s JSON of a message not stored yet, in the four parts
// around its id, seq and created_at (store/MessageAnnouncement.h), which
// the store decides; the other fields are `draft`'s.
std::array<std::string, 4> messageEventAround(const store::Message& draft, std::string_view authorJson,
                                              std::string_view urlKey);
// {"type":"ack","client_id":..,"room_id":..,"id":..,"seq":..,"created_at":..,"delivered_count":..,"read_count":..,"ref":..}
std::string ackMessage(const store::Message& message, std::string_view ref);
// {"type":"error","code":CODE,"message":MESSAGE[,"room_id":..],"ref":..}; the
// room when the error is about one (a room of a sync, which has one ref).
std::string errorMessage(std::string_view code, std::string_view message, std::string_view ref, int64_t roomId = 0);

}  // namespace chatd::chat
