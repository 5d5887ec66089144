import { closedSessionStatuses } from '@tandem/shared';
import { CompiledQuery, type Kysely, PostgresAdapter } from 'kysely';
import * as Y from 'yjs';
import { preparedOnPostgres } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { nowIso } from '../lib/time.js';
import { coveredBy } from './covered.js';
import { appendBatch, type NoteKind, noteStatements, numberedPlaceholders } from './noteSql.js';

/** One durable write: an update appended to a note's log, or a compaction of the log into a snapshot. */
export type NoteWrite =
  | { kind: 'append'; id: string; seq: number; update: Uint8Array }
  | { kind: 'compact'; id: string; seq: number; state: Uint8Array }
  /** Writes nothing: resolves once everything queued before it is durable. */
  | { kind: 'barrier' };

/** A write as it goes to the database: which kind of note it is for. */
export type NoteRow = Exclude<NoteWrite, { kind: 'barrier' }> & { note: NoteKind };

/** Commits rows of any kind of note in one transaction (the SQLite writer thread). */
export interface NoteCommitter {
  commit(writes: NoteRow[], now: string): Promise<void>;
}

/** A note as stored: the last snapshot (if any) and the log entries after it. */
export interface StoredNote {
  /** The note takes no more edits: its session is over (a shared note) or its mentorship ended (a private note). */
  closed: boolean;
  snapshot: { state: Uint8Array; seq: number } | null;
  updates: { seq: number; update: Uint8Array }[];
}

/** True when nothing is stored for the note yet: no snapshot, no log row. */
export const nothingStored = (stored: StoredNote): boolean => !stored.snapshot && stored.updates.length === 0;

const toBytes = (v: Uint8Array) => (v instanceof Buffer ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v);

/** Persistence of one kind of note: an append-only log of Yjs updates plus periodic snapshots. */
export class NoteStore {
  private readonly sql: ReturnType<typeof noteStatements>;
  private readonly postgres: boolean;
  /** PostgreSQL: a batch's appends, numbered once (the same text whatever the batch). */
  private readonly appendText: string;

  constructor(
    private readonly db: Kysely<Database>,
    /** SQLite: commits go to a writer thread (see SqliteNoteWriter); PostgreSQL commits are async already. */
    private readonly writer?: NoteCommitter,
    readonly kind: NoteKind = 'session',
  ) {
    this.sql = noteStatements(kind);
    this.appendText = numberedPlaceholders(appendBatch(kind));
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    // Every group commit runs it: parsed and planned once per connection.
    if (this.postgres) preparedOnPostgres(this.appendText);
  }

  /** The stored note; `db` may be a transaction the caller is in (a connection it holds). */
  async load(id: string, db: Kysely<Database> = this.db): Promise<StoredNote> {
    const raw = <R>(text: string, params: unknown[]) =>
      db.executeQuery<R>(CompiledQuery.raw(this.postgres ? numberedPlaceholders(text) : text, params));
    const snap = (await raw<{ state: Uint8Array; seq: number }>(this.sql.snapshot, [id])).rows[0];
    const after = snap ? Number(snap.seq) : 0;
    // SQLite: the note's own log and the hot log in one statement (a row moving between them is seen once).
    // PostgreSQL: every row left in the log (see `allUpdates`).
    const rows = (
      this.postgres
        ? await raw<{ seq: number; update: Uint8Array }>(this.sql.allUpdates, [id])
        : await raw<{ seq: number; update: Uint8Array }>(this.sql.updatesAfterWithLog, [id, after, id, after])
    ).rows;
    return {
      closed: await this.closed(id, db),
      snapshot: snap ? { state: toBytes(snap.state), seq: Number(snap.seq) } : null,
      updates: rows.map((r) => ({ seq: Number(r.seq), update: toBytes(r.update) })),
    };
  }

  private async closed(id: string, db: Kysely<Database>): Promise<boolean> {
    if (this.kind === 'private') {
      const m = await db.selectFrom('mentorships').select('status').where('id', '=', id).executeTakeFirst();
      return m?.status === 'ended';
    }
    const session = await db.selectFrom('sessions').select('status').where('id', '=', id).executeTakeFirst();
    return session ? closedSessionStatuses.includes(session.status) : false;
  }

  /**
   * PostgreSQL, where several nodes may open a brand-new note at the same instant: writes its
   * first update (the agenda) only if nothing is stored for it yet, under the note's lock, and
   * resolves to null; otherwise writes nothing and resolves to what IS stored (the other node's
   * agenda), which the caller opens instead. SQLite has one node: its hub needs no such check.
   */
  async createFirst(id: string, update: Uint8Array): Promise<StoredNote | null> {
    return this.db.transaction().execute(async (trx) => {
      await trx.executeQuery(CompiledQuery.raw(numberedPlaceholders(this.sql.lockNote), [this.lockKey(id)]));
      const stored = await this.load(id, trx);
      if (stored.closed || !nothingStored(stored)) return stored;
      await trx.executeQuery(CompiledQuery.raw(this.appendText, [nowIso(), [id], [update]]));
      return null;
    });
  }

  /** PostgreSQL: what a note's advisory lock is taken on (creation and compaction must take the same one). */
  private lockKey(id: string): string {
    return `${this.kind}:${id}`;
  }

  /** True on PostgreSQL: other nodes may write the same notes (see {@link createFirst}). */
  get shared(): boolean {
    return this.postgres;
  }

  /**
   * Commits a batch of writes in ONE transaction (group commit): with SQLite's
   * synchronous=FULL, this is what makes "durable before acknowledged" cheap.
   */
  async commit(writes: NoteWrite[]): Promise<void> {
    const rows: NoteRow[] = [];
    for (const w of writes) if (w.kind !== 'barrier') rows.push({ ...w, note: this.kind });
    if (rows.length === 0) return;
    const now = nowIso();
    if (this.writer) return this.writer.commit(rows, now);
    // Appends before compactions, all of them in one statement (one round trip for the batch,
    // each row's seq drawn from the database's sequence). Without a compaction in the batch that
    // statement is the whole commit: no transaction around it.
    const appends = rows.filter((w) => w.kind === 'append');
    const append = CompiledQuery.raw(this.appendText, [now, appends.map((w) => w.id), appends.map((w) => w.update)]);
    if (appends.length === rows.length) {
      await this.db.executeQuery(append);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      const run = <R>(text: string, params: unknown[]) => trx.executeQuery<R>(CompiledQuery.raw(numberedPlaceholders(text), params));
      if (appends.length > 0) await trx.executeQuery(append);
      for (const w of rows) if (w.kind === 'compact') await this.compactInDatabase(run, w.id, w.state, now);
    });
  }

  /**
   * PostgreSQL compaction, safe with several nodes writing the same note: under the note's lock,
   * the stored snapshot, EVERY log row and the node's own state are merged into the new snapshot,
   * and exactly the rows read are deleted. A row another node commits meanwhile was not read, so
   * it stays (and is applied again on load, which changes nothing if the merge had it already).
   */
  private async compactInDatabase(
    run: <R>(text: string, params: unknown[]) => Promise<{ rows: R[] }>,
    id: string,
    state: Uint8Array,
    now: string,
  ): Promise<void> {
    await run(this.sql.lockNote, [this.lockKey(id)]);
    const snap = (await run<{ state: Uint8Array; seq: string | number }>(this.sql.snapshot, [id])).rows[0];
    const log = (await run<{ seq: string | number; update: Uint8Array }>(this.sql.allUpdates, [id])).rows;
    // Usually the node's state already has all of it (its own rows, and the others' it was relayed):
    // only what it lacks is merged in (a merge of every row read cost ~3x more CPU, measured).
    const covered = coveredBy(state);
    const missing = [...(snap ? [toBytes(snap.state)] : []), ...log.map((r) => toBytes(r.update))].filter((u) => !covered(u));
    const seq = Math.max(snap ? Number(snap.seq) : 0, ...log.map((r) => Number(r.seq)));
    await run(this.sql.upsertSnapshot, [id, missing.length > 0 ? Y.mergeUpdates([...missing, state]) : state, seq, now]);
    if (log.length > 0) await run(this.sql.pruneRead, [id, log.map((r) => String(r.seq))]);
  }
}
