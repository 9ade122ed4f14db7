// With the WebSocket blocked (as by a proxy), the web client chats over HTTP
// long-polling and says so, the whole protocol (messages, edits, reactions,
// typing); once the WebSocket gets through again it goes back to it, each
// message shown and stored once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ChatClient } from '../../web/sdk/chatd.js';
import { register, joinRoom, post, allMessages } from './support/http.mjs';
import { launch, openClient, registerInPage, message, sendMessage, messageTexts, expectNoConsoleErrors, withChatd }
  from './support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function status(page, state) {
  return page.locator(`[data-testid="connection-status"][data-state="${state}"]`);
}

test('the WebSocket blocked: chat over long-polling, then back to the WebSocket', async () => {
  await withChatd([], async (chatd) => {
    let blocked = true;
    const alice = await openClient(browser, chatd, undefined, (page) => page.routeWebSocket(/\/ws$/, (ws) => {
      if (blocked) ws.close();
      else ws.connectToServer();
    }));
    let live;
    try {
      await alice.getByTestId('username').fill('alice');
      await alice.getByTestId('password').fill('correct-horse-battery');
      await alice.getByTestId('register').click();
      await status(alice, 'polling').waitFor({ timeout: 15000 });
      assert.match(await alice.getByTestId('connection-status').textContent(), /long-polling/);

      const bob = await register(chatd, 'bob');
      await joinRoom(chatd, bob.token, 1);
      // bob on the WebSocket, with the SDK: what only the chat protocol carries.
      live = new ChatClient({ url: chatd.url, token: bob.token, WebSocket });
      await live.connect();
      const lobby = live.room(1);
      await lobby.join();
      const first = await lobby.send('can you hear me');
      await message(alice, 'can you hear me').waitFor();
      await lobby.edit(first.id, 'can you hear me?');
      await message(alice, 'can you hear me?').locator('.edited').waitFor();
      await lobby.react(first.id, '👍');
      await message(alice, 'can you hear me?').getByTestId('reaction').filter({ hasText: '👍 1' }).waitFor();
      lobby.typing();
      await alice.locator('#typing', { hasText: 'bob' }).waitFor();
      lobby.typing(false);
      await sendMessage(alice, 'over http');
      await alice.locator('[data-testid="message"][data-state="sent"]', { hasText: 'over http' }).waitFor();
      await post(chatd, bob.token, 1, 'loud and clear');
      await message(alice, 'loud and clear').waitFor();

      blocked = false;
      await status(alice, 'connected').waitFor({ timeout: 20000 });
      await post(chatd, bob.token, 1, 'and now live');
      await message(alice, 'and now live').waitFor();
      await sendMessage(alice, 'over the websocket');
      await alice.locator('[data-testid="message"][data-state="sent"]', { hasText: 'over the websocket' }).waitFor();

      const expected = ['can you hear me?', 'over http', 'loud and clear', 'and now live', 'over the websocket'];
      assert.deepEqual(await messageTexts(alice), expected);
      assert.deepEqual((await allMessages(chatd, bob.token, 1)).map((m) => m.content), expected);
      // Chromium logs the blocked handshakes itself.
      expectNoConsoleErrors([alice], [/WebSocket/]);
    } finally {
      live?.close();
      await alice.context().close();
    }
  });
});
