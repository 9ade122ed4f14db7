// Writes docs/screenshot.png: the web client's main view, two people
// chatting (alice's window, bob typing), against a fresh chatd.
// Usage, from the repository root: node tests/e2e/screenshot.mjs [OUT.png]
import path from 'node:path';
import { Chatd, repoRoot } from './support/chatd.mjs';
import { call, register, joinRoom, post } from './support/http.mjs';
import { launch, person, message, sendMessage } from './support/browser.mjs';

const out = path.resolve(process.argv[2] || path.join(repoRoot, 'docs/screenshot.png'));
const chatd = await Chatd.start(['--rate', '0']);
const browser = await launch();
try {
  const carol = await register(chatd, 'carol');
  await joinRoom(chatd, carol.token, 1);
  const design = (await call(chatd, 'POST', '/api/v1/rooms', carol.token,
    { name: 'design', kind: 'public', topic: 'the web client' })).room;
  await call(chatd, 'POST', '/api/v1/rooms', carol.token, { name: 'ops', kind: 'public' });
  await post(chatd, carol.token, 1, 'Morning all! chatd is up on the new box.');

  const alice = await person(browser, chatd, 'alice');
  const bob = await person(browser, chatd, 'bob');
  const lobby = alice.locator('[data-testid="room-item"]', { hasText: 'lobby' });
  // alice joins design and has a direct chat with bob, then reads the lobby.
  await alice.locator(`[data-testid="room-item"][data-room-id="${design.id}"]`).click();
  await alice.locator('#room-title', { hasText: 'design' }).waitFor();
  await lobby.click();
  await alice.locator('[data-testid="online-user"][data-username="bob"]').click();
  await sendMessage(alice, 'lunch later?');
  await alice.locator('[data-testid="message"][data-state="sent"]').waitFor();
  await lobby.click();
  const script = [
    [alice, 'Hi Bob, did the restart go fine?'],
    [bob, 'Yes: every client reconnected and caught up from its last seq.'],
    [alice, 'And the messages typed while it was down?'],
    [bob, 'Delivered once each, thanks to the client_id.\nNothing doubled.'],
    [alice, 'Nice. Shipping it today.'],
  ];
  for (const [page, text] of script) {
    await sendMessage(page, text);
    await message(alice, text.split('\n')[0]).waitFor();
    await message(bob, text.split('\n')[0]).waitFor();
  }
  for (const text of ['Mockups are in the shared folder', 'Feedback welcome']) await post(chatd, carol.token, design.id, text);
  await alice.locator(`[data-testid="room-item"][data-room-id="${design.id}"][data-unread="2"]`).waitFor();
  await bob.getByTestId('message-input').pressSequentially('Let me check');
  await alice.getByTestId('typing').filter({ hasText: 'typing' }).waitFor();
  await alice.getByTestId('message-input').focus();
  await alice.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await chatd.dispose();
}
