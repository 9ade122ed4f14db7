// The web client across a restart of chatd (SIGTERM, then the same port and
// data directory): the page says it is reconnecting, resumes the room from
// its last seq (the messages another client sent meanwhile appear once, in
// order) and delivers what was typed while the server was away exactly once;
// and a connection lost between a message's commit and its ack; and the
// server's reconnect hint (server_restarting) delays the next attempt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Chatd } from './support/chatd.mjs';
import { register, joinRoom, post, allMessages } from './support/http.mjs';
import { launch, person, message, sendMessage, messageTexts, connected, expectNoConsoleErrors }
  from './support/browser.mjs';

// While chatd is down Chromium itself logs each refused WebSocket.
// What the browser logs while chatd is down: a refused WebSocket, and, after
// two of those, the refused HTTP probe of the long-polling fallback.
const kRefused = [/WebSocket connection to .* failed/, /Failed to load resource: net::ERR_CONNECTION_REFUSED/];
const kReconnectMs = 30000;  // the client's backoff is capped at 10 s
// A restart tells the page to wait up to --reconnect-spread (default 10 s): shorter here.
const kShortSpread = ['--reconnect-spread', '1'];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function stopCleanly(chatd) {
  const exit = await chatd.stop('SIGTERM');
  assert.deepEqual(exit, { code: 0, signal: null }, `SIGTERM should exit 0; chatd log:\n${chatd.log}`);
}

function status(page, state) {
  return page.locator(`[data-testid="connection-status"][data-state="${state}"]`);
}

test('after a restart the page reconnects, catches up, and sends the offline message once', async () => {
  const chatd = await Chatd.start(kShortSpread);
  let alice;
  try {
    const bob = await register(chatd, 'bob');
    await joinRoom(chatd, bob.token, 1);
    alice = await person(browser, chatd, 'alice');
    await post(chatd, bob.token, 1, 'before the restart');
    await message(alice, 'before the restart').waitFor();

    await stopCleanly(chatd);
    await status(alice, 'reconnecting').waitFor();
    await sendMessage(alice, 'typed while offline');
    await alice.locator('[data-testid="message"][data-state="pending"]', { hasText: 'typed while offline' }).waitFor();

    // The browser goes offline too, so the page cannot come back before bob
    // has written: what he sends is caught up on, not received live.
    await alice.context().setOffline(true);
    await status(alice, 'offline').waitFor();
    await chatd.start();
    await post(chatd, bob.token, 1, 'while you were away 1');
    await post(chatd, bob.token, 1, 'while you were away 2');
    await alice.context().setOffline(false);

    await connected(alice, kReconnectMs);
    await alice.locator('[data-testid="message"][data-state="sent"]', { hasText: 'typed while offline' })
      .waitFor({ timeout: kReconnectMs });
    await message(alice, 'while you were away 2').waitFor();
    const shown = await messageTexts(alice);
    assert.deepEqual(shown.slice(0, 3), ['before the restart', 'while you were away 1', 'while you were away 2']);
    assert.equal(shown.filter((t) => t === 'typed while offline').length, 1);
    assert.equal(shown.length, 4);

    const stored = await allMessages(chatd, bob.token, 1);
    assert.deepEqual(stored.map((m) => m.seq), [1, 2, 3, 4]);
    assert.equal(stored.filter((m) => m.content === 'typed while offline').length, 1, 'stored exactly once');
    const seqs = await alice.locator('[data-testid="message"]').evaluateAll((nodes) => nodes.map((n) => n.dataset.seq));
    assert.deepEqual(seqs, ['1', '2', '3', '4']);
    expectNoConsoleErrors([alice], kRefused);
  } finally {
    await alice?.context().close();
    await chatd.dispose();
  }
});

test('a restart with the page online: it reconnects by itself and resumes', async () => {
  const chatd = await Chatd.start(kShortSpread);
  let alice;
  try {
    const bob = await register(chatd, 'bob');
    await joinRoom(chatd, bob.token, 1);
    alice = await person(browser, chatd, 'alice');
    await sendMessage(alice, 'one');
    await alice.locator('[data-testid="message"][data-seq="1"][data-state="sent"]').waitFor();

    await stopCleanly(chatd);
    await status(alice, 'reconnecting').waitFor();
    await sendMessage(alice, 'two, queued');
    await chatd.start();
    await post(chatd, bob.token, 1, 'three, from bob');

    await connected(alice, kReconnectMs);
    await message(alice, 'three, from bob').waitFor({ timeout: kReconnectMs });
    await alice.locator('[data-testid="message"][data-state="sent"]', { hasText: 'two, queued' }).waitFor();
    const stored = (await allMessages(chatd, bob.token, 1)).map((m) => m.content);
    assert.deepEqual([...stored].sort(), ['one', 'three, from bob', 'two, queued']);
    assert.deepEqual([...(await messageTexts(alice))].sort(), [...stored].sort());
    expectNoConsoleErrors([alice], kRefused);
  } finally {
    await alice?.context().close();
    await chatd.dispose();
  }
});

test('an ack lost with the connection: the message is neither doubled on the page nor stored twice', async () => {
  const chatd = await Chatd.start();
  let alice;
  try {
    // Between the page and chatd: the first ack is swallowed and the
    // connection cut, after the server has stored the message.
    let cutAtAck = true;
    const cut = async (page) => page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((text) => server.send(text));
      server.onMessage((text) => {
        if (cutAtAck && JSON.parse(text).type === 'ack') {
          cutAtAck = false;
          server.close();
          ws.close({ code: 4000, reason: 'cut by the test' });
          return;
        }
        ws.send(text);
      });
    });
    alice = await person(browser, chatd, 'alice', undefined, cut);
    await sendMessage(alice, 'acked late');
    await connected(alice, kReconnectMs);
    await alice.locator('[data-testid="message"][data-seq="1"][data-state="sent"]', { hasText: 'acked late' }).waitFor();
    assert.equal(cutAtAck, false, 'the connection was cut at the ack');
    await sendMessage(alice, 'after');
    await alice.locator('[data-testid="message"][data-seq="2"][data-state="sent"]').waitFor();

    assert.deepEqual(await messageTexts(alice), ['acked late', 'after']);
    const bob = await register(chatd, 'bob');
    assert.deepEqual((await allMessages(chatd, bob.token, 1)).map((m) => m.content), ['acked late', 'after']);
    expectNoConsoleErrors([alice], kRefused);
  } finally {
    await alice?.context().close();
    await chatd.dispose();
  }
});

test('server_restarting: the page waits reconnect_after_ms before it reconnects', async () => {
  const chatd = await Chatd.start();
  let alice;
  try {
    // Between the page and chatd: each WebSocket the page opens is noted, and
    // the test can play a restarting server to the page on the open one.
    const opened = [];
    let toPage = null;
    const watch = async (page) => page.routeWebSocket(/\/ws$/, (ws) => {
      opened.push(Date.now());
      const server = ws.connectToServer();
      ws.onMessage((text) => server.send(text));
      server.onMessage((text) => ws.send(text));
      toPage = ws;
    });
    alice = await person(browser, chatd, 'alice', undefined, watch);
    await connected(alice, kReconnectMs);

    // Without a hint the page comes back after its own backoff (at most 0.5 s the first time).
    const before = opened.length;
    let cutAt = Date.now();
    toPage.close({ code: 1001, reason: 'server shutting down' });
    await connected(alice, kReconnectMs);
    assert.equal(opened.length, before + 1);
    assert.ok(opened.at(-1) - cutAt < 1500, `reconnected ${opened.at(-1) - cutAt} ms after a plain close`);

    const kHintMs = 2500;
    toPage.send(JSON.stringify({ type: 'server_restarting', reconnect_after_ms: kHintMs }));
    cutAt = Date.now();
    toPage.close({ code: 1001, reason: 'server shutting down' });
    await status(alice, 'reconnecting').waitFor();
    await connected(alice, kReconnectMs);
    const waitedMs = opened.at(-1) - cutAt;
    assert.equal(opened.length, before + 2, 'one attempt after the hint');
    assert.ok(waitedMs >= kHintMs, `reconnected after ${waitedMs} ms, before the ${kHintMs} ms asked`);
    assert.ok(waitedMs < kHintMs + 1500, `reconnected after ${waitedMs} ms: hint plus more than the backoff`);
    expectNoConsoleErrors([alice], kRefused);
  } finally {
    await alice?.context().close();
    await chatd.dispose();
  }
});
