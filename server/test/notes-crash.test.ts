import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoAccount } from '@tandem/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { noteText } from '../src/notes/template.js';
import { TEST_ORIGIN } from './origin.js';
import { freePort, killServers, startBuiltServer } from './process.js';
import { connectOutcome, newSocket, prng } from './realtime.js';

afterEach(killServers);

/** The built server as its own process, with the demo accounts. */
const startServer = (port: number, dataDir: string) => startBuiltServer(port, { DATA_DIR: dataDir, SEED_DEMO: 'true' });

async function signIn(base: string, key: 'mentor' | 'student'): Promise<string> {
  const a = demoAccount(key);
  const res = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
    body: JSON.stringify({ email: a.email, password: a.password }),
  });
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** A typist appending its own tokens to one paragraph, one update per token, recording which ones were acknowledged. */
async function typist(base: string, cookie: string, sessionId: string, name: string, paragraphIndex: number) {
  const socket = newSocket(base, { cookie });
  expect(await connectOutcome(socket)).toBe('connected');
  const doc = new Y.Doc();
  const join = await socket.emitWithAck('notes:join', { sessionId, stateVector: Y.encodeStateVector(doc) });
  if (!join.ok) throw new Error(`join failed: ${join.error.message}`);
  Y.applyUpdate(doc, new Uint8Array(join.data.update as Uint8Array));
  const paragraph = doc.getXmlFragment('default').get(paragraphIndex) as Y.XmlElement;
  const text = new Y.XmlText();
  let pendingUpdate: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => {
    pendingUpdate = u;
  });
  paragraph.insert(0, [text]);
  const acked: string[] = [];
  let sent = 0;
  const send = (token: string | null) => {
    const update = pendingUpdate;
    pendingUpdate = null;
    if (!update) return;
    sent += 1;
    socket
      .emitWithAck('notes:update', { sessionId, update })
      .then((res) => {
        if (res.ok && token) acked.push(token);
      })
      .catch(() => undefined);
  };
  send(null);
  let i = 0;
  const timer = setInterval(() => {
    const token = `${name}${i++};`;
    text.insert(text.length, token);
    send(token);
  }, 2);
  return {
    acked,
    get sent() {
      return sent;
    },
    stop() {
      clearInterval(timer);
      socket.disconnect();
    },
  };
}

/** Two people type into the demo session while `stop` stops the server; then every acknowledged token must be in the note after a restart. */
async function typeThrough(stop: (server: ChildProcess) => Promise<void>): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-crash-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await startServer(port, dataDir);
  const [mentorCookie, studentCookie] = [await signIn(base, 'mentor'), await signIn(base, 'student')];
  const dash = (await (await fetch(`${base}/api/dashboard`, { headers: { cookie: mentorCookie } })).json()) as {
    mentorships: { nextSession: { id: string } }[];
  };
  const sessionId = dash.mentorships[0]?.nextSession.id ?? '';

  const a = await typist(base, mentorCookie, sessionId, 'm', 1);
  const b = await typist(base, studentCookie, sessionId, 's', 7);
  // Kill at a repeatable but not round moment, mid-stream.
  const after = 300 + Math.floor(prng(42)() * 200);
  await new Promise((r) => setTimeout(r, after));
  await stop(server);
  a.stop();
  b.stop();
  expect(a.acked.length).toBeGreaterThan(20);
  expect(b.acked.length).toBeGreaterThan(20);

  server = await startServer(port, dataDir);
  const reader = newSocket(base, { cookie: mentorCookie });
  expect(await connectOutcome(reader)).toBe('connected');
  const doc = new Y.Doc();
  const join = await reader.emitWithAck('notes:join', { sessionId, stateVector: Y.encodeStateVector(doc) });
  if (!join.ok) throw new Error(join.error.message);
  Y.applyUpdate(doc, new Uint8Array(join.data.update as Uint8Array));
  reader.disconnect();
  const text = noteText(doc);
  const missing = [...a.acked, ...b.acked].filter((token) => !text.includes(token));
  expect(missing).toEqual([]);
  console.log(`${a.acked.length + b.acked.length} acknowledged of ${a.sent + b.sent} sent before the stop; all present after restart`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

describe('durability while two people type', () => {
  it('keeps every acknowledged update through a kill -9', async () => {
    await typeThrough(async (server) => {
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
    });
  });

  it('drains on SIGTERM: exits by itself and keeps every acknowledged update', async () => {
    await typeThrough(async (server) => {
      const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    });
  });
});
