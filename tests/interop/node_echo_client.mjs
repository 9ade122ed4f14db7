// Echo interop check with Node's `ws` (pinned in package.json): text and
// binary messages of several sizes, a ping, then a clean close.
// Usage: node node_echo_client.mjs PORT [PATH]. Exit 0 on success.
// With CHATD_TLS_CA=FILE in the environment: wss://localhost, trusting that CA.
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';

const SIZES = [0, 1, 125, 126, 65535, 65536, 70000];
const port = process.argv[2];
const path = process.argv[3] ?? '/echo';
if (!port) {
  console.error('usage: node node_echo_client.mjs PORT [PATH]');
  process.exit(2);
}

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

async function main() {
  const ca = process.env.CHATD_TLS_CA;
  const url = ca ? `wss://localhost:${port}${path}` : `ws://127.0.0.1:${port}${path}`;
  const ws = new WebSocket(url, { perMessageDeflate: false, ...(ca ? { ca: readFileSync(ca) } : {}) });
  await next(ws, 'open');
  for (const n of SIZES) {
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
    console.log('node ws interop ok');
    process.exit(0);
  },
  (error) => {
    console.error(`interop failed: ${error.message}`);
    process.exit(1);
  },
);
