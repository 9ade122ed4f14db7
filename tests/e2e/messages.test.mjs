// The web client's message list in headless Chromium: editing, deleting and
// reacting; links; grouping by author and minute, day separators, the
// unread marker line, the empty states and the delivered/read ticks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, register, joinRoom, post } from './support/http.mjs';
import { launch, person, message, sendMessage, withChatd } from './support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Clicks one of a message's actions (shown while the pointer is over it).
async function act(page, text, action, emoji) {
  const node = message(page, text);
  await node.hover();
  const selector = emoji ? `[data-action="${action}"][data-emoji="${emoji}"]` : `[data-action="${action}"]`;
  await node.locator(`.actions ${selector}`).click();
}

test('edit and delete my messages, react to anyone\'s; the other side sees each change', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    const bob = await person(browser, chatd, 'bob');
    pages.push(alice, bob);
    await sendMessage(alice, 'first draft');
    await message(bob, 'first draft').waitFor();

    await act(alice, 'first draft', 'edit');
    await alice.getByTestId('edit-input').fill('second draft');
    await alice.getByTestId('edit-input').press('Enter');
    const edited = message(bob, 'second draft');
    await edited.locator('.edited').waitFor();
    await message(alice, 'second draft').locator('.edited').waitFor();

    // Bob may react to Alice's message but not edit or delete it.
    await message(bob, 'second draft').hover();
    assert.equal(await message(bob, 'second draft').locator('[data-action="edit"], [data-action="delete"]').count(), 0);
    await act(bob, 'second draft', 'react', '👍');
    await message(alice, 'second draft').getByTestId('reaction').filter({ hasText: '👍 1' }).waitFor();
    // Alice adds hers by the chip: two; taking it back: one again.
    await message(alice, 'second draft').getByTestId('reaction').click();
    await message(bob, 'second draft').getByTestId('reaction').filter({ hasText: '👍 2' }).waitFor();
    await message(alice, 'second draft').getByTestId('reaction').filter({ hasText: '👍 2' }).click();
    await message(bob, 'second draft').getByTestId('reaction').filter({ hasText: '👍 1' }).waitFor();

    // Delete asks once more before it deletes.
    await act(alice, 'second draft', 'delete');
    assert.equal(await message(alice, 'second draft').count(), 1, 'one click does not delete');
    await message(alice, 'second draft').locator('[data-action="delete"][data-confirm]').click();
    await bob.locator('[data-testid="message"][data-deleted="true"]', { hasText: 'message deleted' }).waitFor();
    await alice.locator('[data-testid="message"][data-deleted="true"]').waitFor();
    assert.equal(await message(bob, 'second draft').count(), 0);

    // What the server stored.
    const { token } = (await call(chatd, 'POST', '/api/v1/login', null, { username: 'bob', password: 'correct-horse-battery' }));
    const page = await call(chatd, 'GET', '/api/v1/rooms/1/messages', token);
    assert.equal(page.messages[0].deleted, true);
  });
});

test('http and https URLs become links that open in a new tab; nothing else does', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    pages.push(alice);
    const { token } = await register(chatd, 'bob');
    await joinRoom(chatd, token, 1);
    await post(chatd, token, 1, 'see https://example.com/a?b=1, or javascript:alert(1) <a href="http://x.test">x</a> ftp://f.test');
    const node = message(alice, 'see https://example.com');
    await node.waitFor();
    const links = await node.locator('.content a').evaluateAll((as) => as.map((a) => [a.href, a.textContent, a.target, a.rel]));
    // The comma ends the sentence, not the URL; the quote ends the second one.
    assert.deepEqual(links, [
      ['https://example.com/a?b=1', 'https://example.com/a?b=1', '_blank', 'noopener noreferrer'],
      ['http://x.test/', 'http://x.test', '_blank', 'noopener noreferrer'],
    ]);
    assert.equal(await node.locator('.content').textContent(),
                 'see https://example.com/a?b=1, or javascript:alert(1) <a href="http://x.test">x</a> ftp://f.test');
    assert.equal(await node.locator('.content b, .content [href^="javascript"]').count(), 0);
  });
});

test('messages group by author and minute under a day separator; an unread marker; empty states', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    pages.push(alice);
    await alice.getByTestId('empty-messages').waitFor();
    await sendMessage(alice, 'one');
    await message(alice, 'one').and(alice.locator('[data-state="sent"]')).waitFor();
    await alice.getByTestId('empty-messages').waitFor({ state: 'hidden' });
    await sendMessage(alice, 'two');
    await message(alice, 'two').and(alice.locator('[data-state="sent"]')).waitFor();
    const times = await alice.locator('[data-testid="message"]').evaluateAll(
      (nodes) => nodes.map((n) => [Math.floor(Number(n.dataset.createdAt) / 60000), n.classList.contains('grouped')]));
    assert.deepEqual(times.map(([, grouped]) => grouped), [false, times[0][0] === times[1][0]],
                     'the second message joins the first when in the same minute');
    assert.deepEqual(await alice.getByTestId('day-separator').allTextContents(), ['Today']);

    // Alice goes to a room of her own; Bob writes in the lobby meanwhile.
    await alice.getByTestId('room-name').fill('side');
    await alice.getByTestId('create-room').click();
    await alice.locator('#room-title', { hasText: 'side' }).waitFor();
    await alice.getByTestId('empty-messages').waitFor();
    const { token } = await register(chatd, 'bob');
    await joinRoom(chatd, token, 1);
    await post(chatd, token, 1, 'while you were away');
    await post(chatd, token, 1, 'and again');
    const lobby = alice.locator('[data-testid="room-item"]', { hasText: 'lobby' });
    await alice.locator('[data-testid="room-item"][data-unread="2"]', { hasText: 'lobby' }).waitFor();
    await lobby.click();
    await message(alice, 'and again').waitFor();
    const order = await alice.locator('#messages > li').evaluateAll((nodes) => nodes.map((n) => n.dataset.testid === 'message'
      ? n.querySelector('.content').textContent : n.dataset.testid));
    assert.deepEqual(order, ['day-separator', 'one', 'two', 'unread-marker', 'while you were away', 'and again']);
    assert.equal(await alice.getByTestId('empty-rooms').isVisible(), false);
  });
});

// My messages' ticks: delivered once the other side's client has them (its
// SDK confirms receipt while the room it created is open), read once it
// opens the room.
test('ticks on my messages: delivered, then read', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    const bob = await person(browser, chatd, 'bob');
    pages.push(alice, bob);
    await bob.getByTestId('room-name').fill('elsewhere');
    await bob.getByTestId('create-room').click();
    await bob.getByTestId('room-item').filter({ hasText: 'elsewhere' }).waitFor();

    await sendMessage(alice, 'did it arrive?');
    const ticks = message(alice, 'did it arrive?').getByTestId('ticks');
    await ticks.and(alice.locator('[data-receipt="delivered"]')).waitFor({ timeout: 10_000 });
    assert.equal(await ticks.textContent(), '✓✓');

    await bob.getByTestId('room-item').filter({ hasText: 'lobby' }).click();
    await message(bob, 'did it arrive?').waitFor();
    await ticks.and(alice.locator('[data-receipt="read"]')).waitFor({ timeout: 10_000 });
    assert.equal(await message(bob, 'did it arrive?').getByTestId('ticks').count(), 0, 'no ticks on the messages of others');
  });
});
