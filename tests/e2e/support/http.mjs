// The HTTP API, for what a test does as "another client" and for checking
// what the server stored.
export async function call(chatd, method, path, token, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(chatd.url + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return data;
}

// Registers a user; resolves with {user, token}.
export function register(chatd, username, password = 'correct-horse-battery') {
  return call(chatd, 'POST', '/api/v1/register', null, { username, password });
}

export function joinRoom(chatd, token, roomId) {
  return call(chatd, 'POST', `/api/v1/rooms/${roomId}/join`, token);
}

export async function post(chatd, token, roomId, content, clientId) {
  const body = clientId ? { content, client_id: clientId } : { content };
  return (await call(chatd, 'POST', `/api/v1/rooms/${roomId}/messages`, token, body)).message;
}

// Every message of a room, oldest first (pages of 100).
export async function allMessages(chatd, token, roomId) {
  const messages = [];
  let after = 0;
  for (;;) {
    const page = await call(chatd, 'GET', `/api/v1/rooms/${roomId}/messages?after=${after}&limit=100`, token);
    messages.push(...page.messages);
    if (!page.has_more || page.messages.length === 0) return messages;
    after = page.messages[page.messages.length - 1].seq;
  }
}

// Resolves with check()'s value once it is truthy; polls every 50 ms, fails
// after timeoutMs with `what`.
export async function eventually(what, check, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
