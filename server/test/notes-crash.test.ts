import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { demoAccount } from '@tandem/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { noteText } from '../src/notes/template.js';
import { TEST_LIVEKIT } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';
import { connectOutcome, newSocket, prng, until } from './realtime.js';

const serverEntry = path.resolve(import.meta.dirname, '..', 'dist', 'server.js');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The built server as its own process, as in production. */
async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [serverEntry], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PUBLIC_ORIGIN: 'http://localhost:3000',
      LIVEKIT_URL: 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: TEST_LIVEKIT.key,
      LIVEKIT_API_SECRET: TEST_LIVEKIT.secret,
      SEED_DEMO: 'true',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await until(
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/api/health`)).ok;
      } catch {
        return false;
      }
    },
    'server up',
    20_000,
  );
  return child;
}

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

describe('durability: kill -9 while two people type', () => {
  it('keeps every acknowledged update', async () => {
    if (!fs.existsSync(serverEntry)) throw new Error(`${serverEntry} is missing: build the server first (npm test does)`);
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
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
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
    console.log(
      `crash test: ${a.acked.length + b.acked.length} acknowledged of ${a.sent + b.sent} sent before kill -9; all present after restart`,
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
