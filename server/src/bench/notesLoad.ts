// Load generator for Tandem's note pad, in its own process (the workload and the measurement
// are loadCore's, the same for every system the bench compares): Socket.IO with the app's own
// events, each keystroke's update sent as the browser sends it, then a caret update.
// Run as `node dist/bench/notesLoad.js <url> <pairs.json> <serverPid> <seconds>`; prints JSON.
// Cluster mode: <serverPid> names every process, `node-1=<pid>,node-2=<pid>,postgres=<pid>+,...`
// (see parseProcesses), and BENCH_ORIGIN the origin the cluster serves.
import fs from 'node:fs';
import { PROTOCOL_VERSION, packFrame, wireParser } from '@tandem/shared';
import { io } from 'socket.io-client';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type Connection, type LeanLink, parseProcesses, runLoad } from './loadCore.js';

const [url = '', pairsFile = '', serverPid = '0', secondsRaw = '10'] = process.argv.slice(2);
const pairs = JSON.parse(fs.readFileSync(pairsFile, 'utf8')) as { sessionId: string; cookies: [string, string] }[];
const ORIGIN = process.env.BENCH_ORIGIN ?? 'http://localhost:3000';
const REMOTE = 'remote';

async function connect(index: number, who: 0 | 1): Promise<Connection> {
  const pair = pairs[index];
  if (!pair) throw new Error(`no seeded pair ${index}`);
  const { sessionId } = pair;
  const socket = io(url, {
    transports: ['websocket'],
    parser: wireParser,
    forceNew: true,
    auth: { protocol: PROTOCOL_VERSION },
    extraHeaders: { cookie: pair.cookies[who], origin: ORIGIN },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const join = await socket.emitWithAck('notes:join', { sessionId, stateVector: Y.encodeStateVector(doc) });
  if (!join.ok) throw new Error(`join failed: ${join.error.message}`);
  Y.applyUpdate(doc, new Uint8Array(join.data.update), REMOTE);
  applyAwarenessUpdate(awareness, new Uint8Array(join.data.awareness), REMOTE);
  // The partner's keystrokes and carets are applied as the app applies them (client/src/lib/noteSync.ts),
  // and as the peers' own providers do: a caret costs its receiver too.
  socket.on('notes:update', ({ update, awareness: caret }: { update: ArrayBuffer; awareness?: ArrayBuffer }) => {
    Y.applyUpdate(doc, new Uint8Array(update), REMOTE);
    if (caret) applyAwarenessUpdate(awareness, new Uint8Array(caret), REMOTE);
  });
  socket.on('notes:awareness', ({ update }: { update: ArrayBuffer }) => applyAwarenessUpdate(awareness, new Uint8Array(update), REMOTE));
  // Every local change goes out as its own update, acknowledged once durable, with the caret move
  // of the same keystroke in the same message (as the app's NoteSync does).
  let acks: Promise<unknown> = Promise.resolve();
  const savedAfter: number[] = [];
  let pending: { update: Uint8Array; caret: boolean } | null = null;
  const flush = () => {
    const p = pending;
    pending = null;
    if (!p) return;
    const caret = p.caret ? { awareness: encodeAwarenessUpdate(awareness, [doc.clientID]) } : {};
    const at = performance.now();
    acks = socket.emitWithAck('notes:update', { sessionId, update: p.update, ...caret }).then((answer: { ok?: boolean }) => {
      if (answer.ok) savedAfter.push(performance.now() - at);
      return answer;
    });
  };
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    flush();
    pending = { update, caret: false };
    queueMicrotask(flush);
  });
  awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }) => {
    const changed = [...added, ...updated].filter((id) => id === doc.clientID);
    if (changed.length === 0) return;
    if (pending) pending.caret = true;
    else socket.emit('notes:awareness', { sessionId, update: encodeAwarenessUpdate(awareness, changed) });
  });
  return {
    doc,
    awareness,
    isRemote: (origin) => origin === REMOTE,
    flushed: async () => {
      await acks;
    },
    savedAfter,
    lean: (arrived) => leanLink(socket, sessionId, savedAfter, arrived),
    close: () => socket.disconnect(),
  };
}

/** The parts of engine.io-client's WebSocket transport the lean path uses: its `ws` WebSocket. */
interface RawSocket {
  send(data: Uint8Array): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/**
 * Tandem's lean path (loadCore's LeanLink): a keystroke goes out as the one frame the app's
 * Socket.IO client makes of `notes:update` with an ack (shared/wire.ts), written to the
 * connection's WebSocket; the partner's keystrokes are recognised by their relay frame's header and
 * the acks by their id. Everything else (engine.io's pings) goes on to Socket.IO's client.
 */
function leanLink(socket: ReturnType<typeof io>, sessionId: string, savedAfter: number[], arrived: () => void): LeanLink {
  const ws = (socket.io.engine.transport as unknown as { ws?: RawSocket }).ws;
  const socketIo = ws?.onmessage;
  if (!ws || !socketIo) throw new Error('no WebSocket transport to go lean on');
  const args = `["notes:update",{"sessionId":${JSON.stringify(sessionId)},"update":{"_placeholder":true,"num":0},"awareness":{"_placeholder":true,"num":1}}]`;
  /** What a relay's header holds after its attachment count: `-["notes:update",`. */
  const relay = new TextEncoder().encode('-["notes:update",');
  const isRelay = (frame: Uint8Array) => {
    if (frame[0] !== 0x54) return false;
    const header = 2 + 4 * ((frame[1] ?? 0) + 1);
    if (frame[header] !== 0x35) return false;
    for (let i = 0; i < relay.length; i++) if (frame[header + 2 + i] !== relay[i]) return false;
    return true;
  };
  /** Ack ids of the lean path's own (far above Socket.IO's client's), and when each was sent. */
  let nextId = 1_000_000_000;
  const sentAt = new Map<number, number>();
  ws.onmessage = (event) => {
    const { data } = event;
    if (typeof data === 'string') {
      // An acknowledgement: engine.io's message "4", Socket.IO's ACK "3", the id, then the answer.
      if (data.startsWith('43')) {
        const id = Number(data.slice(2, data.indexOf('[')));
        const at = sentAt.get(id);
        if (at !== undefined) {
          sentAt.delete(id);
          if (data.includes('"ok":true')) savedAfter.push(performance.now() - at);
          return;
        }
      }
    } else {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      if (bytes instanceof Uint8Array && isRelay(bytes)) {
        arrived();
        return;
      }
    }
    socketIo.call(ws, event);
  };
  return {
    send(update, caret) {
      const id = nextId++;
      sentAt.set(id, performance.now());
      const frame = packFrame(`52-${id}${args}`, [update, caret]);
      if (frame) ws.send(frame);
    },
  };
}

const processes = parseProcesses(serverPid);
const result = await runLoad({
  Y,
  sessions: pairs.length,
  serverPid: processes.main,
  otherProcesses: processes.others,
  seconds: Number(secondsRaw),
  connect,
  lean: process.env.BENCH_GENERATOR === 'lean',
});
process.stdout.write(JSON.stringify(result));
process.exit(0);
