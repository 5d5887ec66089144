import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { insertSession } from '../src/db/mentorships.js';
import { type LiveNote, NoteHub, snapshotDue } from '../src/notes/noteHub.js';
import { NoteStore } from '../src/notes/noteStore.js';
import { buildTestApp, closeTestApps, createMentorship, noteWriterFor, storedDoc } from './helpers.js';
import { typist } from './realtime.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await closeTestApps();
});

const log = pino({ level: 'silent' }) as FastifyBaseLogger;

/** A hub on the test app's database (on SQLite through a writer thread of its own, as the app's) and `count` sessions of one pair. */
async function hubWithSessions(count: number, options: { snapshotEvery: number; snapshotSpacingMs: number }) {
  const app = await buildTestApp();
  const pair = await createMentorship(app);
  const ids = [pair.session.id];
  for (let i = 1; i < count; i++)
    ids.push(
      (
        await insertSession(app.db, {
          mentorshipId: pair.mentorshipId,
          scheduledAt: new Date(Date.now() - i * 86_400_000).toISOString(),
          durationMinutes: 60,
        })
      ).id,
    );
  const writer = noteWriterFor(app);
  const hub = new NoteHub(new NoteStore(app.db, writer), { log, commitWindowMs: 0, ...options });
  const notes = await Promise.all(ids.map((id) => hub.open(id, 'member', { template: [] })));
  const snapshots = vi.spyOn(hub, 'snapshot');
  return { app, hub, notes, snapshots };
}

describe('snapshots', () => {
  it('fall due for each note at its own point, half to one and a half times the interval, the same for the same note and log', () => {
    const due = Array.from({ length: 2_000 }, (_, i) => snapshotDue(`session-${i}`, 0, 500));
    expect(Math.min(...due)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...due)).toBeLessThanOrEqual(750);
    const mean = due.reduce((a, b) => a + b, 0) / due.length;
    expect(Math.abs(mean - 500)).toBeLessThan(20);
    // Spread across the range, not bunched: every tenth of it gets its share.
    for (let tenth = 0; tenth < 10; tenth++) expect(due.filter((d) => Math.floor((d - 250) / 50) === tenth).length).toBeGreaterThan(120);
    // The same note further on gets another point; the same note at the same seq the same one.
    expect(snapshotDue('session-1', 0, 500)).toBe(due[1]);
    expect(new Set(Array.from({ length: 50 }, (_, seq) => snapshotDue('session-1', seq * 500, 500))).size).toBeGreaterThan(20);
  });

  it('are not taken by every note at the same keystroke when the notes open together and are typed in at the same pace', async () => {
    const { app, hub, notes, snapshots } = await hubWithSessions(24, { snapshotEvery: 10, snapshotSpacingMs: 0 });
    const people = notes.map((_, i) => typist(`p${i}`));
    /** The round (one keystroke into every note) at which each note was first compacted. */
    const first = new Map<string, number>();
    for (let round = 1; round <= 16; round++) {
      await Promise.all(notes.map((note, i) => hub.applyClientUpdate(note, (people[i] as ReturnType<typeof typist>).type(round), 'test')));
      for (const [note] of snapshots.mock.calls) if (!first.has(note.id)) first.set(note.id, round);
    }
    // Each was compacted once its point came (every one between 5 and 15 keystrokes), at rounds spread out.
    expect(first.size).toBe(notes.length);
    for (const round of first.values()) expect(round).toBeGreaterThanOrEqual(5);
    for (const round of first.values()) expect(round).toBeLessThanOrEqual(15);
    expect(new Set(first.values()).size).toBeGreaterThanOrEqual(6);
    await hub.drain();
    // Nothing is lost by compacting: the stored note is what was typed.
    const note = notes[3] as LiveNote;
    expect((await storedDoc(app, note.id)).getText('t').toString()).toBe(
      (people[3] as ReturnType<typeof typist>).doc.getText('t').toString(),
    );
  });

  it('start at most one per spacing on a node; a note kept waiting is compacted at a keystroke after it', async () => {
    const { hub, notes, snapshots } = await hubWithSessions(2, { snapshotEvery: 1, snapshotSpacingMs: 400 });
    const [a, b] = notes as [LiveNote, LiveNote];
    const [pa, pb] = [typist('a'), typist('b')];
    // Both notes are due within two keystrokes: the first to be due takes the slot, the other waits.
    for (let i = 0; i < 3; i++)
      await Promise.all([hub.applyClientUpdate(a, pa.type(i), 'test'), hub.applyClientUpdate(b, pb.type(i), 'test')]);
    expect(snapshots).toHaveBeenCalledTimes(1);
    const waiting = snapshots.mock.calls[0]?.[0] === a ? b : a;
    expect(waiting.sinceSnapshot).toBe(3);
    await new Promise((r) => setTimeout(r, 450));
    await hub.applyClientUpdate(waiting, (waiting === a ? pa : pb).type(3), 'test');
    expect(snapshots).toHaveBeenCalledTimes(2);
    expect(snapshots.mock.calls[1]?.[0]).toBe(waiting);
    expect(waiting.sinceSnapshot).toBe(0);
  });
});
