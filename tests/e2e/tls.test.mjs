// The web client served over https:// by a chatd with --tls-cert/--tls-key
// (a self-signed certificate for localhost): it signs up and logs in over
// HTTPS, its live connection is wss:// on the same port, and two people chat
// through it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openClient, person, registerInPage, message, sendMessage, messageTexts, withChatd }
  from './support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('over https:// a person registers, another logs in, and they chat over wss://', async () => {
  await withChatd([], async (chatd, pages) => {
    const sockets = [];
    const watchSockets = async (page) => page.on('websocket', (socket) => sockets.push(socket.url()));
    const alice = await person(browser, chatd, 'alice', undefined, watchSockets);
    pages.push(alice);
    assert.match(alice.url(), new RegExp(`^https://localhost:${chatd.port}/`));

    // Bob signs up in one tab, signs out, and logs in from another browser.
    const signup = await person(browser, chatd, 'bob', undefined, watchSockets);
    await signup.getByTestId('logout').click();
    await signup.getByTestId('login').waitFor();
    await signup.context().close();
    const bob = await openClient(browser, chatd, undefined, watchSockets);
    pages.push(bob);
    await registerInPage(bob, 'bob', undefined, 'login');

    await sendMessage(alice, 'hello over tls');
    await alice.locator('[data-testid="message"][data-state="sent"]', { hasText: 'hello over tls' }).waitFor();
    await message(bob, 'hello over tls').waitFor();
    assert.equal(await message(bob, 'hello over tls').locator('.author').textContent(), 'alice');
    await sendMessage(bob, 'and back');
    await message(alice, 'and back').waitFor();
    assert.deepEqual(await messageTexts(alice), ['hello over tls', 'and back']);
    assert.deepEqual(await messageTexts(bob), ['hello over tls', 'and back']);

    // Every live connection went over TLS to the page's own host and port.
    assert.ok(sockets.length >= 3, `WebSockets opened: ${sockets.join(', ')}`);
    for (const url of sockets) assert.equal(url, `wss://localhost:${chatd.port}/ws`);
    // The server saw full TLS handshakes (read through the page: same origin, over HTTPS).
    const metrics = await alice.evaluate(() => fetch('/metrics').then((response) => response.text()));
    assert.match(metrics, /chatd_tls_handshakes_total\{result="full"\} [1-9]/);
  }, { tls: true });
});
