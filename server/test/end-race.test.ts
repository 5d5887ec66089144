import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, closeTestApps, createMentorship, signIn } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';
import { listen, prng, type RawTypist, rawTypist } from './realtime.js';

afterAll(closeTestApps);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ending a session while people type and join', () => {
  // Seeded: each seed replays the same timings of typing, joining and ending.
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`keeps every acknowledged update in the saved record (seed ${seed})`, { timeout: 20_000 }, async () => {
      const random = prng(seed);
      const app = await buildTestApp();
      const url = await listen(app);
      const pair = await createMentorship(app);
      const cookies = { mentor: await signIn(app, pair.mentor), student: await signIn(app, pair.student) };
      const sessionId = pair.session.id;
      const typists: RawTypist[] = [];
      let ended = false;

      // Two who type from the start, and late joiners arriving around the end.
      const steady = await Promise.all([rawTypist(url, cookies.student, sessionId, 's'), rawTypist(url, cookies.mentor, sessionId, 'm')]);
      typists.push(...steady);
      const typing = steady.map(async (t) => {
        while (await t.type()) await sleep(random() * 4);
      });
      // Long enough for a group commit or more to acknowledge words before the end: NOTE_COMMIT_WINDOW_MS
      // (250 ms), on PostgreSQL moved to the wall clock's nearest multiple of it (up to half a window later).
      const endAfter = 400 + random() * 400;
      const joiners = (async () => {
        for (let i = 0; !ended && i < 40; i++) {
          await sleep(random() * 6);
          // Each joins, types a few words as fast as it can, and leaves (the note may unload between joins).
          const t = await rawTypist(url, i % 2 ? cookies.student : cookies.mentor, sessionId, `j${i}`);
          typists.push(t);
          for (let k = 0; k < 3 && (await t.type()); k++);
          t.close();
        }
      })();
      await sleep(endAfter);
      const end = await app.inject({
        method: 'POST',
        url: `/api/sessions/${sessionId}/end`,
        headers: { origin: TEST_ORIGIN, cookie: cookies.mentor },
      });
      ended = true;
      expect(end.statusCode).toBe(200);
      await Promise.all([...typing, joiners]);
      for (const t of typists) t.close();

      const record = await app.db
        .selectFrom('session_records')
        .select('note_text')
        .where('session_id', '=', sessionId)
        .executeTakeFirstOrThrow();
      const acked = typists.flatMap((t) => t.acked);
      const saved = new Set(record.note_text.split(/\s+/));
      const lost = acked.filter((w) => !saved.has(w));
      expect(acked.length).toBeGreaterThan(2);
      expect(lost).toEqual([]);
      // And nothing was acknowledged into the note's log after the record was written.
      const live = await app.notes.get(sessionId);
      expect(live === undefined || live.frozen).toBe(true);
    });
  }
});
