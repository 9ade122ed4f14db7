// What the chat layer asks of storage, with completion callbacks, so that an
// embedded backend (SQLite) and a networked one (Redis) look the same to the
// caller.
//
// The completion rule, for every backend: a completion never runs inside the
// call that asked for it, always later in the loop (SQLite: at the end of the
// iteration; Redis: when the reply arrives). A caller may therefore set state
// after the call that its callback reads, and must not capture locals by
// reference. Writes complete only once durable (after their COMMIT).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/FileStore.h"
#include "store/MessageAnnouncement.h"
#include "store/RoomKinds.h"
#include "store/StoreAnswer.h"

namespace chatd::store {

// The key usernames are unique under: the name lower-cased (ASCII), so that
// "Ann" and "ann" are one account. findCredentials() looks names up by it.
std::string usernameKey(std::string_view username);

// What an operator decided about an account (the admin API): a banned or
// deleted user cannot sign in, and their tokens are refused.
enum class UserState : uint8_t { kActive = 0, kBanned = 1, kDeleted = 2 };

struct User {
  int64_t id = 0;
  std::string username;
  std::string nickname;  // empty when none was given
  int64_t createdAt = 0;  // unix milliseconds
  UserState state = UserState::kActive;
  int64_t lastSeenAt = 0;  // unix milliseconds the last session ended; 0: never
  std::string avatarFileId{};  // the uploaded image (FileRecord::id) shown as the user's picture; empty when none
};

// A room as one user sees it: `role` and `lastReadSeq` are that user's
// membership (kNone and 0 when not a member).
struct Room {
  int64_t id = 0;
  std::string name;
  RoomKind kind = RoomKind::kPrivate;
  std::optional<std::string> topic;
  int64_t createdAt = 0;
  int64_t lastSeq = 0;  // the sequence number of the room's newest message
  MemberRole role = MemberRole::kNone;
  int64_t lastReadSeq = 0;
};

struct RoomMember {
  User user;
  MemberRole role = MemberRole::kNone;
  int64_t joinedAt = 0;
};

// Where a page of members starts: after the member who joined at `joinedAt`
// with `userId` ({} for the first page).
struct MemberCursor {
  int64_t joinedAt = 0;
  int64_t userId = 0;
};

// The pair's direct room and whether this call created it.
struct DirectRoom {
  Room room;
  bool created = false;
};

// How many users put one emoji on a message.
struct ReactionCount {
  std::string emoji;
  int64_t count = 0;
};

// A file a message carries: the upload's record as the sender posted it
// (the name may differ from the upload's), and what the client measured.
struct Attachment {
  std::string fileId{};
  std::string name{};
  std::string contentType{};  // the upload's, never the client's
  int64_t size = 0;         // the upload's
  int64_t width = 0;        // pixels, 0 when not given
  int64_t height = 0;
  int64_t durationMs = 0;   // a voice or video message's length, 0 when not given
};

// What a call's log message says (kind "call"): how it ended and, once
// answered, how long it lasted.
struct CallLog {
  std::string callId{};
  std::string outcome{};  // "completed", "missed", "rejected" or "busy"
  int64_t durationMs = 0;
  bool video = false;
};

// One stored message. `seq` numbers a room's messages 1, 2, 3, ... in commit
// order, with no gaps: the order of a room is total, and a client that has
// seen seq n asks for what comes after n.
struct Message {
  int64_t id = 0;
  int64_t roomId = 0;
  int64_t seq = 0;
  int64_t senderId = 0;
  std::string kind;  // "text", "image", "video", "voice", "file" or "call"
  std::string content;
  std::vector<Attachment> attachments;  // empty for text; emptied when deleted
  CallLog call;                         // for kind "call" only
  std::string clientId;  // the sender's idempotency key; empty when none was given
  int64_t createdAt = 0;
  int64_t editedAt = 0;  // 0 = never edited
  bool deleted = false;  // a deleted message keeps its seq; its content is emptied
  std::vector<ReactionCount> reactions;  // by emoji (byte order); empty when none
  // The sender's username, nickname and avatar, filled in by reads (history pages,
  // findMessage) so that a page names its authors without more lookups.
  std::string senderUsername;
  std::string senderNickname;
  std::string senderAvatarFileId;
  // How many members other than the sender received and read it: filled in
  // from the room's watermarks (chat/ReceiptCounts.h), 0 until then.
  int64_t deliveredCount = 0;
  int64_t readCount = 0;
};

// How far one member of a room received and read (the read mark is never
// past the received one: reading implies receipt).
struct Watermark {
  int64_t userId = 0;
  int64_t receivedSeq = 0;
  int64_t readSeq = 0;
};

// A page of a room's history (messagesAfter(), messagesBefore()): the
// messages, oldest first, and where the room's history now starts.
struct MessagePage {
  std::vector<Message> messages;
  // The oldest seq the room still holds: 1 unless --history-max trimmed the
  // room (MessageLog); no page holds a message before it.
  int64_t firstSeq = 1;
};

// What toggleReaction() did.
struct ReactionChange {
  Message message;       // the message reacted to (reactions not filled in)
  bool added = false;    // false: the user's reaction was there and is now removed
  int64_t count = 0;     // how many users now have this emoji on the message
};

// A logged-out token, refused until it would have expired anyway.
struct RevokedToken {
  std::string key;        // TokenService's revocation key for the token
  int64_t expiresAt = 0;  // unix seconds
};

// A message to append: what its sender decided. The store numbers and
// dates it; the caller checked the attachments (their files exist, are the
// sender's, and their sizes and types are the uploads').
struct NewMessage {
  int64_t roomId = 0;
  int64_t senderId = 0;
  std::string kind = "text";
  std::string content{};
  std::string clientId{};
  std::vector<Attachment> attachments{};
  CallLog call{};
};

// What appendMessage() stored, or the message a resend found instead.
struct AppendResult {
  Message message;
  bool duplicate = false;  // true: (sender, client id) was already stored; nothing changed
  // true: the store published the message's announcement itself, with the
  // write (MessageAnnouncement.h); the caller only delivers it locally.
  bool announced = false;
};

struct Credentials {
  User user;
  std::string passwordHash;  // encoded Argon2id; empty for users known only from tokens
};

// Accounts: who the users are, how they sign in (registered credentials or
// an app backend's token subject), when they were last online. What the
// account API and the token resolution need.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // A new account; kConflict when the username is taken, ignoring case.
  virtual void createUser(std::string username, std::string nickname, std::string passwordHash, Callback<User> done) = 0;
  // Looked up by the lower-cased username.
  virtual void findCredentials(std::string usernameKey, Callback<Credentials> done) = 0;
  virtual void findUser(int64_t id, Callback<User> done) = 0;
  // The users of `ids` that exist, in the order asked (those gone are left
  // out): one call for a list of people (who is online in a room), however
  // long; only the first kMaxUsersFound ids are looked up.
  virtual void findUsers(std::vector<int64_t> ids, Callback<std::vector<User>> done) = 0;
  static constexpr size_t kMaxUsersFound = 1000;
  // The user an app backend's token names (`sub`), created on first sight
  // with the username "NAME#ID" ("user#ID" without a name) and no nickname.
  virtual void findOrCreateExternalUser(std::string subject, std::string name, Callback<User> done) = 0;
  // Presence: when the user was last connected (unix milliseconds).
  virtual void setLastSeen(int64_t userId, int64_t atMs, Callback<bool> done) = 0;
  // Bans, unbans or marks deleted; answers the user as it is now (kNotFound:
  // no such user). A deleted user stays deleted: kConflict for any change.
  // Deleting also tombstones every message the user sent (as deleteMessage),
  // takes their reactions off and ends their memberships, in every room, and
  // clears their avatar; marking them deleted again finishes an erasure that
  // failed midway (Redis does it room by room: docs/admin-api.md).
  virtual void setUserState(int64_t userId, UserState state, Callback<User> done) = 0;
  // Sets what is given: the nickname ("" removes it), the avatar's file id
  // ("" removes it); answers the user as it is now (kNotFound: no such
  // user). Whether the file may be the user's avatar is the caller's check.
  virtual void updateProfile(int64_t userId, std::optional<std::string> nickname,
                             std::optional<std::string> avatarFileId, Callback<User> done) = 0;
  // Whether the file is some user's avatar now (GET /avatars/{id} serves only those).
  virtual void isAvatar(std::string fileId, Callback<bool> done) = 0;
};

// Rooms: the rooms, who is a member with which role, and the one direct room
// of each pair of users. What the room API and the hub's joins ask.
//
// Permissions are the caller's business; the store only refuses to change or
// remove an owner's membership (kConflict), whoever asks.
class RoomStore {
 public:
  // The most a room or member page holds: a client's page of 1000 and the
  // row that says there is more.
  static constexpr int kMaxListPage = 1001;

  virtual ~RoomStore() = default;

  // Every public room and every room `userId` is a member of, by id: those
  // with an id above `afterRoomId`, at most `limit` (clamped to 1..kMaxListPage).
  virtual void listRooms(int64_t userId, int64_t afterRoomId, int limit, Callback<std::vector<Room>> done) = 0;
  // One room as `userId` sees it, member or not; kNotFound when no such room.
  virtual void findRoom(int64_t roomId, int64_t userId, Callback<Room> done) = 0;
  // A public or private room with `ownerId` as its owner. kOverQuota when
  // `ownerId` created `maxPerHour` rooms (0: no limit) in the last hour; the
  // answer's createdAt is then the oldest of those, so the caller can say
  // when the next one may be created.
  virtual void createRoom(std::string name, RoomKind kind, std::optional<std::string> topic, int64_t ownerId,
                          uint32_t maxPerHour, Callback<Room> done) = 0;
  // Adds `userId` as a plain member unless already one (whatever the role).
  virtual void joinRoom(int64_t roomId, int64_t userId, Callback<Room> done) = 0;
  // Adds `userId` with `role` (kAdmin or kMember), or changes the role of a
  // member; kConflict for the owner, kNotFound when the room or user is gone.
  virtual void setMemberRole(int64_t roomId, int64_t userId, MemberRole role, Callback<RoomMember> done) = 0;
  // kNotFound when not a member, kConflict for the owner.
  virtual void removeMember(int64_t roomId, int64_t userId, Callback<bool> done) = 0;
  // The room, its memberships and its messages; kNotFound when already gone.
  virtual void deleteRoom(int64_t roomId, Callback<bool> done) = 0;
  // Members by join time (then user id): those after `after`, at most
  // `limit` (clamped to 1..kMaxListPage).
  virtual void listMembers(int64_t roomId, MemberCursor after, int limit, Callback<std::vector<RoomMember>> done) = 0;
  // The one direct room of two distinct users, created on first use with
  // both as members; as `userId` sees it.
  virtual void openDirectRoom(int64_t userId, int64_t otherId, Callback<DirectRoom> done) = 0;
  // Whether the two users are both members of some room (a direct room counts).
  virtual void shareRoom(int64_t userId, int64_t otherId, Callback<bool> done) = 0;
};

// The message log: each room's messages in seq order, appended exactly once
// per (sender, client id), read in pages either way, with read and received
// marks (watermarks), edits, deletes and reactions. What the send path,
// resume and history use.
//
// The caller checks that the sender may post and read.
//
// Trimming (--history-max N, N > 0): each room keeps at least its newest N
// messages; the appends delete the older ones, with their reactions, their
// ids and their client ids (a resend of a trimmed message is a new message).
// Seqs never change and are never reused; pages tell where a room starts.
class MessageLog {
 public:
  // The most messages one trim deletes: a longer history (a database that
  // had no --history-max before) goes over the following trims, so that no
  // one append holds the store for long.
  static constexpr int kMaxTrimmedAtOnce = 10000;

  virtual ~MessageLog() = default;

  // Stores the message as its room's next seq; kNotFound when the room (or
  // sender, or an attached file) does not exist, and then no seq is used.
  // With a non-empty `clientId` a send is done at most once per (sender,
  // client id): a retry, in this batch or after a restart, changes nothing
  // and answers the original message with `duplicate` set. Appends queued in
  // one loop iteration commit together and get consecutive seqs in call
  // order; `done` runs after the COMMIT, so an ack built from it is durable.
  // The sender's read and received marks move to the new message (one has
  // read what one wrote). Each attached file is then referenced by the
  // message (FileStore: not collected while referenced; readable by the
  // room's members).
  // `announce` (may be null): the news of the message, which a store that
  // can publishes in the same write, and then answers `announced`; never
  // for a duplicate.
  virtual void append(NewMessage message, std::shared_ptr<const MessageAnnouncement> announce,
                      Callback<AppendResult> done) = 0;
  // A text message (the tests' and benchmarks' shorthand for append()).
  void appendMessage(int64_t roomId, int64_t senderId, std::string content, std::string clientId,
                     std::shared_ptr<const MessageAnnouncement> announce, Callback<AppendResult> done) {
    NewMessage text;
    text.roomId = roomId;
    text.senderId = senderId;
    text.content = std::move(content);
    text.clientId = std::move(clientId);
    append(std::move(text), std::move(announce), std::move(done));
  }
  // Up to `limit` (clamped to 1..1000) messages with seq > `afterSeq`, oldest first.
  virtual void messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<MessagePage> done) = 0;
  // The `limit` (clamped to 1..1000) messages just before `beforeSeq`, oldest
  // first: history paged upwards from the oldest one a client holds.
  virtual void messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<MessagePage> done) = 0;
  // Moves `userId`'s read mark to `seq`, capped at the room's last seq and
  // never backwards; answers the stored mark. kNotFound for a non-member.
  // Its received mark moves to at least the same seq (reading implies receipt).
  virtual void markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) = 0;
  // Moves `userId`'s received mark as markRead() moves the read mark.
  virtual void markReceived(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) = 0;
  // The marks of the room's members who received `fromSeq` or later, those
  // who received furthest first, at most kMaxWatermarks of them: a page of
  // history is counted with one read, whatever the room's size.
  virtual void watermarks(int64_t roomId, int64_t fromSeq, Callback<std::vector<Watermark>> done) = 0;
  static constexpr int kMaxWatermarks = 1000;

  // One message of a room (deleted ones too), reactions filled in;
  // kNotFound when the room has no message with that id.
  virtual void findMessage(int64_t roomId, int64_t messageId, Callback<Message> done) = 0;
  // Replaces the content and sets editedAt; answers the updated message.
  // kNotFound when there is no such message in the room or it is deleted.
  virtual void editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<Message> done) = 0;
  // Marks the message deleted and empties its content (its seq stays, so
  // nobody sees a gap); its reactions and attachments go (a file no other
  // message refers to is then collectable). kNotFound as for editMessage.
  virtual void deleteMessage(int64_t roomId, int64_t messageId, Callback<Message> done) = 0;
  // Adds `userId`'s `emoji` to the message, or removes it when already there.
  // kNotFound as for editMessage; kOverQuota when adding would give the user
  // more than `maxPerUser` distinct emoji on the message.
  virtual void toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji,
                              uint32_t maxPerUser, Callback<ReactionChange> done) = 0;
};

// Revoked tokens: logouts that outlive a restart. What logout stores and
// what startup loads into the TokenService.
class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // Stores a revoked token (idempotent); revokedTokens() answers the ones
  // that have not expired by `nowSeconds` and forgets the others.
  virtual void revokeToken(std::string key, int64_t expiresAt, Callback<bool> done) = 0;
  virtual void revokedTokens(int64_t nowSeconds, Callback<std::vector<RevokedToken>> done) = 0;
};

// Who may register, shared by every node of a cluster and kept across
// restarts: the registration mode an operator set through the admin API
// (until it is cleared) and the unused invite codes, of which only the
// SHA-256 digests are stored, never the codes. What the account and admin
// APIs ask; the names of the modes and the digests are the caller's
// (auth::RegistrationPolicy).
class RegistrationStore {
 public:
  virtual ~RegistrationStore() = default;

  // The mode set through the admin API, by its name; "" when none is set.
  virtual void registrationMode(Callback<std::string> done) = 0;
  virtual void setRegistrationMode(std::string mode, Callback<bool> done) = 0;
  // Forgets the mode set (idempotent): registrationMode() answers "" again.
  virtual void clearRegistrationMode(Callback<bool> done) = 0;
  // Stores an invite, usable until `expiresAt` (unix seconds). Invites
  // expired by `nowSeconds` are forgotten first; kOverQuota when `maxWaiting`
  // usable ones already wait, and then nothing is stored.
  virtual void createInvite(std::string digest, int64_t expiresAt, int64_t nowSeconds, size_t maxWaiting,
                            Callback<bool> done) = 0;
  // Uses the invite up and answers its expiry: kOk for exactly one caller,
  // however many (on however many nodes) ask at once; kNotFound when there is
  // no such invite or it expired by `nowSeconds` (createInvite() forgets it).
  virtual void takeInvite(std::string digest, int64_t nowSeconds, Callback<int64_t> done) = 0;
  // Gives back an invite that takeInvite() answered, with the expiry it
  // answered, when no account came of it: usable again, outside the bound.
  virtual void restoreInvite(std::string digest, int64_t expiresAt, Callback<bool> done) = 0;
};

// The whole store, every role in one object: what the server composes and
// the hub and APIs are handed today. A backend implements this.
class Store : public AccountStore, public RoomStore, public MessageLog, public TokenStore, public RegistrationStore,
              public FileStore {
 public:
  // Whether the backend can serve requests now (GET /readyz).
  virtual bool ready() = 0;
};

}  // namespace chatd::store
