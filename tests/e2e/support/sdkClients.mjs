// The SDK's clients in Node against a real chatd (sdk*.test.mjs): clients
// whose getToken logs in, with the ws package as their WebSocket.
import WebSocket from 'ws';
import { ChatClient } from '../../../web/sdk/chatd.js';
import { Chatd } from './chatd.mjs';
import { call, register } from './http.mjs';

export const kPassword = 'correct-horse-battery';
export const kFast = { baseMs: 100, capMs: 1000 };

// A client for `username` whose getToken logs in (counted in .logins);
// `gate`, when set, is a promise getToken waits for first. options:
// WebSocket, fetch (default: ws's and Node's).
function client(chatd, username, options = {}) {
  const chat = new ChatClient({
    url: chatd.url,
    WebSocket: options.WebSocket || WebSocket,
    fetch: options.fetch,
    backoff: kFast,
    getToken: async () => {
      await chat.gate;
      chat.logins += 1;
      return (await call(chatd, 'POST', '/api/v1/login', null, { username, password: kPassword })).token;
    },
  });
  chat.logins = 0;
  chat.gate = null;
  return chat;
}

// Everything `target` emits as `name`, in order.
export function collect(target, name) {
  const seen = [];
  target.on(name, (value) => seen.push(value));
  return seen;
}

// `promise`, or a failure naming `what` after timeoutMs: a send that is
// never acknowledged fails the test instead of hanging it.
export function within(what, promise, timeoutMs = 15000) {
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// alice and bob, registered, connected and joined to the lobby (room 1).
export async function aliceAndBobInTheLobby(chatd, newClient) {
  await register(chatd, 'alice');
  await register(chatd, 'bob');
  const alice = newClient('alice');
  const bob = newClient('bob');
  await alice.connect();
  await bob.connect();
  await alice.room(1).join();
  await bob.room(1).join();
  return { alice, bob };
}

// Runs `body(chatd, newClient)` against a fresh chatd started with `args`;
// newClient(username, options) makes a client (closed at the end).
export async function withChatd(args, body) {
  const chatd = await Chatd.start(args);
  const clients = [];
  try {
    await body(chatd, (...rest) => {
      const chat = client(chatd, ...rest);
      clients.push(chat);
      return chat;
    });
  } finally {
    for (const chat of clients) chat.close();
    await chatd.dispose();
  }
}

// A WebSocket that never gets through, as behind a proxy that blocks it.
export class BlockedWebSocket {
  constructor() {
    this.readyState = 0;
    setTimeout(() => {
      this.readyState = 3;
      this.onclose?.({ code: 1006, reason: '' });
    }, 10);
  }

  close() {}
}
