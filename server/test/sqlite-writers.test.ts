import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteNoteWriter } from '../src/notes/sqliteWriter.js';
import { buildTestApp, closeTestApps, createMentorship, envOf, onPostgres, testConfig } from './helpers.js';

afterEach(closeTestApps);

describe.skipIf(onPostgres)('two SQLite connections: the app and the note writer thread', () => {
  it('a transaction that reads, then writes is not refused because the note writer committed in between', async () => {
    const app = await buildTestApp();
    const pair = await createMentorship(app);
    const note = await app.notes.open(pair.session.id, 'typist', { template: [] });
    const typist = new Y.Doc();
    typist.getText('t').insert(0, 'a keystroke');
    let committed: Promise<unknown> = Promise.resolve();
    await app.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('mentorships').select('title').where('id', '=', pair.mentorshipId).executeTakeFirstOrThrow();
      // The writer thread commits a keystroke while this transaction is between its read and its write.
      committed = app.notes.applyClientUpdate(note, Y.encodeStateAsUpdate(typist), 'typist');
      await new Promise((r) => setTimeout(r, 300));
      await trx
        .updateTable('mentorships')
        .set({ title: `${before.title} (renamed)` })
        .where('id', '=', pair.mentorshipId)
        .execute();
    });
    expect(await committed).toEqual({ ok: true, data: {} });
    const after = await app.db.selectFrom('mentorships').select('title').where('id', '=', pair.mentorshipId).executeTakeFirstOrThrow();
    expect(after.title).toMatch(/\(renamed\)$/);
  });

  it('the writer thread takes a batch of both kinds of note, appends and a compaction, row for row; a bad batch writes nothing', async () => {
    const app = await buildTestApp();
    const pair = await createMentorship(app);
    const config = testConfig(envOf(app));
    if (config.database.kind !== 'sqlite') throw new Error('SQLite only');
    const writer = new SqliteNoteWriter(config.database.file);
    try {
      const bytes = (n: number) => new Uint8Array(n).fill(n);
      await writer.commit(
        [
          { kind: 'append', note: 'session', id: pair.session.id, seq: 1, update: bytes(3) },
          { kind: 'append', note: 'private', id: pair.mentorshipId, seq: 1, update: bytes(200) },
          { kind: 'append', note: 'session', id: pair.session.id, seq: 2, update: bytes(5) },
        ],
        new Date().toISOString(),
      );
      const log = await app.db.selectFrom('note_log').select(['note', 'id', 'seq', 'update']).orderBy('seq').orderBy('note').execute();
      expect(log.map((r) => [r.note, r.id, Number(r.seq), [...r.update]])).toEqual([
        ['private', pair.mentorshipId, 1, [...bytes(200)]],
        ['session', pair.session.id, 1, [...bytes(3)]],
        ['session', pair.session.id, 2, [...bytes(5)]],
      ]);
      // A compaction writes the snapshot and deletes what it covers, wherever it is; the other rows stay where they are.
      await writer.commit([{ kind: 'compact', note: 'session', id: pair.session.id, seq: 2, state: bytes(7) }], new Date().toISOString());
      const snapshot = await app.db
        .selectFrom('notes')
        .select(['state', 'seq'])
        .where('session_id', '=', pair.session.id)
        .executeTakeFirstOrThrow();
      expect([...snapshot.state]).toEqual([...bytes(7)]);
      expect(Number(snapshot.seq)).toBe(2);
      const hot = async () => (await app.db.selectFrom('note_log').select(['note', 'seq']).execute()).map((r) => [r.note, Number(r.seq)]);
      expect(await hot()).toEqual([['private', 1]]);
      expect(await app.db.selectFrom('note_updates').select('seq').where('session_id', '=', pair.session.id).execute()).toHaveLength(0);
      // An id that would break the batch's framing: refused, and nothing of the batch is written.
      await expect(
        writer.commit(
          [
            { kind: 'append', note: 'session', id: pair.session.id, seq: 3, update: bytes(1) },
            { kind: 'append', note: 'session', id: `${pair.session.id}\nx`, seq: 4, update: bytes(1) },
          ],
          new Date().toISOString(),
        ),
      ).rejects.toThrow(/line break/);
      expect(await hot()).toEqual([['private', 1]]);
    } finally {
      await writer.close();
    }
  });
});
