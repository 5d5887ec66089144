import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { NoteHub } from '../src/notes/noteHub.js';
import { NoteStore } from '../src/notes/noteStore.js';
import { buildTestApp, closeTestApps, createMentorship, noteWriterFor, storedDoc } from './helpers.js';
import { typist } from './realtime.js';

afterEach(closeTestApps);

const log = pino({ level: 'silent' }) as FastifyBaseLogger;

/**
 * A hub on the test app's database (on SQLite through a writer thread of its own, as the app's)
 * whose store records when each batch starts and how large it is.
 */
async function watchedHub(options: { commitWindowMs: number; commitAtWrites?: number }) {
  const app = await buildTestApp();
  const pair = await createMentorship(app);
  const writer = noteWriterFor(app);
  const commits: { at: number; writes: number }[] = [];
  class WatchedStore extends NoteStore {
    override commit(...args: Parameters<NoteStore['commit']>) {
      commits.push({ at: performance.now(), writes: args[0].length });
      return super.commit(...args);
    }
  }
  const hub = new NoteHub(new WatchedStore(app.db, writer), { snapshotEvery: 10_000, log, ...options });
  const note = await hub.open(pair.session.id, 'member', { template: [] });
  return { app, id: pair.session.id, hub, note, commits };
}

describe('group commit', () => {
  it('starts a full batch at once, whatever is left of the window, and waits the window out for a small one', async () => {
    const { app, id, hub, note, commits } = await watchedHub({ commitWindowMs: 1_500, commitAtWrites: 20 });
    const person = typist('epsilon');
    // An idle note's first write commits at once; the window starts there.
    await hub.applyClientUpdate(note, person.type(0), 'test');
    expect(commits).toHaveLength(1);
    const started = performance.now();
    // Twenty more: a full batch, committed and acknowledged long before the 1.5-s window ends.
    await Promise.all(Array.from({ length: 20 }, (_, i) => hub.applyClientUpdate(note, person.type(i + 1), 'test')));
    expect(performance.now() - started).toBeLessThan(700);
    expect(commits.map((c) => c.writes)).toEqual([1, 20]);
    // Three are not a full batch: they wait for the window.
    let acked = false;
    const three = Promise.all([21, 22, 23].map((i) => hub.applyClientUpdate(note, person.type(i), 'test'))).then(() => {
      acked = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(acked).toBe(false);
    expect(commits).toHaveLength(2);
    await hub.drain();
    await three;
    expect(commits.map((c) => c.writes)).toEqual([1, 20, 3]);
    expect((await storedDoc(app, id)).getText('t').toString()).toBe(person.doc.getText('t').toString());
  });

  it("acknowledges a large batch in turns, in order, with the event loop's other work in between", async () => {
    const { hub, note, commits } = await watchedHub({ commitWindowMs: 200 });
    const person = typist('zeta');
    await hub.applyClientUpdate(note, person.type(0), 'test');
    // 300 writes in one batch (they all arrive within the window).
    const order: string[] = [];
    let other: Promise<void> | null = null;
    const acks = Array.from({ length: 300 }, (_, i) =>
      hub.applyClientUpdate(note, person.type(i + 1), 'test').then(() => {
        order.push(`ack ${i}`);
        // Something else the node has to do once the first answer is out (as a socket's next read).
        other ??= new Promise((r) => setImmediate(() => r(void order.push('other work'))));
      }),
    );
    await Promise.all(acks);
    await other;
    expect(commits.map((c) => c.writes)).toEqual([1, 300]);
    const acked = order.filter((o) => o.startsWith('ack'));
    expect(acked).toEqual(Array.from({ length: 300 }, (_, i) => `ack ${i}`));
    // Not after all 300: the batch is answered in turns.
    expect(order.indexOf('other work')).toBeLessThan(order.length - 1);
    expect(order.indexOf('other work')).toBeGreaterThan(0);
  });

  it('keeps up with a busy event loop: a backlog of acks is answered a share per turn, and the next batch commits meanwhile', async () => {
    const { hub, note, commits } = await watchedHub({ commitWindowMs: 0 });
    const person = typist('eta');
    await hub.applyClientUpdate(note, person.type(0), 'test');
    // 4,000 writes in one batch: what a busy node's window holds.
    let acked = 0;
    const acks = Array.from({ length: 4_000 }, (_, i) =>
      hub.applyClientUpdate(note, person.type(i + 1), 'test').then(() => {
        acked += 1;
      }),
    );
    // Counts the turns of the event loop (each also a socket's read, on a busy node) until all are
    // answered; at the first, one more keystroke comes, and the acks answered when its batch commits are noted.
    let turns = 0;
    let later: Promise<unknown> | null = null;
    let ackedAtNextCommit: number | null = null;
    await new Promise<void>((resolve) => {
      const turn = () => {
        if (acked > 0) {
          turns += 1;
          later ??= hub.applyClientUpdate(note, person.type(5_000), 'test');
        }
        if (commits.length === 3) ackedAtNextCommit ??= acked;
        if (acked === 4_000) resolve();
        else setImmediate(turn);
      };
      setImmediate(turn);
    });
    await Promise.all(acks);
    await later;
    // A fixed 64 per turn takes 63 turns; a quarter of the backlog (at least 64) ~14.
    expect(turns).toBeLessThanOrEqual(20);
    expect(turns).toBeGreaterThan(1);
    // The keystroke that came meanwhile committed in a batch of its own before the last of the 4,000 was answered.
    expect(commits.map((c) => c.writes)).toEqual([1, 4_000, 1]);
    expect(ackedAtNextCommit).not.toBeNull();
    expect(ackedAtNextCommit).toBeLessThan(4_000);
  });
});
