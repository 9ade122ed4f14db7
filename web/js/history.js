// The rooms' past messages for the page: the newest page when a room is
// first shown, older pages as the reader scrolls up, and pages fetched again
// when the server says messages changed unseen (messages_changed). What it
// reads goes into the Chat's room model and, for the open room, on the page.
import { showError } from './views/errorView.js';

const kHistoryPage = 50;

export class History {
  constructor(chat) {
    this.chat = chat;
    this.loadingOlder = false;
  }

  // The newest page of a room; the open room is drawn again with it.
  async load(room) {
    const chat = this.chat;
    if (room.historyLoading) return;
    room.historyLoading = true;
    const client = chat.client;
    try {
      const reply = await room.live.history({ limit: kHistoryPage });
      if (chat.client !== client) return;
      for (const message of reply.messages) chat.putMessage(room, message);
      room.historyLoaded = true;
      room.hasOlder = reply.has_more;
      room.trimmedThrough(reply.first_seq - 1);
      if (room.unreadAfter === undefined) room.noteReadMark();
      if (room.id === chat.openId) {
        chat.showMessages(room);
        chat.markRead(0);
      }
    } catch (error) {
      if (error.code !== 'offline') showError(error.code, error.message);
    } finally {
      room.historyLoading = false;
    }
  }

  // The page before the oldest message shown in the open room.
  async loadOlder() {
    const chat = this.chat;
    const room = chat.openRoom();
    const client = chat.client;
    if (!room || !room.historyLoaded || !room.hasOlder || this.loadingOlder || !client || !client.connected) return;
    const oldest = room.oldestSeq();
    if (oldest === null || oldest <= room.firstSeq) {
      room.hasOlder = false;
      chat.messages.setHasOlder(false);
      return;
    }
    this.loadingOlder = true;
    try {
      const reply = await room.live.history({ before: oldest, limit: kHistoryPage });
      if (chat.client !== client) return;
      for (const message of reply.messages) chat.putMessage(room, message);
      room.hasOlder = reply.has_more;
      room.trimmedThrough(reply.first_seq - 1);
      if (room.id === chat.openId) {
        chat.messages.prepend(reply.messages);
        chat.messages.setHasOlder(room.hasOlder);
      }
    } catch (error) {
      if (error.code !== 'offline') showError(error.code, error.message);
    } finally {
      this.loadingOlder = false;
    }
  }

  // Messages fromSeq..toSeq changed while this tab was too far behind to be
  // sent each change (docs/protocol.md, "Slow readers"): read the ones it
  // shows again.
  async refetch(room, fromSeq, toSeq) {
    const chat = this.chat;
    const client = chat.client;
    try {
      for (let after = fromSeq - 1; after < toSeq;) {
        const reply = await room.live.history({ after, limit: kHistoryPage });
        if (chat.client !== client || reply.messages.length === 0) return;
        for (const message of reply.messages) {
          if (message.seq > toSeq || !room.messages.has(message.seq)) continue;
          chat.putMessage(room, message);
          if (room.id === chat.openId && room.historyLoaded) chat.messages.upsert(message, 'sent');
        }
        after = reply.messages[reply.messages.length - 1].seq;
      }
    } catch (error) {
      if (error.code !== 'offline') showError(error.code, error.message);
    }
  }
}
