// The profile dialog in the web client, through a real chatd: a nickname
// and a picture set by one person show on the other's screen (their next
// message, the online list), and a removed picture goes back to initials.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, message, sendMessage, withChatd } from './support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function png(page) {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 96;
    canvas.height = 96;
    canvas.getContext('2d').fillRect(0, 0, 96, 96);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

test('a nickname and picture set in the profile dialog reach the other side; removing the picture shows initials', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    const bob = await person(browser, chatd, 'bob');
    pages.push(alice, bob);

    await alice.getByTestId('me').click();
    const dialog = alice.getByTestId('profile-dialog');
    await dialog.waitFor();
    await alice.getByTestId('profile-nickname').fill('Alice A');
    await alice.getByTestId('profile-picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await png(alice) });
    await dialog.locator('img.avatar').waitFor();
    await alice.getByTestId('profile-save').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await alice.getByTestId('me').textContent(), 'Alice A');
    assert.match(await alice.locator('[data-testid="me"] img.avatar').getAttribute('src'), /^\/avatars\/[0-9a-f]{32}$/);

    await sendMessage(alice, 'new look');
    const node = message(bob, 'new look');
    await node.waitFor();
    assert.equal(await node.locator('.author').textContent(), 'Alice A');
    const avatar = node.locator('img.avatar');
    await bob.waitForFunction((img) => img.complete && img.naturalWidth === 96, await avatar.elementHandle());

    await bob.reload();
    const listed = bob.locator('[data-testid="online-user"][data-username="alice"]');
    await listed.locator('img.avatar').waitFor();

    await alice.getByTestId('me').click();
    await alice.getByTestId('profile-remove-picture').click();
    await alice.getByTestId('profile-save').click();
    await dialog.waitFor({ state: 'hidden' });
    await alice.locator('[data-testid="me"] .avatar.initials[data-initials="AA"]').waitFor();
    await sendMessage(alice, 'plain again');
    await message(bob, 'plain again').locator('.avatar.initials[data-initials="AA"]').waitFor({ state: 'attached' });
  });
});
