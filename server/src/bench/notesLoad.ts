// Load generator for the note pad, in its own process: N sessions of 2 typists at
// 5 keystrokes per second, each keystroke followed by a caret (awareness) update.
// Measures keystroke propagation: typist A's update sent -> typist B receives it.
// Run as `node dist/bench/notesLoad.js <url> <pairs.json> <serverPid> <seconds>`; prints JSON.
import fs from 'node:fs';
import { PROTOCOL_VERSION } from '@tandem/shared';
import { io, type Socket } from 'socket.io-client';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';

const [url = '', pairsFile = '', serverPid = '0', secondsRaw = '10'] = process.argv.slice(2);
const seconds = Number(secondsRaw);
const pairs = JSON.parse(fs.readFileSync(pairsFile, 'utf8')) as { sessionId: string; cookies: [string, string] }[];
const ORIGIN = 'http://localhost:3000';
const KEYS_PER_SECOND = 5;

interface Typist {
  socket: Socket;
  doc: Y.Doc;
  awareness: Awareness;
  text: Y.XmlText;
  /** Send times of this typist's updates not yet seen by the partner, in order. */
  inFlight: number[];
  partner?: Typist;
}

const latencies: number[] = [];
let measuring = false;
let sentUpdates = 0;

function cpuTicks(pid: string): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
}
function rssBytes(pid: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

async function connectTypist(sessionId: string, cookie: string, paragraph: number): Promise<Typist> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    auth: { protocol: PROTOCOL_VERSION },
    extraHeaders: { cookie, origin: ORIGIN },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const doc = new Y.Doc();
  const join = await socket.emitWithAck('notes:join', { sessionId, stateVector: Y.encodeStateVector(doc) });
  if (!join.ok) throw new Error(`join failed: ${join.error.message}`);
  Y.applyUpdate(doc, new Uint8Array(join.data.update), 'remote');
  const typist: Typist = { socket, doc, awareness: new Awareness(doc), text: new Y.XmlText(), inFlight: [] };
  socket.on('notes:update', ({ update }: { update: ArrayBuffer }) => {
    const sentAt = typist.partner?.inFlight.shift();
    if (measuring && sentAt !== undefined) latencies.push(performance.now() - sentAt);
    Y.applyUpdate(doc, new Uint8Array(update), 'remote');
  });
  socket.on('notes:awareness', () => {});
  let pending: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') pending = u;
  });
  // Each typist writes into its own paragraph of the agenda.
  const para = doc.getXmlFragment('default').get(paragraph) as Y.XmlElement;
  para.insert(0, [typist.text]);
  if (pending) await socket.emitWithAck('notes:update', { sessionId, update: pending });
  typist.awareness.setLocalStateField('user', { name: cookie.slice(-6), color: '#f59e0b' });
  return typist;
}

function keystroke(t: Typist, sessionId: string): void {
  let update: Uint8Array | null = null;
  const grab = (u: Uint8Array) => {
    update = u;
  };
  t.doc.once('update', grab);
  t.text.insert(t.text.length, String.fromCharCode(97 + Math.floor(Math.random() * 26)));
  if (!update) return;
  t.inFlight.push(performance.now());
  sentUpdates += 1;
  t.socket.emit('notes:update', { sessionId, update }, () => {});
  t.awareness.setLocalStateField('cursor', { anchor: t.text.length, head: t.text.length });
  t.socket.emit('notes:awareness', { sessionId, update: encodeAwarenessUpdate(t.awareness, [t.doc.clientID]) });
}

/** Fills a note like a typical week's: ~4,000 characters typed in ~200 bursts. */
async function fillNote(t: Typist, sessionId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    let update: Uint8Array | null = null;
    t.doc.once('update', (u: Uint8Array) => {
      update = u;
    });
    t.text.insert(Math.floor(Math.random() * (t.text.length + 1)), 'weekly note text ab ');
    if (update) await t.socket.emitWithAck('notes:update', { sessionId, update });
  }
  t.inFlight.length = 0;
}

const rssBefore = rssBytes(serverPid);
const typists: [Typist, Typist][] = [];
for (const p of pairs) {
  const a = await connectTypist(p.sessionId, p.cookies[0], 1);
  const b = await connectTypist(p.sessionId, p.cookies[1], 3);
  a.partner = b;
  b.partner = a;
  typists.push([a, b]);
}
// The partner's fill arrives as updates too: drop those from the latency queues afterwards.
await Promise.all(typists.map(([a], i) => fillNote(a, pairs[i]?.sessionId ?? '')));
await new Promise((r) => setTimeout(r, 1000));
for (const [a, b] of typists) {
  a.inFlight.length = 0;
  b.inFlight.length = 0;
}
const rssLoaded = rssBytes(serverPid);

// Each typist keystrokes on its own timer, phase-shifted so load is spread evenly.
const timers: NodeJS.Timeout[] = [];
typists.forEach(([a, b], i) => {
  const sessionId = pairs[i]?.sessionId ?? '';
  for (const t of [a, b]) {
    const start = Math.random() * (1000 / KEYS_PER_SECOND);
    timers.push(
      setTimeout(() => {
        keystroke(t, sessionId);
        timers.push(setInterval(() => keystroke(t, sessionId), 1000 / KEYS_PER_SECOND));
      }, start),
    );
  }
});
await new Promise((r) => setTimeout(r, 2000)); // warm-up
measuring = true;
sentUpdates = 0;
const cpuStart = cpuTicks(serverPid);
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const elapsed = (performance.now() - t0) / 1000;
const cpuEnd = cpuTicks(serverPid);
measuring = false;
for (const t of timers) clearInterval(t);
const rssEnd = rssBytes(serverPid);
for (const [a, b] of typists) {
  a.socket.disconnect();
  b.socket.disconnect();
}

latencies.sort((x, y) => x - y);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
const ticksPerSecond = 100;
process.stdout.write(
  JSON.stringify({
    sessions: pairs.length,
    keystrokes: sentUpdates,
    keystrokesPerSecond: sentUpdates / elapsed,
    samples: latencies.length,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: latencies.at(-1) ?? Number.NaN,
    serverCpuPercent: ((cpuEnd - cpuStart) / ticksPerSecond / elapsed) * 100,
    serverCpuMicrosPerKeystroke: (((cpuEnd - cpuStart) / ticksPerSecond) * 1e6) / Math.max(1, sentUpdates),
    rssPerSessionBytes: (rssLoaded - rssBefore) / pairs.length,
    rssLoaded,
    rssEnd,
  }),
);
process.exit(0);
