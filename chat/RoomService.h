// The rules of rooms, one for the HTTP API and the WebSocket, so neither
// tells an outsider more or lets a member do more than the other:
// - Visibility: private and direct rooms do not exist for those outside
//   them: "no such room", the same answer as for an id never used (joining
//   too: private rooms are joined by invitation).
// - Leaving: not by a non-member (not_member), the owner (delete the room
//   instead), nor from a direct room.
// - Managing members: owners and admins add members and kick them; only the
//   owner grants or revokes admin and kicks an admin; nobody changes the
//   owner's role or kicks the owner; direct rooms have no roles to manage.
// - Only the owner deletes a room.
// Each operation is the lookup, the rule, the store call and, when a
// membership ended, the listener's call (the hub stops live sessions hearing
// from the room); a membership begun or ended is a webhook (member.joined,
// member.left). Answers a ChatError or the result. Borrows the store and the webhooks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "chat/ChatError.h"
#include "chat/Webhooks.h"
#include "store/Store.h"

namespace chatd::chat {

// `room` as looked up for one user (its role is that user's).
bool visibleToUser(const store::Room& room);
// Owners and admins manage members and delete others' messages.
bool canModerate(store::MemberRole role);
// Why the user a findRoom() that answered `status` and `room` was for does
// not get the room: not_found when there is none or it is hidden from them,
// unavailable when the store failed; nullopt when they see it.
std::optional<ChatError> invisibility(store::StoreStatus status, const store::Room& room);

// What a user asks to do in a room.
enum class RoomAction {
  kDelete,
  kLeave,
  kMakeMember,  // add a member, or make an admin a plain member
  kMakeAdmin,   // add an admin, or make a member one
  kKick,
};

// Why the user who sees `room` (as member with its role, or not) may not do
// `action` there; nullopt when the room allows it. The first check: made
// before anything is looked up about another member.
std::optional<ChatError> refusalFor(RoomAction action, const store::Room& room);
// Why someone with role `actor` may not do `action` (kMakeMember, kMakeAdmin
// or kKick) to a user with role `target` (kNone: not a member); nullopt when allowed.
std::optional<ChatError> refusalFor(RoomAction action, store::MemberRole actor, store::MemberRole target);

class RoomService {
 public:
  template <typename T>
  using Done = std::function<void(std::optional<ChatError> error, const T& result)>;

  explicit RoomService(store::Store& store) : store_(store) {}

  // Called once a user's membership ended (left, kicked; userId) or the room
  // was deleted (userId 0).
  void setMembershipEndedListener(std::function<void(int64_t roomId, int64_t userId)> listener) {
    membershipEnded_ = std::move(listener);
  }

  void setWebhooks(Webhooks* webhooks) { webhooks_ = webhooks; }

  // The room as `userId` sees it, or why not (invisibility()). `done` is
  // called as a Done<store::Room>; a template, so that the message path
  // wraps its callback no more often than a plain findRoom() would.
  template <typename Then>
  void findVisible(int64_t roomId, int64_t userId, Then done) {
    store_.findRoom(roomId, userId, [done = std::move(done)](store::StoreStatus status, const store::Room& room) {
      done(invisibility(status, room), room);
    });
  }
  // Makes `userId` a member of a room they can see (nothing to do when
  // already one); answers the room as they now see it.
  void join(int64_t roomId, int64_t userId, Done<store::Room> done);
  // Ends `userId`'s membership; answers the room as they now see it (no role).
  void leave(int64_t roomId, int64_t userId, Done<store::Room> done);
  // `actorId` gives `userId` `role` (kMember or kAdmin), adding them when
  // they are not a member yet (`added`).
  struct RoleChange {
    store::RoomMember member;
    bool added = false;
  };
  void setRole(int64_t roomId, int64_t actorId, int64_t userId, store::MemberRole role, Done<RoleChange> done);
  // `actorId` removes `userId` from the room.
  void kick(int64_t roomId, int64_t actorId, int64_t userId, Done<bool> done);
  // `actorId` deletes the room, its memberships and messages.
  void remove(int64_t roomId, int64_t actorId, Done<bool> done);
  // The direct room of `userId` and `otherId` (another user), opened on first use.
  void openDirect(int64_t userId, int64_t otherId, Done<store::DirectRoom> done);

 private:
  void began(int64_t roomId, int64_t userId) {
    if (webhooks_) webhooks_->memberJoined(roomId, userId);
  }
  // `userId` 0: the room was deleted (no member.left for each member).
  void ended(int64_t roomId, int64_t userId) {
    if (membershipEnded_) membershipEnded_(roomId, userId);
    if (webhooks_ && userId != 0) webhooks_->memberLeft(roomId, userId);
  }

  store::Store& store_;
  std::function<void(int64_t, int64_t)> membershipEnded_;
  Webhooks* webhooks_ = nullptr;
};

}  // namespace chatd::chat
