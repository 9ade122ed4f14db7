// Calls in the web client: two people in headless Chromium (fake camera and
// microphone) call each other in their direct room through a real chatd;
// the WebRTC connection comes up on both sides, and hanging up, declining
// and a busy callee end the call on both with a status line, and with a
// line in the call log (a message of kind `call`) on both sides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, message, sendMessage, withChatd } from './support/browser.mjs';

let browser;
before(async () => {
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
                          '--allow-loopback-in-peer-connection']);
});
after(async () => { await browser?.close(); });

// alice and bob with their direct room open on both sides.
async function directPair(chatd, pages) {
  const [alice, bob] = [await person(browser, chatd, 'alice'), await person(browser, chatd, 'bob')];
  pages.push(alice, bob);
  await alice.locator('[data-testid="online-user"][data-username="bob"]').click();
  await alice.locator('#room-title', { hasText: 'bob' }).waitFor();
  await sendMessage(alice, 'hi bob');
  await bob.locator('[data-testid="room-item"][data-kind="direct"]').click();
  await message(bob, 'hi bob').waitFor();
  return [alice, bob];
}

function panel(page) {
  return page.getByTestId('call');
}

// The newest call log line of the open room.
function callLog(page, text) {
  return page.locator('[data-testid="message"][data-kind="call"]', { hasText: text }).last();
}

function callStatus(page, text) {
  return page.locator('[data-testid="call-status"]:not([hidden])', { hasText: text });
}

test('a video call: it rings, is accepted, connects on both sides, and hanging up ends it on both', async () => {
  await withChatd([], async (chatd, pages) => {
    const [alice, bob] = await directPair(chatd, pages);
    assert.equal(await alice.getByTestId('call-video').isVisible(), true, 'a direct room has call buttons');

    await alice.getByTestId('call-video').click();
    await panel(alice).and(alice.locator('[data-state="calling"]')).waitFor();
    await panel(bob).and(bob.locator('[data-state="ringing"]')).waitFor();
    assert.match(await bob.getByTestId('call-text').textContent(), /alice is calling \(video\)/);

    await bob.getByTestId('call-accept').click();
    for (const page of [alice, bob]) {
      await page.locator('[data-testid="call"][data-state="connected"]').waitFor({ timeout: 20000 });
      assert.match(await panel(page).getAttribute('data-ice'), /^(connected|completed)$/);
      await page.waitForFunction(() => {
        const video = document.getElementById('remote-media');
        return video.srcObject && video.srcObject.getTracks().length === 2;
      });
    }
    await alice.locator('[data-testid="call-duration"]', { hasText: /^0:0[1-9]/ }).waitFor();
    await alice.getByTestId('call-mute').click();
    assert.equal(await alice.evaluate(() => document.getElementById('local-media').srcObject.getAudioTracks()[0].enabled), false);

    await bob.getByTestId('call-hangup').click();
    await callStatus(bob, 'Call ended').waitFor();
    await callStatus(alice, 'bob hung up').waitFor();
    for (const page of [alice, bob]) {
      assert.equal(await panel(page).isVisible(), false);
      assert.equal(await page.getByTestId('call-audio').isVisible(), true, 'the call buttons are back');
      const line = callLog(page, /Call · 0:0[1-9]/);
      await line.waitFor();
      assert.equal(await line.getAttribute('data-outcome'), 'completed');
      assert.equal(await line.locator('[aria-label="Video call"]').count(), 1, 'a video call\'s icon');
    }
  });
});

test('a declined call, and a busy callee', async () => {
  await withChatd([], async (chatd, pages) => {
    const [alice, bob] = await directPair(chatd, pages);
    await alice.getByTestId('call-audio').click();
    await panel(bob).and(bob.locator('[data-state="ringing"]')).waitFor();
    await bob.getByTestId('call-reject').click();
    await callStatus(alice, 'bob declined the call').waitFor();
    assert.equal(await panel(bob).isVisible(), false);
    for (const page of [alice, bob]) await callLog(page, 'Call declined').waitFor();

    // Carol calls bob while bob is in a call with alice.
    const carol = await person(browser, chatd, 'carol');
    pages.push(carol);
    await carol.locator('[data-testid="online-user"][data-username="bob"]').click();
    await carol.locator('#room-title', { hasText: 'bob' }).waitFor();
    await alice.getByTestId('call-audio').click();
    await bob.locator('[data-testid="call"][data-state="ringing"]').waitFor();
    await bob.getByTestId('call-accept').click();
    await alice.locator('[data-testid="call"][data-state="connected"]').waitFor({ timeout: 20000 });
    await carol.getByTestId('call-audio').click();
    await callStatus(carol, 'bob is in another call').waitFor();
    assert.equal(await bob.locator('[data-testid="call"][data-state="connected"]').count(), 1, 'bob\'s call goes on');
    await alice.getByTestId('call-hangup').click();
    await callStatus(bob, 'alice hung up').waitFor();
    await callLog(bob, /Call · \d:\d\d/).waitFor();
    await carol.locator('[data-testid="message"][data-kind="call"][data-outcome="busy"]', { hasText: 'Busy' }).waitFor();
  });
});
