// The web client in headless Chromium against a real chatd: two people chat,
// see each other online and typing, open a direct chat, sign in and out by
// keyboard alone, use it at phone width; message text never becomes markup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, register, joinRoom, post } from './support/http.mjs';
import { launch, openClient, person, message, sendMessage, messageTexts, expectNoConsoleErrors, withChatd }
  from './support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


function onlineUser(page, username) {
  return page.locator(`[data-testid="online-user"][data-username="${username}"]`);
}

function roomItem(page, selector = '') {
  return page.locator(`[data-testid="room-item"]${selector}`);
}

test('two people register and chat both ways', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    const bob = await person(browser, chatd, 'bob');
    pages.push(alice, bob);

    await sendMessage(alice, 'hello bob');
    await alice.locator('[data-testid="message"][data-seq="1"][data-state="sent"]', { hasText: 'hello bob' }).waitFor();
    await message(bob, 'hello bob').waitFor();
    assert.equal(await message(bob, 'hello bob').locator('.author').textContent(), 'alice');
    assert.equal(await message(bob, 'hello bob').getAttribute('data-seq'), '1');

    await bob.getByTestId('message-input').fill('hi alice');
    await bob.getByTestId('send').click();
    await message(alice, 'hi alice').waitFor();

    // Shift+Enter is a new line; Enter sends both lines as one message.
    const input = alice.getByTestId('message-input');
    await input.fill('line one');
    await input.press('Shift+Enter');
    await input.pressSequentially('line two');
    await input.press('Enter');
    await bob.locator('[data-testid="message"][data-seq="3"]').waitFor();

    const expected = ['hello bob', 'hi alice', 'line one\nline two'];
    assert.deepEqual(await messageTexts(alice), expected);
    assert.deepEqual(await messageTexts(bob), expected);
    assert.equal(await alice.locator('[data-testid="message"][data-state="pending"]').count(), 0);
    assert.equal(await input.inputValue(), '');
  });
});

test('who is online and who is typing show up, and go away', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    pages.push(alice);
    await onlineUser(alice, 'alice').waitFor();
    const bob = await person(browser, chatd, 'bob');
    pages.push(bob);
    await onlineUser(alice, 'bob').waitFor();
    await onlineUser(bob, 'alice').waitFor();

    await bob.getByTestId('message-input').pressSequentially('typing some');
    await alice.getByTestId('typing').filter({ hasText: 'bob is typing' }).waitFor();
    assert.equal(await bob.getByTestId('typing').textContent(), '', 'nobody sees their own typing');

    await bob.getByTestId('message-input').press('Enter');
    await message(alice, 'typing some').waitFor();
    await alice.waitForFunction(() => document.querySelector('[data-testid="typing"]').textContent === '');

    pages.splice(pages.indexOf(bob), 1);
    expectNoConsoleErrors([bob]);
    await bob.context().close();
    await onlineUser(alice, 'bob').waitFor({ state: 'detached' });
  });
});

test('HTML in messages and room names is shown as text and runs nothing', async () => {
  await withChatd([], async (chatd, pages) => {
    const payload = `<img src=x onerror="window.__xss='img'"><script>window.__xss='script'</script><b>bold</b>`;
    const roomName = `<img src=x onerror="window.__xss='room'">`;
    const carol = await register(chatd, 'carol');
    const room = (await call(chatd, 'POST', '/api/v1/rooms', carol.token, { name: roomName, kind: 'public' })).room;
    await joinRoom(chatd, carol.token, 1);
    await post(chatd, carol.token, 1, payload);  // reaches the pages through history

    const alice = await person(browser, chatd, 'alice');
    const bob = await person(browser, chatd, 'bob');
    pages.push(alice, bob);
    await sendMessage(alice, payload);  // reaches bob live
    await alice.locator('[data-testid="message"][data-seq="2"][data-state="sent"]').waitFor();
    await bob.locator('[data-testid="message"][data-seq="2"]').waitFor();
    await bob.reload();  // and once more from history, signed in from localStorage
    await bob.locator('[data-testid="message"][data-seq="2"]').waitFor();

    for (const page of [alice, bob]) {
      assert.deepEqual(await messageTexts(page), [payload, payload]);
      assert.equal(await page.locator(`[data-room-id="${room.id}"] .name`).textContent(), roomName);
      assert.equal(await page.locator('main img, nav img, main script, main b').count(), 0, 'no element made from text');
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
    }
    await alice.locator(`[data-room-id="${room.id}"]`).click();
    await alice.locator('#room-title', { hasText: roomName }).waitFor();
    assert.equal(await alice.evaluate(() => window.__xss), undefined);
  });
});

test('choosing someone online opens a direct chat, with an unread count on the other side', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    const bob = await person(browser, chatd, 'bob');
    pages.push(alice, bob);

    await onlineUser(alice, 'bob').click();
    const aliceDirect = roomItem(alice, '[data-kind="direct"][aria-current="true"]');
    await aliceDirect.waitFor();
    assert.equal(await aliceDirect.locator('.name').textContent(), 'bob');
    await sendMessage(alice, 'psst, bob');
    await alice.locator('[data-testid="message"][data-seq="1"][data-state="sent"]', { hasText: 'psst' }).waitFor();

    // Bob is still in the lobby: the direct chat appears with one unread message.
    const bobDirect = roomItem(bob, '[data-kind="direct"]');
    await bob.locator('[data-testid="room-item"][data-kind="direct"][data-unread="1"]').waitFor();
    assert.equal(await bobDirect.getAttribute('data-room-id'), await aliceDirect.getAttribute('data-room-id'));
    assert.equal(await bobDirect.locator('.name').textContent(), 'alice');
    await bobDirect.click();
    await message(bob, 'psst, bob').waitFor();
    await bob.locator('[data-testid="room-item"][data-kind="direct"][data-unread="0"]').waitFor();

    // By name: bob opens the same chat from the direct-message box.
    await bob.getByTestId('room-item').filter({ hasText: 'lobby' }).click();
    await bob.getByTestId('direct-username').fill('alice');
    await bob.getByTestId('open-direct').click();
    await roomItem(bob, '[data-kind="direct"][aria-current="true"]').waitFor();
    assert.equal(await roomItem(bob, '[data-kind="direct"]').count(), 1);
    await sendMessage(bob, 'got it');
    await message(alice, 'got it').waitFor();
  });
});

test('keyboard alone: log in, send, log out (the token is then refused)', async () => {
  await withChatd([], async (chatd, pages) => {
    await register(chatd, 'dora', 'dora-password');
    const page = await openClient(browser, chatd);
    pages.push(page);
    await page.getByTestId('username').focus();
    await page.keyboard.type('dora');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'password');
    await page.keyboard.type('dora-password');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    const token = await page.evaluate(() => localStorage.getItem('chatd.token'));
    assert.ok(token);

    // Tab from the room list reaches the message box; Enter sends.
    await roomItem(page, '[aria-current="true"]').focus();
    let steps = 0;
    while ((await page.evaluate(() => document.activeElement.dataset.testid)) !== 'message-input') {
      assert.ok(++steps < 30, 'Tab never reached the message box');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type('typed with keys only');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="message"][data-state="sent"]', { hasText: 'typed with keys only' }).waitFor();

    await page.getByTestId('logout').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('login').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('chatd.token')), null);
    await page.locator('[data-testid="connection-status"][data-state="offline"]').waitFor();
    await assert.rejects(call(chatd, 'GET', '/api/v1/me', token), /401/);
  });
});

test('at phone width the rooms panel opens from a button and nothing overflows', async () => {
  await withChatd([], async (chatd, pages) => {
    const phone = { width: 390, height: 760 };
    const alice = await person(browser, chatd, 'alice', phone);
    pages.push(alice);
    const longWord = 'x'.repeat(300);
    await sendMessage(alice, longWord);
    await message(alice, longWord).waitFor();
    const overflow = await alice.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);

    const lobby = roomItem(alice).filter({ hasText: 'lobby' });
    assert.equal(await lobby.isVisible(), false, 'the rooms panel starts closed');
    await alice.getByRole('button', { name: 'Rooms', exact: true }).click();
    await lobby.waitFor({ state: 'visible' });
    await lobby.click();
    await lobby.waitFor({ state: 'hidden' });
    assert.ok(await alice.getByTestId('message-input').isVisible());
  });
});
