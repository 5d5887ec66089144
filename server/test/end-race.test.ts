import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildTestApp, closeTestApps, createMentorship, signIn } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';
import { connectOutcome, listen, newSocket, prng } from './realtime.js';

afterAll(closeTestApps);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A raw note client: joins, then types one word per update and remembers every word the
 * server acknowledged. Words are unique, so the saved record can be checked word by word.
 */
async function typist(url: string, cookie: string, sessionId: string, name: string) {
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
    /** Types one word; true while the server still takes them. */
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
      const typists: Awaited<ReturnType<typeof typist>>[] = [];
      let ended = false;

      // Two who type from the start, and late joiners arriving around the end.
      const steady = await Promise.all([typist(url, cookies.student, sessionId, 's'), typist(url, cookies.mentor, sessionId, 'm')]);
      typists.push(...steady);
      const typing = steady.map(async (t) => {
        while (await t.type()) await sleep(random() * 4);
      });
      // Long enough for a few group commits (NOTE_COMMIT_WINDOW_MS, 40 ms) to acknowledge words before the end.
      const endAfter = 150 + random() * 150;
      const joiners = (async () => {
        for (let i = 0; !ended && i < 40; i++) {
          await sleep(random() * 6);
          // Each joins, types a few words as fast as it can, and leaves (the note may unload between joins).
          const t = await typist(url, i % 2 ? cookies.student : cookies.mentor, sessionId, `j${i}`);
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
