#include "chat/RoomService.h"

namespace chatd::chat {

namespace {

using store::MemberRole;
using store::RoomKind;
using store::StoreStatus;
namespace err = chat_error;

ChatError forbidden(std::string message) { return ChatError{err::kForbidden, std::move(message)}; }

ChatError notMember() { return ChatError{err::kNotMember, "you are not a member of this room"}; }

// A membership write that did not succeed: the store refuses to change or
// remove the owner's membership (kConflict), whoever asks.
ChatError writeError(StoreStatus status) {
  return storeError(status, ChatError{err::kNotFound, "no such room or user"},
                    forbidden("the owner's membership cannot change"));
}

bool isMemberAction(RoomAction action) {
  return action == RoomAction::kMakeMember || action == RoomAction::kMakeAdmin;
}

}  // namespace

bool visibleToUser(const store::Room& room) { return room.kind == RoomKind::kPublic || room.role != MemberRole::kNone; }

bool canModerate(MemberRole role) { return role == MemberRole::kOwner || role == MemberRole::kAdmin; }

std::optional<ChatError> refusalFor(RoomAction action, const store::Room& room) {
  const bool direct = room.kind == RoomKind::kDirect;
  switch (action) {
    case RoomAction::kDelete:
      if (room.role != MemberRole::kOwner) return forbidden("only the owner deletes a room");
      return std::nullopt;
    case RoomAction::kLeave:
      if (room.role == MemberRole::kNone) return notMember();
      if (direct) return forbidden("direct rooms cannot be left");
      if (room.role == MemberRole::kOwner) return forbidden("the owner cannot leave; delete the room instead");
      return std::nullopt;
    case RoomAction::kMakeMember:
    case RoomAction::kMakeAdmin:
      if (direct) return forbidden("direct rooms have no members to manage");
      if (!canModerate(room.role)) return forbidden("only the owner and admins add members");
      return std::nullopt;
    case RoomAction::kKick:
      if (direct) return forbidden("nobody is kicked from a direct room");
      if (!canModerate(room.role)) return forbidden("only the owner and admins kick members");
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<ChatError> refusalFor(RoomAction action, MemberRole actor, MemberRole target) {
  if (isMemberAction(action)) {
    if (target == MemberRole::kOwner) return forbidden("the owner's role cannot change");
    if ((action == RoomAction::kMakeAdmin || target == MemberRole::kAdmin) && actor != MemberRole::kOwner) {
      return forbidden("only the owner grants or revokes admin");
    }
  } else if (action == RoomAction::kKick) {
    if (target == MemberRole::kNone) return ChatError{err::kNotFound, "no such member"};
    if (target == MemberRole::kOwner) return forbidden("the owner cannot be kicked");
    if (target == MemberRole::kAdmin && actor != MemberRole::kOwner) return forbidden("only the owner kicks an admin");
  }
  return std::nullopt;
}

std::optional<ChatError> invisibility(StoreStatus status, const store::Room& room) {
  if (status == StoreStatus::kOk && visibleToUser(room)) return std::nullopt;
  const ChatError noSuchRoom{err::kNotFound, "no such room"};
  return status == StoreStatus::kOk ? noSuchRoom : storeError(status, noSuchRoom);
}

void RoomService::join(int64_t roomId, int64_t userId, Done<store::Room> done) {
  findVisible(roomId, userId, [this, userId, done](std::optional<ChatError> error, const store::Room& room) {
    if (error || room.role != MemberRole::kNone) return done(std::move(error), room);  // already in: nothing to do
    store_.joinRoom(room.id, userId, [this, userId, done](StoreStatus status, const store::Room& now) {
      if (status != StoreStatus::kOk) return done(writeError(status), now);
      began(now.id, userId);
      done(std::nullopt, now);
    });
  });
}

void RoomService::leave(int64_t roomId, int64_t userId, Done<store::Room> done) {
  findVisible(roomId, userId, [this, userId, done](std::optional<ChatError> error, const store::Room& room) {
    if (!error) error = refusalFor(RoomAction::kLeave, room);
    if (error) return done(std::move(error), room);
    store_.removeMember(room.id, userId, [this, userId, room, done](StoreStatus status, bool) {
      if (status == StoreStatus::kNotFound) return done(notMember(), room);  // left meanwhile
      if (status != StoreStatus::kOk) return done(writeError(status), room);
      ended(room.id, userId);
      store::Room left = room;
      left.role = MemberRole::kNone;
      done(std::nullopt, left);
    });
  });
}

void RoomService::setRole(int64_t roomId, int64_t actorId, int64_t userId, MemberRole role, Done<RoleChange> done) {
  const RoomAction action = role == MemberRole::kAdmin ? RoomAction::kMakeAdmin : RoomAction::kMakeMember;
  findVisible(roomId, actorId, [this, action, userId, role, done](std::optional<ChatError> error,
                                                                  const store::Room& room) {
    if (!error) error = refusalFor(action, room);
    if (error) return done(std::move(error), {});
    store_.findRoom(room.id, userId, [=, this, actor = room.role](StoreStatus status, const store::Room& theirs) {
      if (status != StoreStatus::kOk) return done(writeError(status), {});
      if (auto refused = refusalFor(action, actor, theirs.role)) return done(std::move(refused), {});
      const bool added = theirs.role == MemberRole::kNone;
      store_.setMemberRole(room.id, userId, role, [this, done, added, roomId = room.id](StoreStatus set,
                                                                                      store::RoomMember member) {
        if (set != StoreStatus::kOk) return done(writeError(set), {});
        if (added) began(roomId, member.user.id);
        done(std::nullopt, RoleChange{std::move(member), added});
      });
    });
  });
}

void RoomService::kick(int64_t roomId, int64_t actorId, int64_t userId, Done<bool> done) {
  findVisible(roomId, actorId, [this, userId, done](std::optional<ChatError> error, const store::Room& room) {
    if (!error) error = refusalFor(RoomAction::kKick, room);
    if (error) return done(std::move(error), false);
    store_.findRoom(room.id, userId, [=, this, actor = room.role](StoreStatus status, const store::Room& theirs) {
      if (status != StoreStatus::kOk) return done(writeError(status), false);
      if (auto refused = refusalFor(RoomAction::kKick, actor, theirs.role)) return done(std::move(refused), false);
      store_.removeMember(room.id, userId, [this, done, roomId = room.id, userId](StoreStatus removed, bool) {
        if (removed != StoreStatus::kOk) return done(writeError(removed), false);
        ended(roomId, userId);
        done(std::nullopt, true);
      });
    });
  });
}

void RoomService::remove(int64_t roomId, int64_t actorId, Done<bool> done) {
  findVisible(roomId, actorId, [this, done](std::optional<ChatError> error, const store::Room& room) {
    if (!error) error = refusalFor(RoomAction::kDelete, room);
    if (error) return done(std::move(error), false);
    store_.deleteRoom(room.id, [this, done, roomId = room.id](StoreStatus status, bool) {
      if (status != StoreStatus::kOk) return done(writeError(status), false);
      ended(roomId, 0);
      done(std::nullopt, true);
    });
  });
}

void RoomService::openDirect(int64_t userId, int64_t otherId, Done<store::DirectRoom> done) {
  store_.findUser(otherId, [this, userId, done](StoreStatus status, const store::User& other) {
    if (status != StoreStatus::kOk) return done(storeError(status, ChatError{err::kNotFound, "no such user"}), {});
    store_.openDirectRoom(userId, other.id, [this, userId, otherId = other.id, done](StoreStatus opened,
                                                                                    const store::DirectRoom& direct) {
      if (opened != StoreStatus::kOk) return done(writeError(opened), direct);
      if (direct.created) {
        began(direct.room.id, userId);
        began(direct.room.id, otherId);
      }
      done(std::nullopt, direct);
    });
  });
}

}  // namespace chatd::chat
