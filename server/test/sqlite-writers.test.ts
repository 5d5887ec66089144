import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildTestApp, closeTestApps, createMentorship, onPostgres } from './helpers.js';

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
});
