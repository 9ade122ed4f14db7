// The Node `ws` peer of chatd's WebSocket benchmark.
//
//   node server.mjs PORT
//
// Listens on 127.0.0.1:PORT and serves the same two generic modes as chatd:
//
//   GET /echo            every message (text or binary) is sent back with its
//                        opcode.
//   GET /broadcast?r=R   the connection joins room R (missing r: room ""); every
//                        text message it sends goes to every member of R, the
//                        sender included. Binary messages are ignored.
//
// Messages up to 1 MiB (maxPayload; larger closes with 1009), no
// permessage-deflate, UTF-8 validated by ws (its default).
//
// Memory is bounded as a production ws server would bound it, with the same
// 1 MiB per connection as chatd's default --max-queue:
//  - broadcast: a member whose ws.bufferedAmount is over 1 MiB misses the
//    message (counted as a drop);
//  - echo: a connection whose replies are over 1 MiB buffered is paused
//    (ws.pause()) until its socket drains.
//
// SIGTERM/SIGINT: stop listening, close every connection with 1001, exit 0.
import http from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';

const MAX_MESSAGE = 1024 * 1024;
const MAX_BUFFERED = 1024 * 1024;

const port = Number(process.argv[2]);
if (process.argv.length !== 3 || !Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('usage: node server.mjs PORT\n');
  process.exit(2);
}

const rooms = new Map(); // room name -> Set of WebSocket
let drops = 0;

function serveEcho(ws, socket) {
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
    if (ws.bufferedAmount > MAX_BUFFERED && !ws.isPaused) ws.pause();
  });
  // The socket emits 'drain' once the writes that went over its high-water
  // mark have been flushed.
  socket.on('drain', () => {
    if (ws.isPaused && ws.bufferedAmount <= MAX_BUFFERED) ws.resume();
  });
}

function serveBroadcast(ws, roomName) {
  let room = rooms.get(roomName);
  if (!room) {
    room = new Set();
    rooms.set(roomName, room);
  }
  room.add(ws);

  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    for (const member of room) {
      if (member.readyState !== WebSocket.OPEN) continue;
      if (member.bufferedAmount > MAX_BUFFERED) {
        drops++;
        continue;
      }
      member.send(data, { binary: false });
    }
  });
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0 && rooms.get(roomName) === room) rooms.delete(roomName);
  });
}

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  maxPayload: MAX_MESSAGE,
});

const server = http.createServer((req, res) => {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found\n');
});

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let serve;
  if (url.pathname === '/echo') {
    serve = (ws) => serveEcho(ws, socket);
  } else if (url.pathname === '/broadcast') {
    const roomName = url.searchParams.get('r') ?? '';
    serve = (ws) => serveBroadcast(ws, roomName);
  } else {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => {}); // protocol errors close the connection; nothing else to do
    serve(ws);
  });
});

server.listen(port, '127.0.0.1', () => {
  process.stderr.write(`listening on 127.0.0.1:${server.address().port}\n`);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  const done = () => {
    process.stderr.write(`ws peer: stopped (${drops} broadcast drops)\n`);
    process.exit(0);
  };
  // Give peers a moment to answer the Close, then go regardless.
  const deadline = setTimeout(done, 2000);
  deadline.unref();
  const poll = setInterval(() => {
    if (wss.clients.size === 0) {
      clearInterval(poll);
      clearTimeout(deadline);
      done();
    }
  }, 20);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
