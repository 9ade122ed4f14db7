// The HTTP API calls the page makes (docs/protocol.md), over the SDK's
// HttpApi: a failure throws its ChatError with the server's code and status.
import { HttpApi } from '../sdk/chatd.js';

export class Api extends HttpApi {
  // tokenSource: () => the current token or null.
  constructor(tokenSource) {
    super('', tokenSource);
  }

  register(username, password) {
    return this.request('POST', '/api/v1/register', { username, password });
  }
  login(username, password) {
    return this.request('POST', '/api/v1/login', { username, password });
  }
  logout() {
    return this.request('POST', '/api/v1/logout');
  }
  // Sets my nickname and/or avatar ({nickname?, avatar_file_id?: id or null}):
  // answers my user object.
  updateMe(changes) {
    return this.request('PATCH', '/api/v1/me', changes);
  }
  // A new token for the current one: {user, token, expires_at}.
  refreshToken() {
    return this.request('POST', '/api/v1/token/refresh');
  }
  // How many users are online on the server.
  onlineCount() {
    return this.request('GET', '/api/v1/online').then((r) => r.count);
  }
  // Every room, page after page: the list is paged (next_cursor).
  async rooms() {
    const rooms = [];
    let cursor = null;
    do {
      const query = cursor === null ? '?limit=500' : `?limit=500&cursor=${encodeURIComponent(cursor)}`;
      const page = await this.request('GET', `/api/v1/rooms${query}`);
      rooms.push(...page.rooms);
      cursor = page.next_cursor;
    } while (cursor);
    return rooms;
  }
  createRoom(name, kind) {
    return this.request('POST', '/api/v1/rooms', { name, kind }).then((r) => r.room);
  }
  direct(userId) {
    return this.request('POST', `/api/v1/direct/${userId}`).then((r) => r.room);
  }
  // The first `limit` members of a room, each {user, role, joined_at, last_seen_at}.
  members(roomId, limit) {
    return this.request('GET', `/api/v1/rooms/${roomId}/members?limit=${limit}`).then((r) => r.members);
  }
}
