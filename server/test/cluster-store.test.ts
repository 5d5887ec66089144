import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NoteHub } from '../src/notes/noteHub.js';
import { NoteStore } from '../src/notes/noteStore.js';
import { buildTestApp, closeTestApps, createMentorship, envOf, onPostgres, storedDoc } from './helpers.js';
import { prng, typist } from './realtime.js';

afterEach(closeTestApps);

const log = pino({ level: 'silent' }) as FastifyBaseLogger;

describe.skipIf(!onPostgres)('several nodes writing one note (PostgreSQL)', () => {
  it('keeps every acknowledged update when two nodes append and compact the same note at once, neither seeing the other', async () => {
    const first = await buildTestApp();
    const pair = await createMentorship(first);
    // The second node: the same database through its own connections.
    const second = await buildTestApp(envOf(first));
    const random = prng(15);
    // Compactions every few updates on both nodes, interleaved with the other's appends.
    const hubs = [first, second].map((app) => new NoteHub(new NoteStore(app.db), { snapshotEvery: 7, snapshotSpacingMs: 0, log }));
    const notes = await Promise.all(hubs.map((hub, i) => hub.open(pair.session.id, `member-${i}`, { template: [] })));
    const people = [typist('alpha'), typist('beta')];
    const acked: Promise<unknown>[] = [];
    for (let i = 0; i < 120; i++) {
      const who = random() < 0.5 ? 0 : 1;
      const hub = hubs[who];
      const note = notes[who];
      const person = people[who];
      if (!hub || !note || !person) throw new Error('unreachable');
      acked.push(
        hub.applyClientUpdate(note, person.type(i), 'test').then((r) => {
          if (!r.ok) throw new Error(r.error.message);
        }),
      );
      if (i % 10 === 9) await Promise.all(acked);
    }
    await Promise.all(acked);
    // Both leave: each writes a last snapshot of only what it saw.
    await Promise.all(hubs.map((hub, i) => hub.leave(pair.session.id, `member-${i}`)));

    const doc = await storedDoc(first, pair.session.id);
    const expected = new Y.Doc();
    for (const p of people) Y.applyUpdate(expected, Y.encodeStateAsUpdate(p.doc));
    expect(doc.getText('t').toString()).toBe(expected.getText('t').toString());
    for (const name of ['alpha', 'beta']) expect(doc.getText('t').toString().split(name).length - 1).toBeGreaterThan(20);
  });

  it("a compaction on a node that has not seen another node's deletion keeps it (the other node then crashes)", async () => {
    const first = await buildTestApp();
    const pair = await createMentorship(first);
    const second = await buildTestApp(envOf(first));
    const hubs = [first, second].map((app) => new NoteHub(new NoteStore(app.db), { snapshotEvery: 1_000, log }));
    const [one, two] = await Promise.all(hubs.map((hub, i) => hub.open(pair.session.id, `member-${i}`, { template: [] })));
    const [hubOne, hubTwo] = hubs;
    if (!one || !two || !hubOne || !hubTwo) throw new Error('unreachable');
    const alpha = new Y.Doc();
    const text = alpha.getText('t');
    const send = async (change: () => void) => {
      let update: Uint8Array | null = null;
      alpha.once('update', (u: Uint8Array) => {
        update = u;
      });
      change();
      if (!update) throw new Error('no update');
      const r = await hubOne.applyClientUpdate(one, update, 'alpha');
      if (!r.ok) throw new Error(r.error.message);
    };
    await send(() => text.insert(0, 'abcdef'));
    // A deletion alone: no new text, only what it deletes.
    await send(() => text.delete(2, 2));
    // The second node, which saw neither, compacts the note; the first is never heard from again.
    await hubTwo.snapshot(two);
    expect((await storedDoc(first, pair.session.id)).getText('t').toString()).toBe('abef');
  });

  it("two nodes opening a brand-new note at the same instant write its agenda once: the second reads the first's", async () => {
    const first = await buildTestApp();
    const pair = await createMentorship(first);
    const second = await buildTestApp(envOf(first));
    const hubs = [first, second].map((app) => new NoteHub(new NoteStore(app.db), { snapshotEvery: 100, log }));
    // Both have read the empty note before either writes its agenda: the race, every time.
    let arrived = 0;
    let bothRead: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => {
      bothRead = resolve;
    });
    const carried = async () => {
      arrived += 1;
      if (arrived === 2) bothRead();
      await barrier;
      return ['bring the draft'];
    };
    const template = ['Check-in', 'Agenda'];
    const notes = await Promise.all(hubs.map((hub, i) => hub.open(pair.session.id, `member-${i}`, { template, carried })));
    expect(arrived).toBe(2);
    const text = (doc: Y.Doc) => doc.getXmlFragment('default').toString();
    const [a, b] = notes.map((n) => text(n.doc));
    expect(a).toBe(b);
    const stored = text(await storedDoc(first, pair.session.id));
    expect(stored).toBe(a);
    expect(stored.split('Check-in').length - 1).toBe(1);
    expect(stored.split('bring the draft').length - 1).toBe(1);
  });

  it("runs a batch's append as a prepared statement (parsed once per connection), and still stores every row", async () => {
    const app = await buildTestApp();
    const pair = await createMentorship(app);
    const writer = typist('gamma');
    const updates = [writer.type(1), writer.type(2), writer.type(3)];
    // One connection throughout: PostgreSQL lists a connection's own prepared statements only.
    const listed = await app.db.connection().execute(async (conn) => {
      const store = new NoteStore(conn);
      for (const update of updates) await store.commit([{ kind: 'append', id: pair.session.id, seq: 0, update }]);
      const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(conn);
      return rows.map((r) => r.statement);
    });
    expect(listed.filter((s) => s.startsWith('INSERT INTO note_updates'))).toHaveLength(1);
    const doc = await storedDoc(app, pair.session.id);
    expect(doc.getText('t').toString()).toBe('gamma1 gamma2 gamma3 ');
  });

  it("commits a busy node's batches on the wall clock's multiples of the window (every node's at the same moment)", async () => {
    const app = await buildTestApp();
    const pair = await createMentorship(app);
    const window = 100;
    const commitsAt: number[] = [];
    class WatchedStore extends NoteStore {
      override commit(...args: Parameters<NoteStore['commit']>) {
        commitsAt.push(Date.now());
        return super.commit(...args);
      }
    }
    const hub = new NoteHub(new WatchedStore(app.db), { snapshotEvery: 10_000, commitWindowMs: window, log });
    const note = await hub.open(pair.session.id, 'member', { template: [] });
    const person = typist('delta');
    // Start halfway between two multiples: a window counted from the first commit would stay there.
    while (Date.now() % window !== window / 2) await new Promise((r) => setTimeout(r, 1));
    const acked: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      acked.push(hub.applyClientUpdate(note, person.type(i), 'test'));
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(acked);
    expect(commitsAt.length).toBeGreaterThan(4);
    // The first (an idle note's) commits at once; the others on the grid, give or take a timer's
    // lateness (or a millisecond early: timers and the wall clock round differently).
    const offsets = commitsAt.slice(1).map((t) => Math.min(t % window, window - (t % window)));
    const late = offsets.filter((o) => o >= window / 4);
    // (A busy test machine may make a few late; at staggered times every one would be ~50 ms off.)
    expect(late.length, `offsets ${offsets.join(', ')}`).toBeLessThanOrEqual(Math.floor(offsets.length / 3));
    expect((await storedDoc(app, pair.session.id)).getText('t').toString()).toBe(person.doc.getText('t').toString());
  });
});
