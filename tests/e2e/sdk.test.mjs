// The client SDK (web/sdk/chatd.js) in Node against a real chatd, with the
// ws package as its WebSocket: docs/sdk.md's example as written, two
// clients talking, acks and refusals as promises, history pages, a token
// refreshed on the open session, and restarts and lost acks with messages
// in the outbox: each stored and delivered exactly once, the missed ones
// caught up by sync; call signalling relayed between two clients; with the
// WebSocket blocked, the whole protocol over HTTP long-polling until the
// WebSocket gets through again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { ChatClient } from '../../web/sdk/chatd.js';
import { repoRoot } from './support/chatd.mjs';
import { call, register, post, allMessages, eventually } from './support/http.mjs';
import { kPassword, kFast, collect, within, aliceAndBobInTheLobby, withChatd, BlockedWebSocket } from './support/sdkClients.mjs';

test("docs/sdk.md's example runs as written", async () => {
  await withChatd([], async (chatd) => {
    const bob = await register(chatd, 'bob');
    await call(chatd, 'POST', '/api/v1/rooms/1/join', bob.token);
    await post(chatd, bob.token, 1, 'welcome, ann');
    await register(chatd, 'ann', 'correct-horse');

    const doc = readFileSync(path.join(repoRoot, 'docs/sdk.md'), 'utf8');
    const example = /```js\n([\s\S]*?)```/.exec(doc)[1]
      .replace("'http://127.0.0.1:8080'", JSON.stringify(chatd.url))
      .replace("from 'ws'", `from ${JSON.stringify(import.meta.resolve('ws'))}`)
      .replace("from './web/sdk/chatd.js'", `from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'web/sdk/chatd.js')).href)}`);
    assert.ok(example.split('\n').length <= 26, 'the example stays about 20 lines');
    const dir = mkdtempSync(path.join(tmpdir(), 'chatd-sdk-example-'));
    try {
      writeFileSync(path.join(dir, 'hello.mjs'), example);
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(dir, 'hello.mjs')], { timeout: 20000 });
      assert.match(stdout, /^1 earlier messages\nstored as #2\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual((await allMessages(chatd, bob.token, 1)).map((m) => [m.user.username, m.content]),
                     [['bob', 'welcome, ann'], ['ann', 'hello from ann']]);
  });
});

test('two clients in a room: the ack resolves with the stored message, the other gets it as an event; presence follows', async () => {
  await withChatd([], async (chatd, newClient) => {
    await register(chatd, 'alice');
    await register(chatd, 'bob');
    const alice = newClient('alice');
    const bob = newClient('bob');
    assert.equal((await alice.connect()).username, 'alice');
    await bob.connect();
    const presence = collect(alice.room(1), 'presence');
    await alice.room(1).join();
    await bob.room(1).join();
    const heardByBob = collect(bob.room(1), 'message');
    const heardByAlice = collect(alice.room(1), 'message');
    const other = bob.room(2);
    const wrongRoom = collect(other, 'message');

    const stored = await alice.room(1).send('hello bob');
    assert.equal(stored.seq, 1);
    assert.equal(stored.content, 'hello bob');
    assert.equal(stored.user.username, 'alice');
    assert.ok(stored.id > 0 && stored.client_id);
    await eventually('bob hears alice', () => heardByBob.length === 1);
    assert.deepEqual(heardByBob[0], stored);

    const reply = await bob.room(1).send('hi alice');
    assert.equal(reply.seq, 2);
    await eventually('alice hears bob', () => heardByAlice.length === 1);
    assert.equal(heardByAlice[0].content, 'hi alice');
    assert.equal(alice.room(1).lastSeq, 2);
    assert.equal(bob.room(1).lastSeq, 2);
    assert.deepEqual(wrongRoom, []);
    assert.deepEqual(alice.outbox.entries, []);

    const names = (users) => users.map((u) => u.username).sort().join(' ');
    await eventually('alice sees bob online', () => names(presence.at(-1) || []) === 'alice bob');
    bob.close();
    await eventually('alice sees bob leave', () => names(presence.at(-1)) === 'alice');
    assert.equal(names([...alice.room(1).online.values()]), 'alice');
  });
});

test('receipts: the receiver confirms on its own, the sender hears it and history counts it', async () => {
  await withChatd([], async (chatd, newClient) => {
    const { alice, bob } = await aliceAndBobInTheLobby(chatd, newClient);
    const receipts = collect(alice.room(1), 'received');
    const stored = await alice.room(1).send('did you get this?');
    await eventually("alice hears bob's receipt", () => receipts.some((r) => r.user_id === bob.user.id && r.seq >= stored.seq));
    const page = await alice.room(1).history({ limit: 10 });
    const mine = page.messages.find((m) => m.seq === stored.seq);
    assert.equal(mine.delivered_count, 1, JSON.stringify(mine));
    assert.equal(mine.read_count, 0);
    assert.equal(receipts.filter((r) => r.user_id === bob.user.id).length, 1, 'one receipt for one message');
  });
});

test('refusals reject with the server code; retried ones arrive once', async () => {
  await withChatd(['--max-content', '100', '--rate', '2', '--burst', '6'], async (chatd, newClient) => {
    const bob = await register(chatd, 'bob');
    const secret = (await call(chatd, 'POST', '/api/v1/rooms', bob.token, { name: 'secret', kind: 'private' })).room;
    await register(chatd, 'alice');
    const alice = newClient('alice');
    await alice.connect();
    const errors = collect(alice, 'send_error');

    await assert.rejects(alice.room(1).send('x'.repeat(101)), { name: 'ChatError', code: 'too_large' });
    await assert.rejects(alice.room(secret.id).send('let me in'), { code: 'not_found' });
    await assert.rejects(alice.room(9999).history(), { code: 'not_found' });
    const stranger = new ChatClient({ url: chatd.url, token: 'not-a-token', WebSocket, backoff: kFast });
    const refused = collect(stranger, 'auth_failed');
    await assert.rejects(stranger.connect(), { code: 'unauthorized' });
    assert.equal(stranger.state, 'closed', 'a refused token is not retried');
    assert.equal(refused.length, 1);
    assert.deepEqual(errors.map((e) => [e.error.code, e.retrying]), [['too_large', false], ['not_found', false]]);

    // Over the rate: refused with rate_limited, kept and retried by the client.
    await alice.room(1).join();
    const sends = ['a', 'b', 'c', 'd', 'e', 'f'].map((text) => alice.room(1).send(text));
    const seqs = (await within('the rate-limited messages', Promise.all(sends))).map((m) => m.seq).sort((x, y) => x - y);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6]);
    assert.ok(errors.some((e) => e.error.code === 'rate_limited' && e.retrying), 'some were rate limited');
    assert.deepEqual((await allMessages(chatd, bob.token, 1)).map((m) => m.content).sort(), ['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

test('history pages back to the first message', async () => {
  await withChatd(['--rate', '0'], async (chatd, newClient) => {
    const bob = await register(chatd, 'bob');
    await call(chatd, 'POST', '/api/v1/rooms/1/join', bob.token);
    for (let i = 1; i <= 25; i++) await post(chatd, bob.token, 1, `m${i}`);
    await register(chatd, 'alice');
    const alice = newClient('alice');
    await alice.connect();
    const room = alice.room(1);

    const pages = [];
    let page = await room.history({ limit: 10 });
    pages.push(page.messages.map((m) => m.seq));
    while (page.has_more) {
      page = await room.history({ before: page.messages[0].seq, limit: 10 });
      pages.push(page.messages.map((m) => m.seq));
    }
    const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    assert.deepEqual(pages, [range(16, 25), range(6, 15), range(1, 5)]);
    assert.equal(page.first_seq, 1);
    assert.deepEqual((await room.history({ after: 23 })).messages.map((m) => m.content), ['m24', 'm25']);
  });
});

test('a restart with messages in the outbox: each stored and delivered once, the missed ones caught up by sync', async () => {
  await withChatd(['--reconnect-spread', '1'], async (chatd, newClient) => {
    const carol = await register(chatd, 'carol');
    await call(chatd, 'POST', '/api/v1/rooms/1/join', carol.token);
    const { alice, bob } = await aliceAndBobInTheLobby(chatd, newClient);
    const heard = collect(bob.room(1), 'message');
    const welcomes = collect(bob, 'welcome');
    await alice.room(1).send('before');
    await eventually('bob hears the first message', () => heard.length === 1);

    const exit = await chatd.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null });
    await eventually('both clients see the drop', () => !alice.connected && !bob.connected);
    let letBobIn;
    bob.gate = new Promise((resolve) => { letBobIn = resolve; });  // bob stays away until told
    const offline = ['queued 1', 'queued 2', 'queued 3'].map((text) => alice.room(1).send(text));
    assert.equal(alice.outbox.entries.length, 3);
    await chatd.start();

    const acked = await within('the queued messages to be acknowledged', Promise.all(offline));
    assert.deepEqual(acked.map((m) => m.content), ['queued 1', 'queued 2', 'queued 3']);
    await post(chatd, carol.token, 1, 'while bob was away');
    assert.equal(bob.connected, false);
    assert.equal(welcomes.length, 0);
    letBobIn();

    await eventually('bob catches up', () => heard.length === 5, 20000);
    assert.equal(welcomes.length, 1, 'bob reconnected once');
    const stored = await allMessages(chatd, carol.token, 1);
    assert.deepEqual(stored.map((m) => m.content).sort(),
                     ['before', 'queued 1', 'queued 2', 'queued 3', 'while bob was away'].sort());
    assert.deepEqual(stored.map((m) => m.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(heard.map((m) => m.seq), [1, 2, 3, 4, 5], 'in order, each once');
    assert.deepEqual(heard.map((m) => m.content), stored.map((m) => m.content));
    assert.equal(bob.room(1).lastSeq, 5);
    assert.deepEqual(alice.outbox.entries, []);

    // Live again: nothing is repeated afterwards.
    await alice.room(1).send('after');
    await eventually('bob hears the next one', () => heard.length === 6);
    assert.equal(heard[5].seq, 6);
  });
});

// ws, cut by the client's side at the first ack it receives: the message is
// committed but its ack lost with the connection.
let cutAtAck = false;
class CutAtAck extends WebSocket {
  set onmessage(listener) {
    super.onmessage = listener && ((event) => {
      if (cutAtAck && JSON.parse(event.data).type === 'ack') {
        cutAtAck = false;
        this.terminate();
        return;
      }
      listener(event);
    });
  }

  get onmessage() {
    return super.onmessage;
  }
}

test('an ack lost with the connection: the resend is answered with the original, nothing stored twice', async () => {
  await withChatd([], async (chatd, newClient) => {
    const bob = await register(chatd, 'bob');
    await register(chatd, 'alice');
    const alice = newClient('alice', { WebSocket: CutAtAck });
    const welcomes = collect(alice, 'welcome');
    await alice.connect();
    await alice.room(1).join();
    cutAtAck = true;
    const stored = await within('the ack after the cut', alice.room(1).send('acked late'));
    assert.equal(cutAtAck, false, 'the connection was cut at the ack');
    assert.equal(welcomes.length, 2, 'resent on a new connection');
    assert.equal(stored.seq, 1);
    assert.equal((await alice.room(1).send('after')).seq, 2);
    assert.deepEqual((await allMessages(chatd, bob.token, 1)).map((m) => m.content), ['acked late', 'after']);
  });
});

test('an expiring token is refreshed on the open session through getToken', async () => {
  await withChatd(['--token-ttl', '5'], async (chatd, newClient) => {
    await register(chatd, 'alice');
    const alice = newClient('alice');
    const refreshed = collect(alice, 'token_refreshed');
    const welcomes = collect(alice, 'welcome');
    await alice.connect();
    await alice.room(1).join();
    await eventually('token_refreshed', () => refreshed.length >= 1, 8000);
    assert.ok(alice.logins >= 2);
    await new Promise((resolve) => setTimeout(resolve, 4000));  // past the first token's expiry
    assert.equal(welcomes.length, 1, 'never reconnected');
    assert.equal(alice.state, 'connected');
    assert.equal((await alice.room(1).send('still here')).seq, 1);
  });
});

test('a getToken that fails is said as token_error and tried again with the backoff', async () => {
  await withChatd([], async (chatd, newClient) => {
    await register(chatd, 'alice');
    const alice = newClient('alice');
    const login = alice.getToken;
    let failures = 2;
    alice.getToken = async () => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('the login service is down');
      }
      return login();
    };
    const errors = collect(alice, 'token_error');
    await within('connected after two failed getToken', alice.connect());
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /login service is down/);
    assert.equal(alice.state, 'connected');
  });
});

test('upload: POST /api/v1/files answers the stored file, which its uploader downloads', async () => {
  await withChatd([], async (chatd, newClient) => {
    await register(chatd, 'alice');
    const alice = newClient('alice');
    await alice.connect();
    const file = await alice.upload(new TextEncoder().encode('hello file'), { name: 'hello.txt', contentType: 'text/plain' });
    assert.equal(file.name, 'hello.txt');
    assert.equal(file.size, 10);
    assert.equal(file.content_type, 'text/plain');
    assert.match(file.sha256, /^[0-9a-f]{64}$/);
    const download = await fetch(`${chatd.url}${file.url}`);
    assert.equal(download.status, 200);
    assert.equal(await download.text(), 'hello file');
  });
});

test('upload posts the raw bytes to /api/v1/files?name= with the token', async () => {
  const requests = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(201, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ id: 7, name: 'notes 1.txt', size: 10, content_type: 'text/plain', sha256: 'ab' }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const chat = new ChatClient({ url: `http://127.0.0.1:${server.address().port}/`, token: 'tok', WebSocket });
    const file = await chat.upload(new TextEncoder().encode('hello file'), { name: 'notes 1.txt', contentType: 'text/plain' });
    assert.deepEqual(file, { id: 7, name: 'notes 1.txt', size: 10, content_type: 'text/plain', sha256: 'ab' });
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, 'POST');
    assert.equal(requests[0].url, '/api/v1/files?name=notes%201.txt');
    assert.equal(requests[0].headers.authorization, 'Bearer tok');
    assert.equal(requests[0].headers['content-type'], 'text/plain');
    assert.equal(requests[0].body.toString(), 'hello file');
  } finally {
    server.close();
  }
});

test('call signalling: invite rings the other side, accept, offer, answer and ICE are relayed, hangup ends it', async () => {
  const iceServers = [{ urls: 'stun:stun.example.net:3478' }];
  await withChatd(['--ice-servers', JSON.stringify(iceServers)], async (chatd, connect) => {
    await register(chatd, 'ann', kPassword);
    const bobUser = (await register(chatd, 'bob', kPassword)).user;
    const ann = connect('ann');
    const bob = connect('bob');
    await Promise.all([ann.connect(), bob.connect()]);
    assert.deepEqual(ann.iceServers, iceServers);
    const room = (await call(chatd, 'POST', `/api/v1/direct/${bobUser.id}`, ann.token)).room;
    const heard = (chat, name) => new Promise((resolve) => { const stop = chat.calls.on(name, (data) => { stop(); resolve(data); }); });

    const ringing = heard(bob, 'invite');
    const placed = await within('the invite', ann.calls.invite(room.id, 'video'));
    const ring = await within('the ring', ringing);
    assert.equal(ring.call_id, placed.call_id);
    assert.equal(ring.room_id, room.id);
    assert.equal(ring.media, 'video');
    assert.equal(ring.from.username, 'ann');

    const accepted = heard(ann, 'accept');
    assert.equal(bob.calls.accept(ring.call_id), true);
    await within('the accept', accepted);
    const offered = heard(bob, 'offer');
    ann.calls.offer(placed.call_id, 'v=0 offer');
    assert.equal((await within('the offer', offered)).sdp, 'v=0 offer');
    const answered = heard(ann, 'answer');
    bob.calls.answer(ring.call_id, 'v=0 answer');
    assert.equal((await within('the answer', answered)).sdp, 'v=0 answer');
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    const trickled = heard(bob, 'ice');
    ann.calls.ice(placed.call_id, candidate);
    assert.deepEqual((await within('the candidate', trickled)).candidate, candidate);

    const hungUp = heard(ann, 'hangup');
    bob.calls.hangup(ring.call_id);
    assert.equal((await within('the hangup', hungUp)).reason, 'hung_up');
  });
});

test('with the WebSocket blocked the client long-polls the whole protocol, then takes the WebSocket back', async () => {
  await withChatd([], async (chatd, connect) => {
    await register(chatd, 'ann', kPassword);
    await register(chatd, 'bob', kPassword);
    let blocked = true;
    function SometimesBlocked(url) {
      return blocked ? new BlockedWebSocket() : new WebSocket(url);
    }
    const ann = connect('ann', { WebSocket: SometimesBlocked });
    const states = collect(ann, 'state');
    await within('the welcome over long-polling', ann.connect());
    assert.equal(ann.state, 'polling');
    assert.equal(ann.connected, true);
    const bob = connect('bob');
    await bob.connect();
    await bob.room(1).join();
    const lobby = ann.room(1);
    const heard = collect(lobby, 'message');
    const edits = collect(lobby, 'message_edited');
    const typing = collect(lobby, 'typing');
    await within('the join over long-polling', lobby.join());

    const question = await bob.room(1).send('anyone there?');
    await eventually('the polled message', () => heard.some((m) => m.content === 'anyone there?'));
    await bob.room(1).edit(question.id, 'anyone there at all?');
    await eventually('the polled edit', () => edits.some((e) => e.content === 'anyone there at all?'));
    bob.room(1).typing();
    await eventually('the polled typing', () => typing.some((t) => t.user.id === bob.user.id && t.typing));
    const stored = await within('the send over long-polling', lobby.send('yes, over HTTP'));
    assert.equal(stored.content, 'yes, over HTTP');
    assert.deepEqual((await lobby.history()).messages.map((m) => m.seq), [1, 2]);

    blocked = false;
    await eventually('the WebSocket back', () => ann.state === 'connected', 15000);
    assert.deepEqual(states.slice(-2), ['polling', 'connected']);
    await bob.room(1).send('and now live');
    await eventually('the live message', () => heard.some((m) => m.content === 'and now live'));
    await within('the send over the WebSocket', lobby.send('over the WebSocket'));
    assert.deepEqual((await allMessages(chatd, ann.token, 1)).map((m) => m.content),
                     ['anyone there at all?', 'yes, over HTTP', 'and now live', 'over the WebSocket']);
    assert.deepEqual(heard.filter((m) => m.user_id === bob.user.id).map((m) => m.content), ['anyone there?', 'and now live']);
  });
});

test('over long-polling sends keep their order, and a poll session that ends is reopened and resumed', async () => {
  await withChatd([], async (chatd, connect) => {
    await register(chatd, 'ann', kPassword);
    const bob = await register(chatd, 'bob', kPassword);
    await call(chatd, 'POST', '/api/v1/rooms/1/join', bob.token);
    const sessions = [];  // the poll sessions' URLs, in the order opened
    let posts = 0;
    const noteSessions = async (url, init) => {
      // Every other message posted is slow: posted together, they would arrive out of order.
      if (init.method === 'POST' && sessions.some((session) => url === session) && posts++ % 2 === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const response = await fetch(url, init);
      if (init.method === 'POST' && url.endsWith('/api/v1/poll') && response.status === 201) {
        sessions.push(`${url}/${(await response.clone().json()).session}`);
      }
      return response;
    };
    const ann = connect('ann', { WebSocket: BlockedWebSocket, fetch: noteSessions });
    await within('the welcome over long-polling', ann.connect());
    const lobby = ann.room(1);
    await within('the join over long-polling', lobby.join());
    const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
    await within('the sends', Promise.all(texts.map((text) => lobby.send(text))));
    assert.deepEqual((await allMessages(chatd, bob.token, 1)).map((m) => m.content), texts);

    const heard = collect(lobby, 'message');
    const states = collect(ann, 'state');
    assert.equal((await fetch(sessions[0], { method: 'DELETE' })).status, 204);
    await post(chatd, bob.token, 1, 'while you were away');
    await eventually('the missed message', () => heard.some((m) => m.content === 'while you were away'));
    assert.equal(sessions.length, 2);
    assert.deepEqual(states, ['connecting', 'polling']);
    assert.deepEqual(heard.map((m) => m.content), ['while you were away']);
  });
});
