import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { type NoteChannel, NoteChannels, PROTOCOL_VERSION, wireParser } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
// The browser's own sync code, driven here by real sockets against the real server.
import { GoalsSync } from '../../client/src/lib/goalsSync.js';
import { type NoteSocket, NoteSync } from '../../client/src/lib/noteSync.js';

export { TEST_ORIGIN } from './origin.js';

import { TEST_ORIGIN } from './origin.js';

/** Listens on a free loopback port and returns the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

/** A Socket.IO client as a browser would open it: WebSocket, Origin, cookie, protocol version. */
export function newSocket(
  url: string,
  options: { cookie?: string; origin?: string; protocol?: number; reconnect?: boolean; appTiming?: boolean } = {},
): NoteSocket {
  return io(url, {
    transports: ['websocket'],
    parser: wireParser,
    // Like the app: a dropped transport reconnects by itself (a manual disconnect() does not).
    reconnection: options.reconnect ?? false,
    // Fast for most tests; `appTiming`: the app's own (Socket.IO's defaults: 1 s ± 50%, doubling up to 5 s).
    reconnectionDelay: options.appTiming ? 1_000 : 50,
    reconnectionDelayMax: options.appTiming ? 5_000 : 200,
    forceNew: true,
    auth: { protocol: options.protocol ?? PROTOCOL_VERSION },
    extraHeaders: { ...(options.cookie ? { cookie: options.cookie } : {}), origin: options.origin ?? TEST_ORIGIN },
  });
}

/** Resolves with the connect error's message, or 'connected'. */
export function connectOutcome(socket: NoteSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (e) => resolve(e.message));
  });
}

export interface NoteClient {
  /** Disconnect reasons and connect errors seen, for diagnosing a test that does not settle. */
  events: string[];
  doc: Y.Doc;
  awareness: Awareness;
  socket: NoteSocket;
  sync: NoteSync;
  close(): void;
}

/** A note client: a Y.Doc kept in sync with the server by the client's NoteSync. */
export async function newNoteClient(
  url: string,
  cookie: string,
  id: string,
  channel: NoteChannel = NoteChannels.session,
  options: { origin?: string; appTiming?: boolean } = {},
): Promise<NoteClient> {
  const socket = newSocket(url, { cookie, reconnect: true, ...options });
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const sync = new NoteSync(socket, id, doc, awareness, channel);
  const outcome = await connectOutcome(socket);
  if (outcome !== 'connected') throw new Error(`socket refused: ${outcome}`);
  const events: string[] = [];
  socket.on('disconnect', (reason) => events.push(`disconnect:${reason}`));
  socket.on('connect_error', (e) => events.push(`connect_error:${e.message}`));
  socket.on('server:error', (p) => events.push(`server_error:${p.reason}`));
  return {
    events,
    doc,
    awareness,
    socket,
    sync,
    close() {
      sync.destroy();
      socket.disconnect();
      awareness.destroy();
      doc.destroy();
    },
  };
}

/** Polls until the predicate holds, or fails with the description. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A small seeded PRNG (mulberry32): the same seed replays the same test. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The note as XML, for comparing documents. */
export const noteXml = (doc: Y.Doc) => doc.getXmlFragment('default').toString();

/** A person typing into their own copy of a note (its text `t`): each keystroke is one update. */
export function typist(name: string) {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  return {
    doc,
    type(i: number): Uint8Array {
      let update: Uint8Array | null = null;
      doc.once('update', (u: Uint8Array) => {
        update = u;
      });
      text.insert(text.length, `${name}${i} `);
      if (!update) throw new Error('no update');
      return update;
    },
  };
}

/** Appends text to the last paragraph of the note (what typing at the end does). */
export function typeAtEnd(doc: Y.Doc, text: string) {
  const fragment = doc.getXmlFragment('default');
  doc.transact(() => {
    let paragraph = fragment.toArray().at(-1);
    if (!(paragraph instanceof Y.XmlElement) || paragraph.nodeName !== 'paragraph') {
      paragraph = new Y.XmlElement('paragraph');
      fragment.push([paragraph]);
    }
    const el = paragraph as Y.XmlElement;
    let t = el.toArray()[0];
    if (!(t instanceof Y.XmlText)) {
      t = new Y.XmlText();
      el.insert(0, [t]);
    }
    (t as Y.XmlText).insert((t as Y.XmlText).length, text);
  });
}

/** A goals panel: the client's GoalsSync over its own socket. */
export async function newGoalsClient(url: string, cookie: string, sessionId: string, origin?: string) {
  const socket = newSocket(url, { cookie, origin });
  const outcome = await connectOutcome(socket);
  if (outcome !== 'connected') throw new Error(`socket refused: ${outcome}`);
  const sync = new GoalsSync(socket, sessionId);
  await until(() => sync.current.status !== 'loading', 'goals loaded');
  return {
    socket,
    sync,
    close() {
      sync.destroy();
      socket.disconnect();
    },
  };
}

/** The HTTP status a raw WebSocket upgrade to Socket.IO gets with this Origin (101 = accepted). */
export function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/socket.io/?EIO=4&transport=websocket`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...(origin ? { origin } : {}),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A raw note client: joins, then types one word per update and remembers every word the
 * server acknowledged. Words are unique, so the saved record can be checked word by word.
 */
export interface RawTypist {
  /** The words the server acknowledged. */
  acked: string[];
  /** Types one word; true while the server still takes them. */
  type(): Promise<boolean>;
  close(): void;
}

export async function rawTypist(url: string, cookie: string, sessionId: string, name: string): Promise<RawTypist> {
  const socket = newSocket(url, { cookie }) as unknown as Socket;
  if ((await connectOutcome(socket as never)) !== 'connected') throw new Error('typist could not connect');
  const doc = new Y.Doc();
  const acked: string[] = [];
  const join = await socket.emitWithAck('notes:join', { sessionId, stateVector: Y.encodeStateVector(doc) });
  if (!join.ok) return { acked, type: async () => false, close: () => socket.disconnect() };
  Y.applyUpdate(doc, new Uint8Array(join.data.update));
  const para = doc.getXmlFragment('default').get(1) as Y.XmlElement;
  const text = new Y.XmlText();
  let pending: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => {
    pending = u;
  });
  para.insert(0, [text]);
  const flushPending = async () => {
    const u = pending;
    pending = null;
    return u ? socket.emitWithAck('notes:update', { sessionId, update: u }) : { ok: true };
  };
  await flushPending();
  let n = 0;
  return {
    acked,
    async type(): Promise<boolean> {
      const word = `${name}w${n++}`;
      text.insert(text.length, `${word} `);
      const res = await flushPending();
      if (res.ok) acked.push(word);
      return res.ok;
    },
    close: () => socket.disconnect(),
  };
}
