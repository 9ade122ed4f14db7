// The HTTP API (docs/protocol.md): JSON in and out, the token as a Bearer
// header. A failure throws ApiError with the server's error code.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class Api {
  // tokenSource: () => the current token or null.
  constructor(tokenSource) {
    this.tokenSource = tokenSource;
  }

  async request(method, path, body) {
    const headers = {};
    const token = this.tokenSource();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network', 'cannot reach the server');
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = data && data.error;
      throw new ApiError(response.status, error ? error.code : 'http_' + response.status,
                         error ? error.message : response.statusText);
    }
    return data;
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
