// Flood bench, in its own process: one honest pair types (20 updates/s) while another signed-in
// person floods the server with big frames within the message budget, reconnecting whenever the
// server closes them. Measures the honest pair's keystroke propagation without and with the flood.
// Run as `node dist/bench/flood.js <url> <pairs.json> <seconds per phase> <frame KB>`; prints JSON.
import fs from 'node:fs';
import { PROTOCOL_VERSION, wireParser } from '@tandem/shared';
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';

const [url = '', pairsFile = '', secondsRaw = '5', frameKbRaw = '800'] = process.argv.slice(2);
const seconds = Number(secondsRaw);
const frame = new Uint8Array(Number(frameKbRaw) * 1024).fill(7);
const pairs = JSON.parse(fs.readFileSync(pairsFile, 'utf8')) as { sessionId: string; cookies: [string, string] }[];
const ORIGIN = 'http://localhost:3000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(cookie: string): Promise<Socket | string> {
  const socket = io(url, {
    transports: ['websocket'],
    parser: wireParser,
    forceNew: true,
    reconnection: false,
    auth: { protocol: PROTOCOL_VERSION },
    extraHeaders: { cookie, origin: ORIGIN },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      resolve(e.message);
    });
  });
}

async function join(socket: Socket, sessionId: string, doc: Y.Doc): Promise<void> {
  const ack = await socket.emitWithAck('notes:join', { sessionId, stateVector: Y.encodeStateVector(doc) });
  if (!ack.ok) throw new Error(`join failed: ${ack.error.message}`);
  Y.applyUpdate(doc, new Uint8Array(ack.data.update), 'remote');
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN) : Number.NaN;
};

const [honest, attacker] = pairs;
if (!honest || !attacker) throw new Error('the flood bench needs two pairs');
const attackerCookie = attacker.cookies[0];
const attackerSession = attacker.sessionId;

// The honest pair: A types, B receives; each update's propagation time is measured.
const [a, b] = await Promise.all([connect(honest.cookies[0]), connect(honest.cookies[1])]);
if (typeof a === 'string' || typeof b === 'string') throw new Error('honest pair refused');
const docA = new Y.Doc();
const docB = new Y.Doc();
await join(a, honest.sessionId, docA);
await join(b, honest.sessionId, docB);
const text = new Y.XmlText();
const pending: Uint8Array[] = [];
docA.on('update', (u: Uint8Array, origin: unknown) => {
  if (origin !== 'remote') pending.push(u);
});
(docA.getXmlFragment('default').get(1) as Y.XmlElement).insert(0, [text]);
const inFlight: number[] = [];
let samples: number[] = [];
b.on('notes:update', ({ update }: { update: ArrayBuffer }) => {
  const sentAt = inFlight.shift();
  if (sentAt !== undefined) samples.push(performance.now() - sentAt);
  Y.applyUpdate(docB, new Uint8Array(update), 'remote');
});
const send = () => {
  for (const u of pending.splice(0)) {
    inFlight.push(performance.now());
    a.emit('notes:update', { sessionId: honest.sessionId, update: u }, () => {});
  }
};
let typing = true;
const typer = (async () => {
  while (typing) {
    text.insert(text.length, 'k');
    send();
    await sleep(50);
  }
})();

async function phase(flood: boolean) {
  samples = [];
  const stats = { framesSent: 0, bytesSent: 0, connects: 0, refusedConnects: 0, closedByServer: 0 };
  let running = true;
  const flooder = (async () => {
    while (flood && running) {
      const s = await connect(attackerCookie);
      if (typeof s === 'string') {
        stats.refusedConnects += 1;
        await sleep(20);
        continue;
      }
      stats.connects += 1;
      s.on('disconnect', (reason) => {
        if (reason === 'io server disconnect' || reason === 'transport close') stats.closedByServer += 1;
      });
      // Within the old per-socket message budget (100/s), as big as the attacker likes.
      while (running && s.connected) {
        s.emit('notes:update', { sessionId: attackerSession, update: frame });
        stats.framesSent += 1;
        stats.bytesSent += frame.byteLength;
        await sleep(10);
      }
      s.close();
    }
  })();
  await sleep(seconds * 1000);
  running = false;
  await flooder;
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), samples: samples.length, ...stats };
}

const quiet = await phase(false);
const flooded = await phase(true);
typing = false;
await typer;
a.close();
b.close();
process.stdout.write(JSON.stringify({ frameKb: Number(frameKbRaw), quiet, flooded }));
process.exit(0);
