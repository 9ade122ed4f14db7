// The client SDK's messages with files, in Node against a real chatd: an
// upload reports its progress (once, over fetch), a message of kind image
// carries its attachment to the other client with the server's size, type
// and signed url, and the sender's promise resolves with the attachment as
// it was given, over the WebSocket or, when it is blocked, HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, register, allMessages, eventually } from './support/http.mjs';
import { kPassword, aliceAndBobInTheLobby, within, withChatd, BlockedWebSocket } from './support/sdkClients.mjs';

test('a message with an image: the other client gets its attachment with size, type and a working signed url', async () => {
  await withChatd([], async (chatd, newClient) => {
    const { alice, bob } = await aliceAndBobInTheLobby(chatd, newClient);
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    const progress = [];
    const file = await alice.upload(gif, { name: 'dot.gif', contentType: 'image/gif', onProgress: (sent, total) => progress.push([sent, total]) });
    assert.deepEqual(progress, [[gif.length, gif.length]], 'without XMLHttpRequest: once, when done');

    const heard = new Promise((resolve) => bob.room(1).on('message', resolve));
    const mine = { file_id: file.id, name: 'dot.gif', width: 1, height: 1, size: file.size, content_type: file.content_type, url: file.url };
    const stored = await within('the ack', alice.room(1).send('a dot', { kind: 'image', attachments: [mine] }));
    assert.equal(stored.kind, 'image');
    assert.deepEqual(stored.attachments, [mine]);
    assert.equal(alice.outbox.entries.length, 0);

    const message = await within('bob\'s copy', heard);
    assert.equal(message.kind, 'image');
    assert.equal(message.content, 'a dot');
    const [attachment] = message.attachments;
    assert.deepEqual([attachment.file_id, attachment.name, attachment.size, attachment.content_type, attachment.width, attachment.height],
                     [file.id, 'dot.gif', gif.length, 'image/gif', 1, 1]);
    const download = await fetch(chatd.url + attachment.url);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), gif);
  });
});

test('a message with a file that is not mine is refused: the send rejects with bad_request', async () => {
  await withChatd([], async (chatd, newClient) => {
    const { alice, bob } = await aliceAndBobInTheLobby(chatd, newClient);
    const file = await bob.upload(new TextEncoder().encode('bob\'s notes'), { name: 'notes.txt', contentType: 'text/plain' });
    const refused = alice.room(1).send('', { kind: 'file', attachments: [{ file_id: file.id }] });
    await assert.rejects(within('the refusal', refused), { code: 'bad_request' });
    assert.equal(alice.outbox.entries.length, 0);
  });
});

test('with the WebSocket blocked a message with a file is posted over HTTP with its attachment', async () => {
  await withChatd([], async (chatd, connect) => {
    await register(chatd, 'ann', kPassword);
    const bob = await register(chatd, 'bob', kPassword);
    await call(chatd, 'POST', '/api/v1/rooms/1/join', bob.token);
    const ann = connect('ann', { WebSocket: BlockedWebSocket });
    ann.connect().catch(() => {});
    await eventually('the polling state', () => ann.state === 'polling');
    await within('the join over HTTP', ann.room(1).join());
    const file = await ann.upload(new TextEncoder().encode('minutes'), { name: 'minutes.txt', contentType: 'text/plain' });
    const stored = await within('the send over HTTP', ann.room(1).send('', { kind: 'file', attachments: [{ file_id: file.id, url: file.url }] }));
    assert.equal(stored.kind, 'file');
    const [message] = await allMessages(chatd, bob.token, 1);
    assert.deepEqual([message.kind, message.content, message.attachments[0].name, message.attachments[0].size], ['file', '', 'minutes.txt', 7]);
  });
});
