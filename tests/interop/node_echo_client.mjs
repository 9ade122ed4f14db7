// Echo interop check with Node's `ws` (pinned in package.json): text and
// binary messages of several sizes, a ping, then a clean close. With
// --deflate the client offers permessage-deflate (perMessageDeflate: true,
// every message compressed) and checks, from its side, what was negotiated.
// With CHATD_TLS_CA=FILE in the environment: wss://localhost, trusting that CA.
// Usage: node node_echo_client.mjs [--deflate] PORT [PATH]. Exit 0 on success.
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';

const SIZES = [0, 1, 125, 126, 65535, 65536, 70000];
const deflate = process.argv.includes('--deflate');
const [port, path = '/echo'] = process.argv.slice(2).filter((arg) => arg !== '--deflate');
if (!port) {
  console.error('usage: node node_echo_client.mjs [--deflate] PORT [PATH]');
  process.exit(2);
}
// Compressible text shrinks far below the limit.
const sizes = deflate ? [...SIZES, 1 << 20] : SIZES;

// Multi-byte characters, so a byte-level mistake breaks the UTF-8.
function textOf(n) {
  const pieces = ['a', 'é', '€', '😀'];
  let out = '';
  let size = 0;
  for (let i = 0; ; i++) {
    const piece = pieces[i % pieces.length];
    const width = Buffer.byteLength(piece);
    if (size + width > n) break;
    out += piece;
    size += width;
  }
  return out + 'x'.repeat(n - size);
}

function bytesOf(n) {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + Math.floor(i / 251)) & 0xff;
  return out;
}

// Resolves with the next event of `name`, rejects on error, close or timeout.
function next(ws, name) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(reject, new Error(`timed out waiting for ${name}`)), 5000);
    const onEvent = (...args) => done(resolve, args);
    const onError = (error) => done(reject, error);
    const onClose = (code) => done(reject, new Error(`closed with ${code} while waiting for ${name}`));
    function done(settle, value) {
      clearTimeout(timer);
      ws.off(name, onEvent).off('error', onError).off('close', onClose);
      settle(value);
    }
    ws.on(name, onEvent).on('error', onError);
    if (name !== 'close') ws.on('close', onClose);
  });
}

async function expectEcho(ws, message) {
  const isBinary = typeof message !== 'string';
  ws.send(message, { binary: isBinary });
  const [data, binary] = await next(ws, 'message');
  const expected = isBinary ? message : Buffer.from(message);
  if (binary !== isBinary || !Buffer.from(data).equals(expected)) {
    throw new Error(`echo mismatch for a ${isBinary ? 'binary' : 'text'} message of ${expected.length} bytes`);
  }
}

// What ws accepted (its extension in use) from the server's answer:
// permessage-deflate with no context takeover either way.
function checkDeflate(ws, answer) {
  if (ws.extensions !== 'permessage-deflate') throw new Error(`ws uses extensions '${ws.extensions}'`);
  for (const param of ['server_no_context_takeover', 'client_no_context_takeover']) {
    if (!answer.includes(param)) throw new Error(`the server answered '${answer}', without ${param}`);
  }
}

async function main() {
  // threshold 0: ws compresses every message it sends, the empty one too.
  const perMessageDeflate = deflate ? { threshold: 0 } : false;
  const ca = process.env.CHATD_TLS_CA;
  const url = ca ? `wss://localhost:${port}${path}` : `ws://127.0.0.1:${port}${path}`;
  const ws = new WebSocket(url, { perMessageDeflate, maxPayload: 0, ...(ca ? { ca: readFileSync(ca) } : {}) });
  let answer = '';
  ws.on('upgrade', (response) => (answer = response.headers['sec-websocket-extensions'] ?? ''));
  await next(ws, 'open');
  if (deflate) checkDeflate(ws, answer);
  else if (ws.extensions) throw new Error(`an extension was selected without an offer: ${ws.extensions}`);
  for (const n of sizes) {
    await expectEcho(ws, textOf(n));
    await expectEcho(ws, bytesOf(n));
  }
  ws.ping(Buffer.from('node-ping'));
  const [pong] = await next(ws, 'pong');
  if (pong.toString() !== 'node-ping') throw new Error(`pong payload '${pong}'`);
  ws.close(1000, 'done');
  const [code] = await next(ws, 'close');
  if (code !== 1000) throw new Error(`close code ${code}, expected 1000`);
}

main().then(
  () => {
    console.log(`node ws ${deflate ? 'permessage-deflate' : 'uncompressed'} interop ok`);
    process.exit(0);
  },
  (error) => {
    console.error(`interop failed: ${error.message}`);
    process.exit(1);
  },
);
