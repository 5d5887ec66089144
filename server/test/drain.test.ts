import { HealthResponseSchema } from '@tandem/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { noteText } from '../src/notes/template.js';
import { buildTestApp, closeTestApps, createMentorship, signIn, storedDoc } from './helpers.js';
import { connectOutcome, listen, newNoteClient, newSocket, until } from './realtime.js';

const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await closeTestApps();
});

const health = async (app: Awaited<ReturnType<typeof buildTestApp>>) => {
  const res = await app.inject({ url: '/api/health' });
  return { code: res.statusCode, body: HealthResponseSchema.parse(res.json()) };
};

describe('a node’s health and its drain', () => {
  it('says ready only while its database answers', async () => {
    const app = await buildTestApp();
    expect(await health(app)).toMatchObject({ code: 200, body: { ok: true, status: 'ready' } });
    const executor = app.db.getExecutor();
    const down = vi.spyOn(executor, 'executeQuery').mockRejectedValue(new Error('connection refused'));
    expect(await health(app)).toMatchObject({ code: 503, body: { ok: false, status: 'database_unavailable' } });
    down.mockRestore();
    expect(await health(app)).toMatchObject({ code: 200, body: { status: 'ready' } });
  });

  it('draining: says so, refuses new sockets, moves the open ones, and every acknowledged update is durable', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const [mentor, student] = [await signIn(app, pair.mentor), await signIn(app, pair.student)];
    const watcher = await newNoteClient(url, student, pair.session.id);
    closers.push(() => watcher.close());
    await until(() => watcher.sync.allSaved, 'the watcher joined');

    // A typist with several updates in flight (none waits for the one before), as a fast typist's app has.
    const socket = newSocket(url, { cookie: mentor });
    closers.push(() => socket.disconnect());
    expect(await connectOutcome(socket)).toBe('connected');
    const doc = new Y.Doc();
    const join = await socket.emitWithAck('notes:join', { sessionId: pair.session.id, stateVector: Y.encodeStateVector(doc) });
    if (!join.ok) throw new Error(join.error.message);
    Y.applyUpdate(doc, new Uint8Array(join.data.update as Uint8Array));
    const unsent: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => {
      unsent.push(u);
    });
    const text = new Y.XmlText();
    (doc.getXmlFragment('default').get(1) as Y.XmlElement).insert(0, [text]);
    const acked: string[] = [];
    const moved = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const type = (token: string) => {
      text.insert(text.length, `${token} `);
      const update = Y.mergeUpdates(unsent.splice(0));
      void socket
        .emitWithAck('notes:update', { sessionId: pair.session.id, update })
        .then((res) => res.ok && acked.push(token))
        .catch(() => undefined);
    };
    type('first');
    await until(() => acked.includes('first'), 'the first word acknowledged');
    const live = await app.notes.get(pair.session.id);
    if (!live) throw new Error('note not live');
    const before = live.seq;
    for (let i = 0; i < 30; i++) type(`w${i}`);
    // The node has taken them all (applied, relayed, queued for the next group commit); the drain starts now.
    await until(() => live.seq === before + 30, 'the words taken');
    await app.drain();
    // Everything the node took before the drain is in the database when the drain is over (not only what it acknowledged).
    const saved = noteText(await storedDoc(app, pair.session.id));
    const took = ['first', ...Array.from({ length: 30 }, (_, i) => `w${i}`)];
    expect(took.filter((t) => !saved.includes(`${t} `))).toEqual([]);

    expect(await health(app)).toMatchObject({ code: 503, body: { ok: false, status: 'draining' } });
    // Its clients were moved off (their apps reconnect through the load balancer and re-sync)...
    expect(await moved).toBe('transport close');
    await until(() => watcher.events.includes('disconnect:transport close'), 'the watcher moved too');
    // ...and no new one is taken.
    const late = newSocket(url, { cookie: mentor });
    closers.push(() => late.disconnect());
    expect(await connectOutcome(late)).not.toBe('connected');
    // Every acknowledged word is among them.
    expect(acked).toContain('first');
    expect(acked.filter((t) => !saved.includes(`${t} `))).toEqual([]);
  });
});
