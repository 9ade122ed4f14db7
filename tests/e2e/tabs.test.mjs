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
