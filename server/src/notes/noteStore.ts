import { closedSessionStatuses } from '@tandem/shared';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../lib/time.js';
import { appendRows, NoteSql, numberedPlaceholders } from './noteSql.js';

/** One durable write: an update appended to the log, or a compaction of the log into a snapshot. */
export type NoteWrite =
  | { kind: 'append'; sessionId: string; seq: number; update: Uint8Array }
  | { kind: 'compact'; sessionId: string; seq: number; state: Uint8Array }
  /** Writes nothing: resolves once everything queued before it is durable. */
  | { kind: 'barrier' };

/** A note as stored: the last snapshot (if any) and the log entries after it. */
export interface StoredNote {
  /** The session is over: its note takes no more edits. */
  closed: boolean;
  snapshot: { state: Uint8Array; seq: number } | null;
  updates: { seq: number; update: Uint8Array }[];
}

const toBytes = (v: Uint8Array) => (v instanceof Buffer ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v);

/** Persistence of notes: an append-only log of Yjs updates plus periodic snapshots. */
export class NoteStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** SQLite: commits go to a writer thread (see SqliteNoteWriter); PostgreSQL commits are async already. */
    private readonly writer?: { commit(writes: NoteWrite[], now: string): Promise<void> },
  ) {}

  /** The stored note; `db` may be a transaction the caller is in (a connection it holds). */
  async load(sessionId: string, db: Kysely<Database> = this.db): Promise<StoredNote> {
    const snap = await db.selectFrom('notes').select(['state', 'seq']).where('session_id', '=', sessionId).executeTakeFirst();
    const after = snap?.seq ?? 0;
    const rows = await db
      .selectFrom('note_updates')
      .select(['seq', 'update'])
      .where('session_id', '=', sessionId)
      .where('seq', '>', after)
      .orderBy('seq')
      .execute();
    const session = await db.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirst();
    return {
      closed: session ? closedSessionStatuses.includes(session.status) : false,
      snapshot: snap ? { state: toBytes(snap.state), seq: snap.seq } : null,
      updates: rows.map((r) => ({ seq: r.seq, update: toBytes(r.update) })),
    };
  }

  /**
   * Commits a batch of writes in ONE transaction (group commit): with SQLite's
   * synchronous=FULL, this is what makes "durable before acknowledged" cheap.
   */
  async commit(writes: NoteWrite[]): Promise<void> {
    if (writes.every((w) => w.kind === 'barrier')) return;
    const now = nowIso();
    if (this.writer) return this.writer.commit(writes, now);
    // The same statements as the SQLite writer thread (noteSql.ts), appends before compactions;
    // appends go 200 rows to a statement, one round trip per chunk rather than per keystroke.
    await this.db.transaction().execute(async (trx) => {
      const run = (text: string, params: unknown[]) => trx.executeQuery(CompiledQuery.raw(numberedPlaceholders(text), params));
      const appends = writes.filter((w) => w.kind === 'append');
      for (let i = 0; i < appends.length; i += 200) {
        const chunk = appends.slice(i, i + 200);
        await run(
          appendRows(chunk.length),
          chunk.flatMap((w) => [w.sessionId, w.seq, w.update, now]),
        );
      }
      for (const w of writes) {
        if (w.kind !== 'compact') continue;
        await run(NoteSql.upsertSnapshot, [w.sessionId, w.state, w.seq, now]);
        await run(NoteSql.prune, [w.sessionId, w.seq]);
      }
    });
  }
}
