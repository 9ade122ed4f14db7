// Rooms in the web client: creating one, unread counts that follow what was
// read, older history loaded by scrolling up (down to where --history-max
// left a room), and the errors a sender can hit (too large, rate limited)
// shown rather than swallowed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, register, joinRoom, post, allMessages, eventually } from './support/http.mjs';
import { launch, person, message, sendMessage, messageTexts, withChatd } from './support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


function roomNamed(page, name) {
  return page.locator('[data-testid="room-item"]').filter({ hasText: name });
}

function tokenOf(page) {
  return page.evaluate(() => localStorage.getItem('chatd.token'));
}

test('create a room, unread counts follow reading, scrolling up loads older history', async () => {
  await withChatd(['--rate', '0'], async (chatd, pages) => {
    const bob = await register(chatd, 'bob');
    const archive = (await call(chatd, 'POST', '/api/v1/rooms', bob.token, { name: 'archive', kind: 'public' })).room;
    for (let i = 1; i <= 70; i++) await post(chatd, bob.token, archive.id, `old ${i}`);
    await joinRoom(chatd, bob.token, 1);

    const alice = await person(browser, chatd, 'alice');
    pages.push(alice);

    // Create: the new room opens at once and takes messages.
    await alice.getByTestId('room-name').fill('design');
    await alice.getByTestId('create-room').click();
    await alice.locator('[data-testid="room-item"][aria-current="true"]', { hasText: 'design' }).waitFor();
    await alice.locator('#room-title', { hasText: 'design' }).waitFor();
    await sendMessage(alice, 'first in design');
    await alice.locator('[data-testid="message"][data-seq="1"][data-state="sent"]').waitFor();

    // Unread: bob writes in the lobby while alice is in design.
    for (const text of ['one', 'two', 'three']) await post(chatd, bob.token, 1, text);
    const lobby = roomNamed(alice, 'lobby');
    await alice.locator('[data-testid="room-item"][data-unread="3"]', { hasText: 'lobby' }).waitFor();
    await lobby.click();
    assert.deepEqual(await messageTexts(alice), ['one', 'two', 'three']);
    assert.equal(await lobby.getAttribute('data-unread'), '0');

    // Older history: the newest 50 first, the rest when scrolled to the top.
    await roomNamed(alice, 'archive').click();
    await message(alice, 'old 70').waitFor();
    const messages = alice.locator('[data-testid="message-list"] [data-testid="message"]');
    assert.equal(await messages.count(), 50);
    assert.equal(await messages.first().getAttribute('data-seq'), '21');
    await alice.getByTestId('message-list').evaluate((list) => { list.scrollTop = 0; });
    await alice.locator('[data-testid="message"][data-seq="1"]').waitFor();
    assert.equal(await messages.count(), 70);
    const texts = await messageTexts(alice);
    assert.deepEqual(texts, Array.from({ length: 70 }, (_, i) => `old ${i + 1}`));
    await alice.getByTestId('load-older').waitFor({ state: 'hidden' });

    // Read marks are the server's: once stored, a reload shows nothing unread.
    const token = await tokenOf(alice);
    await eventually('every room read', async () =>
      (await call(chatd, 'GET', '/api/v1/rooms', token)).rooms.every((r) => r.unread === 0));
    await alice.reload();
    await alice.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    await alice.locator('[data-testid="room-item"][aria-current="true"]', { hasText: 'archive' }).waitFor();
    for (const name of ['lobby', 'design']) assert.equal(await roomNamed(alice, name).getAttribute('data-unread'), '0');
  });
});

test('with --history-max, scrolling up stops where the room now starts', async () => {
  await withChatd(['--rate', '0', '--history-max', '60'], async (chatd, pages) => {
    const bob = await register(chatd, 'bob');
    const archive = (await call(chatd, 'POST', '/api/v1/rooms', bob.token, { name: 'archive', kind: 'public' })).room;
    for (let i = 1; i <= 70; i++) await post(chatd, bob.token, archive.id, `old ${i}`);
    const alice = await person(browser, chatd, 'alice');
    pages.push(alice);
    await roomNamed(alice, 'archive').click();
    await message(alice, 'old 70').waitFor();
    await alice.getByTestId('message-list').evaluate((list) => { list.scrollTop = 0; });
    // 60 kept; trimmed every 7th append (60/8), so seq 70 left 11..70.
    await alice.locator('[data-testid="message"][data-seq="11"]').waitFor();
    await alice.getByTestId('load-older').waitFor({ state: 'hidden' });
    const texts = await messageTexts(alice);
    assert.deepEqual(texts, Array.from({ length: 60 }, (_, i) => `old ${i + 11}`));
  });
});

test('too large and rate limited are shown; rate-limited messages still arrive, once each', async () => {
  await withChatd(['--max-content', '100', '--rate', '5', '--burst', '8'], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    pages.push(alice);
    const error = alice.getByTestId('error');

    const tooLong = 'y'.repeat(101);
    await sendMessage(alice, tooLong);
    await alice.locator('[data-testid="error"][data-code="too_large"]').waitFor();
    assert.match(await error.textContent(), /too long/);
    await alice.locator('[data-testid="message"]').first().waitFor({ state: 'detached' });
    assert.equal(await alice.getByTestId('message-input').inputValue(), tooLong, 'the text comes back to edit');
    await alice.locator('#error-close').click();
    await error.waitFor({ state: 'hidden' });

    const sent = Array.from({ length: 12 }, (_, i) => `burst ${i}`);
    for (const text of sent) await sendMessage(alice, text);
    await alice.locator('[data-testid="error"][data-code="rate_limited"]').waitFor();
    await alice.locator('[data-testid="message"][data-state="sent"]').nth(sent.length - 1).waitFor({ timeout: 20000 });
    assert.equal(await alice.locator('[data-testid="message"][data-state="pending"]').count(), 0);

    const stored = (await allMessages(chatd, await tokenOf(alice), 1)).map((m) => m.content);
    assert.deepEqual([...stored].sort(), [...sent].sort(), 'each message stored exactly once');
    assert.deepEqual((await messageTexts(alice)).sort(), [...sent].sort());
  });
});
