// Applies what the server sends (docs/protocol.md, "Server events") to the
// Chat's model and, for the open room, to the page, after the SDK's
// ChatClient has done its part (seqs, resumes, the outbox: web/sdk/).
import { showError } from './views/errorView.js';

const kTypingShownMs = 5000;
// Refs whose errors nobody needs to see: typing is best effort, auth ends in a close.
const kQuietRefs = new Set(['typing', 'auth']);

const handlers = {
  joined(chat, frame) {
    const room = roomOf(chat, frame.room_id);
    if (!room.role) {
      room.role = 'member';  // joining a public room makes me a member
      chat.renderRooms();
    }
    // A resume's replay follows; the messages it brings mark themselves read.
    if (room.id === chat.openId && !room.historyLoaded) chat.history.load(room);
  },

  message(chat, frame) {
    const room = roomOf(chat, frame.room_id);
    const message = frame.data;
    const isNew = chat.putMessage(room, message);
    const mine = message.user_id === chat.me.id;
    stopTyping(chat, room, message.user_id);
    if (room.id === chat.openId) {
      if (room.historyLoaded) chat.messages.upsert(message, 'sent');
      chat.markRead();
    } else if (isNew && !mine && !message.deleted) {
      room.unread += 1;
      chat.renderRooms();
    }
  },

  online_users(chat, frame) {
    frame.data.users.forEach((u) => chat.remember(u));
    chat.renderPresence(roomOf(chat, frame.room_id));
  },

  user_joined(chat, frame) {
    chat.remember(frame.data.user);
    chat.renderPresence(roomOf(chat, frame.room_id));
  },

  user_left(chat, frame) {
    const room = roomOf(chat, frame.room_id);
    stopTyping(chat, room, frame.data.user.id);
    chat.renderPresence(room);
  },

  typing(chat, frame) {
    const room = roomOf(chat, frame.room_id);
    const { user, typing } = frame.data;
    if (user.id === chat.me.id) return;
    const shown = room.typing.get(user.id);
    if (shown) clearTimeout(shown.timer);
    if (typing === false) {
      room.typing.delete(user.id);
    } else {
      const timer = setTimeout(() => stopTyping(chat, room, user.id), kTypingShownMs);
      room.typing.set(user.id, { user, timer });
    }
    chat.renderPresence(room);
  },

  message_edited(chat, frame) {
    change(chat, frame, (m) => Object.assign(m, { content: frame.data.content, edited_at: frame.data.edited_at }));
  },

  message_deleted(chat, frame) {
    change(chat, frame, (m) => Object.assign(m, { content: '', deleted: true, reactions: undefined }));
  },

  reaction_added(chat, frame) {
    change(chat, frame, (m) => setReaction(m, frame.data.emoji, frame.data.count));
  },

  reaction_removed(chat, frame) {
    change(chat, frame, (m) => setReaction(m, frame.data.emoji, frame.data.count));
  },

  messages_changed(chat, frame) {
    chat.history.refetch(roomOf(chat, frame.room_id), frame.data.from_seq, frame.data.to_seq);
  },

  messages_trimmed(chat, frame) {
    roomOf(chat, frame.room_id).trimmedThrough(frame.data.to_seq);
  },

  received(chat, frame) {
    if (frame.data.user_id !== chat.me.id) receipt(chat, frame, 'delivered_count');
  },

  read(chat, frame) {
    const room = roomOf(chat, frame.room_id);
    if (frame.data.user_id !== chat.me.id) return receipt(chat, frame, 'read_count');
    room.readSent = Math.max(room.readSent || 0, frame.data.seq);
    if (room.lastSeq !== null && frame.data.seq >= room.lastSeq && room.unread) {
      room.unread = 0;  // read in another tab
      chat.renderRooms();
    }
  },

  error(chat, frame) {
    const ref = typeof frame.ref === 'string' ? frame.ref : '';
    // r1, r2...: the request's caller reports it; m:...: a message's, send_error.
    if (kQuietRefs.has(ref) || /^r\d+$/.test(ref) || ref.startsWith('m:')) return;
    showError(frame.code, frame.message);
  },
};

export function applyFrame(chat, frame) {
  const handler = handlers[frame.type];
  if (handler && chat.client) handler(chat, frame);
}

// A room the list does not show yet (say, a direct chat someone just
// opened with me): a placeholder now, its name from the API soon after.
function roomOf(chat, roomId) {
  if (!chat.rooms.get(roomId)) {
    chat.rooms.merge([{ id: roomId, name: `room ${roomId}`, kind: 'direct', role: 'member' }]);
    chat.refreshRooms();
  }
  return chat.rooms.get(roomId);
}

function stopTyping(chat, room, userId) {
  const shown = room.typing.get(userId);
  if (!shown) return;
  clearTimeout(shown.timer);
  room.typing.delete(userId);
  chat.renderPresence(room);
}

function change(chat, frame, apply) {
  const room = roomOf(chat, frame.room_id);
  const message = room.messages.get(frame.data.seq);
  if (!message) return;
  apply(message);
  if (room.id === chat.openId && room.historyLoaded) chat.messages.upsert(message, 'sent');
}

// Another member received or read up to a seq: my messages up to it are
// delivered (and read), by at least one: what the ticks show.
function receipt(chat, frame, count) {
  const room = roomOf(chat, frame.room_id);
  for (const message of room.messages.values()) {
    if (message.user_id !== chat.me.id || message.seq > frame.data.seq || message[count] > 0) continue;
    message.delivered_count = Math.max(message.delivered_count || 0, 1);
    if (count === 'read_count') message.read_count = 1;
    if (room.id === chat.openId && room.historyLoaded) chat.messages.upsert(message, 'sent');
  }
}

function setReaction(message, emoji, count) {
  const others = (message.reactions || []).filter((r) => r.emoji !== emoji);
  message.reactions = count > 0 ? [...others, { emoji, count }] : others;
}
