// The SQLite note writer's thread: its own connection, durable (FULL) commits, one transaction
// per batch. Loaded by SqliteNoteWriter as a worker: from dist as JavaScript, and from the
// sources in tests through Node's own type stripping (so only erasable TypeScript here, and
// no relative imports but of types: the statements arrive in workerData from noteSql.ts).
//
// Appends go to the hot log (`note_log`, see NoteLogSql): one page or two per commit whatever
// the number of notes in the batch. Its rows move into the notes' own logs in one transaction
// every few seconds (or sooner when it grows); a compaction deletes the rows it covers from both
// (moving the whole hot log at each one cost this thread ~10 ms per compaction at 575 notes).

import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
// A type only (erased when Node strips the types): the batch as sqliteWriter.ts sends it.
import type { WriterBatch as Batch } from './sqliteWriter.js';

interface Row {
  kind: 'append' | 'compact';
  /** Which kind of note (a key of the statements in workerData). */
  note: string;
  id: string;
  seq: number;
  /** Its bytes: the update appended, or the snapshot's state. */
  data: Uint8Array;
}
type Message = { close: true } | Batch;

/** The writer connection's page cache, in KiB. */
const WRITER_CACHE_KIB = 32 * 1024;

const { file, sql, sqlite, moveEveryMs, moveAtRows } = workerData as {
  file: string;
  sql: {
    kinds: Record<string, { moveFromLog: string; upsertSnapshot: string; prune: string; pruneLog: string }>;
    log: { append: string; clear: string; count: string };
  };
  sqlite: { pragmas: string; busyTimeoutMs: number };
  moveEveryMs: number;
  moveAtRows: number;
};
const db = new DatabaseSync(file, { timeout: sqlite.busyTimeoutMs });
db.exec(sqlite.pragmas);
// This connection's page cache (SQLite's default is 2 MB): moving the hot log writes into every
// open note's log and checks its session, and at hundreds of notes those pages no longer fit, so
// each move read them again from the file (bench, 300 sessions: ~1 pread per keystroke).
db.exec(`PRAGMA cache_size = -${WRITER_CACHE_KIB}`);
const statements = new Map(
  Object.entries(sql.kinds).map(([note, s]) => [
    note,
    {
      move: db.prepare(s.moveFromLog),
      upsert: db.prepare(s.upsertSnapshot),
      prune: db.prepare(s.prune),
      pruneLog: db.prepare(s.pruneLog),
    },
  ]),
);
const append = db.prepare(sql.log.append);
const clearLog = db.prepare(sql.log.clear);
/** The kinds of note, in the order the main thread numbers them (`noteKinds` in sqliteWriter.ts). */
const noteKinds = Object.keys(sql.kinds);
const of = (w: Row) => {
  const s = statements.get(w.note);
  if (!s) throw new Error(`unknown kind of note: ${w.note}`);
  return s;
};

/** Rows in the hot log (what a crash left there counts too). */
let logged = Number((db.prepare(sql.log.count).get() as { n: number }).n);

/** Inside a transaction: every row of the hot log into its note's own log. */
function moveLog(): void {
  if (logged === 0) return;
  for (const s of statements.values()) s.move.run();
  clearLog.run();
  logged = 0;
}

/** Runs work in one transaction; on a rollback, the hot log's row count is what it was before. */
function inTransaction(work: () => void): void {
  const before = logged;
  db.exec('BEGIN IMMEDIATE');
  try {
    work();
    db.exec('COMMIT');
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK');
    logged = before;
    throw e;
  }
}

/** A batch's rows; throws on one that does not add up (a kind of note unknown here, lengths past its bytes). */
function rowsOf(batch: Batch): Row[] {
  const ids = batch.ids.split('\n');
  const n = batch.kinds.length;
  if (ids.length !== n || batch.seqs.length !== n || batch.lengths.length !== n) throw new Error('the batch does not add up');
  const rows: Row[] = new Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const kind = batch.kinds[i] as number;
    const note = noteKinds[kind >> 1];
    if (note === undefined) throw new Error(`unknown kind of note: ${kind >> 1}`);
    const length = batch.lengths[i] as number;
    rows[i] = {
      kind: kind & 1 ? 'compact' : 'append',
      note,
      id: ids[i] as string,
      seq: batch.seqs[i] as number,
      data: batch.bytes.subarray(at, at + length),
    };
    at += length;
  }
  if (at !== batch.bytes.byteLength) throw new Error('the batch does not add up');
  return rows;
}

// One transaction per batch: appends to the hot log; a compaction writes its snapshot and deletes
// the entries it covers, from the note's own log and from the hot log.
function commit(rows: Row[], now: string): void {
  for (const r of rows) of(r); // every row's kind of note is known before anything is written
  inTransaction(() => {
    for (const r of rows) {
      if (r.kind !== 'append') continue;
      append.run(r.note, r.id, r.seq, r.data, now);
      logged += 1;
    }
    for (const r of rows) {
      if (r.kind !== 'compact') continue;
      const s = of(r);
      s.upsert.run(r.id, r.data, r.seq, now);
      s.prune.run(r.id, r.seq);
      logged -= Number(s.pruneLog.run(r.id, r.seq).changes);
    }
  });
}

/** Moves the hot log in a transaction of its own; a failure leaves it to the next try. */
function moveNow(): void {
  if (logged === 0) return;
  try {
    inTransaction(moveLog);
  } catch {
    // left to the next try
  }
}

const mover = setInterval(moveNow, moveEveryMs);

parentPort?.on('message', (m: Message) => {
  if ('close' in m) {
    clearInterval(mover);
    moveNow();
    db.close();
    parentPort?.postMessage({ closed: true });
    return;
  }
  try {
    commit(rowsOf(m), m.now);
    parentPort?.postMessage({ id: m.id, ok: true });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
  if (logged >= moveAtRows) moveNow();
});
