// The sign-in is shared by the tabs of one origin and survives a reload: a
// second tab opens signed in, a reload stays signed in, a logout in one tab
// signs every tab out, and a login in one signs the others in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, connected, message, sendMessage, withChatd, registerInPage } from './support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('tabs share the sign-in: reload, second tab, logout everywhere, login everywhere', async () => {
  await withChatd([], async (chatd, pages) => {
    const first = await person(browser, chatd, 'alice');
    pages.push(first);
    await sendMessage(first, 'before the reload');
    await first.locator('[data-testid="message"][data-state="sent"]', { hasText: 'before the reload' }).waitFor();

    await first.reload();
    await connected(first);
    await message(first, 'before the reload').waitFor();
    assert.equal(await first.locator('#me').textContent(), 'alice');

    const second = await first.context().newPage();
    second.consoleErrors = [];
    second.on('pageerror', (error) => second.consoleErrors.push(`uncaught: ${error.message}`));
    pages.push(second);
    await second.goto(chatd.url + '/');
    await connected(second);
    await message(second, 'before the reload').waitFor();
    assert.equal(await second.locator('#auth-view').isVisible(), false, 'no sign-in form in the second tab');

    await second.getByTestId('logout').click();
    await second.locator('#auth-view').waitFor();
    await first.locator('#auth-view').waitFor();
    assert.equal(await first.evaluate(() => localStorage.getItem('chatd.token')), null);
    assert.equal(await first.getByTestId('connection-status').getAttribute('data-state'), 'offline');

    await registerInPage(first, 'alice', undefined, 'login');
    await connected(second);
    await message(second, 'before the reload').waitFor();
  });
});

// With tokens that live 6 s, the page renews the shared one before it
// expires: the session stays up on the renewed token, a reload well past the
// first token's life is still signed in, and the header counts who is online.
test('the shared token is renewed before it expires; the header counts users online', async () => {
  await withChatd(['--token-ttl', '6'], async (chatd, pages) => {
    const page = await person(browser, chatd, 'alice');
    pages.push(page);
    const first = await page.evaluate(() => localStorage.getItem('chatd.token'));
    await page.getByTestId('online-count').filter({ hasText: '1 online' }).waitFor();

    await page.waitForFunction((old) => localStorage.getItem('chatd.token') !== old, first, { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 4000));  // the first token has expired by now
    await sendMessage(page, 'on the renewed token');
    await page.locator('[data-testid="message"][data-state="sent"]', { hasText: 'on the renewed token' }).waitFor();
    assert.equal(await page.getByTestId('connection-status').getAttribute('data-state'), 'connected');

    await page.reload();
    await connected(page);
    assert.equal(await page.locator('#auth-view').isVisible(), false, 'still signed in after the reload');
  });
});
