// Files in the web client, between two people in headless Chromium through
// a real chatd: an image sent with a caption is previewed on the other side
// and opens in the lightbox; a file is downloaded there byte for byte; a
// voice message recorded from Chromium's fake microphone plays there; files
// dropped or pasted wait on the strip, with their upload's progress; an upload the server refuses is
// explained and never sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { call } from './support/http.mjs';
import { launch, person, message, expectNoConsoleErrors, withChatd } from './support/browser.mjs';

let browser;
before(async () => {
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
                          '--autoplay-policy=no-user-gesture-required']);
});
after(async () => { await browser?.close(); });

// alice and bob, both in the lobby.
async function pair(chatd, pages) {
  const alice = await person(browser, chatd, 'alice');
  const bob = await person(browser, chatd, 'bob');
  pages.push(alice, bob);
  return [alice, bob];
}

// A PNG of width x height drawn by the page's canvas.
async function png(page, width, height) {
  const dataUrl = await page.evaluate(([w, h]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    g.fillStyle = '#e08030';
    g.fillRect(0, 0, w, h);
    return canvas.toDataURL('image/png');
  }, [width, height]);
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

async function attach(page, file) {
  await page.getByTestId('attach-input').setInputFiles(file);
  await page.locator('[data-testid="pending-attachment"][data-state="ready"]', { hasText: file.name }).waitFor();
}

async function storedMessages(chatd, username) {
  const { token } = await call(chatd, 'POST', '/api/v1/login', null, { username, password: 'correct-horse-battery' });
  return (await call(chatd, 'GET', '/api/v1/rooms/1/messages', token)).messages;
}

test('an image with a caption: previewed on the other side, opened in the lightbox, closed by Esc', async () => {
  await withChatd([], async (chatd, pages) => {
    const [alice, bob] = await pair(chatd, pages);
    await attach(alice, { name: 'sunset.png', mimeType: 'image/png', buffer: await png(alice, 640, 480) });
    await alice.getByTestId('message-input').fill('look at this');
    await alice.getByTestId('message-input').press('Enter');
    await alice.getByTestId('pending-attachments').waitFor({ state: 'hidden' });

    const node = message(bob, 'look at this');
    const image = node.locator('[data-testid="attachment-image"] img');
    await image.waitFor();
    assert.equal(await node.getAttribute('data-kind'), 'image');
    await bob.waitForFunction((img) => img.complete && img.naturalWidth === 640, await image.elementHandle());
    // The preview keeps the image's shape inside its box.
    assert.deepEqual([await image.getAttribute('width'), await image.getAttribute('height')], ['320', '240']);
    await message(alice, 'look at this').and(alice.locator('[data-state="sent"]')).getByTestId('attachment-image').waitFor();

    await node.getByTestId('attachment-image').click();
    const lightbox = bob.getByTestId('lightbox');
    await lightbox.waitFor();
    await bob.waitForFunction(() => document.querySelector('[data-testid="lightbox-image"]').naturalWidth === 640);
    assert.equal(await lightbox.getByTestId('lightbox-download').getAttribute('download'), 'sunset.png');
    await bob.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });

    const [stored] = await storedMessages(chatd, 'bob');
    assert.equal(stored.kind, 'image');
    assert.equal(stored.content, 'look at this');
    assert.deepEqual([stored.attachments[0].name, stored.attachments[0].width, stored.attachments[0].height,
                      stored.attachments[0].content_type], ['sunset.png', 640, 480, 'image/png']);
  });
});

test('a file: its card on the other side says its name and size, and downloads the same bytes', async () => {
  await withChatd([], async (chatd, pages) => {
    const [alice, bob] = await pair(chatd, pages);
    const bytes = Buffer.from('quarterly numbers\n'.repeat(140));  // 2520 bytes
    await attach(alice, { name: 'report.txt', mimeType: 'text/plain', buffer: bytes });
    await alice.getByTestId('send').click();

    const card = bob.locator('[data-testid="message"][data-kind="file"] [data-testid="file-card"]', { hasText: 'report.txt' });
    await card.waitFor();
    assert.match(await card.textContent(), /2\.5 KB/);
    const [download] = await Promise.all([bob.waitForEvent('download'), card.getByTestId('file-download').click()]);
    assert.equal(download.suggestedFilename(), 'report.txt');
    assert.deepEqual(await readFile(await download.path()), bytes);
  });
});

test('a voice message recorded from the microphone plays on the other side', async () => {
  await withChatd([], async (chatd, pages) => {
    const [alice, bob] = await pair(chatd, pages);
    await alice.getByTestId('record-voice').click();
    await alice.getByTestId('recorder').waitFor();
    await alice.locator('[data-testid="recorder-time"]', { hasText: '0:02' }).waitFor();
    await alice.getByTestId('recorder-send').click();
    await alice.getByTestId('recorder').waitFor({ state: 'hidden' });

    const voice = bob.locator('[data-testid="message"][data-kind="voice"] [data-testid="voice"]');
    await voice.waitFor();
    assert.match(await voice.getByTestId('voice-time').textContent(), /^0:0[23]$/, 'the length is shown');
    await voice.getByTestId('voice-play').click();
    await bob.waitForFunction(() => {
      const audio = document.querySelector('[data-testid="voice"] audio');
      return !audio.paused && audio.currentTime > 0.5;
    });
    assert.equal(await voice.getByTestId('voice-play').getAttribute('aria-label'), 'Pause voice message');

    const [stored] = await storedMessages(chatd, 'bob');
    assert.equal(stored.kind, 'voice');
    assert.match(stored.attachments[0].content_type, /^audio\//);
    assert.ok(stored.attachments[0].duration_ms >= 2000 && stored.attachments[0].duration_ms < 4000, 'duration_ms');
  });
});

test('files dropped on the messages or pasted into the box wait on the strip, uploaded; × removes one', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    pages.push(alice);
    const bytes = [...await png(alice, 30, 20)];
    await alice.evaluate((png) => {
      const transfer = (name, type, data) => {
        const t = new DataTransfer();
        t.items.add(new File([new Uint8Array(data)], name, { type }));
        return t;
      };
      const list = document.getElementById('message-list');
      const dropped = transfer('dropped.txt', 'text/plain', [104, 105]);
      list.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }));
      list.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
      const pasted = new ClipboardEvent('paste', { clipboardData: transfer('pasted.png', 'image/png', png), bubbles: true, cancelable: true });
      document.getElementById('message-input').dispatchEvent(pasted);
    }, bytes);
    const ready = alice.locator('[data-testid="pending-attachment"][data-state="ready"]');
    await ready.filter({ hasText: 'dropped.txt' }).filter({ hasText: '2 bytes' }).waitFor();
    await ready.filter({ hasText: 'pasted.png' }).locator('img.pending-thumb').waitFor();
    await ready.filter({ hasText: 'dropped.txt' }).getByTestId('pending-remove').click();
    assert.deepEqual(await alice.getByTestId('pending-attachment').evaluateAll((nodes) => nodes.map((n) => n.title)), ['pasted.png']);
  });
});

test('a slow upload shows its progress on the strip until it is done', async () => {
  await withChatd([], async (chatd, pages) => {
    const alice = await person(browser, chatd, 'alice');
    pages.push(alice);
    const cdp = await alice.context().newCDPSession(alice);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024 });
    await alice.getByTestId('attach-input').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1 << 20, 7) });
    const bar = alice.locator('[data-testid="pending-attachment"][data-state="uploading"] progress');
    await alice.waitForFunction(() => {
      const value = document.querySelector('[data-testid="pending-attachment"] progress')?.value;
      return value > 0.2 && value < 0.8;
    }, null, { polling: 50 });
    assert.equal(await bar.count(), 1);
    await alice.locator('[data-testid="pending-attachment"][data-state="ready"]', { hasText: '1.0 MB' }).waitFor();
  });
});

test('an upload over --max-upload is explained, stays on the strip, and nothing is sent until it is removed', async () => {
  await withChatd(['--max-upload', '1000'], async (chatd, pages) => {
    const [alice] = await pair(chatd, pages);
    await alice.getByTestId('attach-input').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5000) });
    await alice.locator('[data-testid="pending-attachment"][data-state="failed"]', { hasText: 'big.bin' }).waitFor();
    const banner = alice.locator('[data-testid="error"][data-code="upload_too_large"]');
    await banner.waitFor();
    assert.match(await banner.textContent(), /big\.bin is too large to send/);

    await alice.getByTestId('message-input').fill('with the big file');
    await alice.getByTestId('message-input').press('Enter');
    await alice.locator('[data-testid="error"]', { hasText: 'remove it to send the rest' }).waitFor();
    assert.equal(await alice.getByTestId('message-input').inputValue(), 'with the big file', 'the caption is kept');
    assert.equal(await message(alice, 'with the big file').count(), 0);

    await alice.getByTestId('pending-remove').click();
    await alice.getByTestId('pending-attachments').waitFor({ state: 'hidden' });
    await alice.getByTestId('message-input').press('Enter');
    await message(alice, 'with the big file').and(alice.locator('[data-state="sent"]')).waitFor();
    assert.equal((await storedMessages(chatd, 'alice'))[0].kind, 'text');
    // Chromium logs the refusal itself.
    expectNoConsoleErrors([alice], [/status of 413/]);
    alice.consoleErrors = [];
  });
});
