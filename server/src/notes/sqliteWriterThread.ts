// The SQLite note writer's thread: its own connection, durable (FULL) commits, one transaction
// per batch. Loaded by SqliteNoteWriter as a worker: from dist as JavaScript, and from the
// sources in tests through Node's own type stripping (so only erasable TypeScript here, and
// no relative imports: the statements arrive in workerData from noteSql.ts).
//
// Appends go to the hot log (`note_log`, see NoteLogSql): one page or two per commit whatever
// the number of notes in the batch. Its rows move into the notes' own logs in one transaction
// every few seconds (or sooner when it grows), and always before a compaction.

import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

interface Row {
  kind: 'append' | 'compact';
  /** Which kind of note (a key of the statements in workerData). */
  note: string;
  id: string;
  seq: number;
  /** Its bytes (the update appended, or the snapshot's state) are the next `length` bytes of the batch's buffer. */
  length: number;
}
type Message = { close: true } | { id: number; rows: Row[]; bytes: Uint8Array; now: string };

const { file, sql, sqlite, moveEveryMs, moveAtRows } = workerData as {
  file: string;
  sql: {
    kinds: Record<string, { moveFromLog: string; upsertSnapshot: string; prune: string }>;
    log: { append: string; clear: string; count: string };
  };
  sqlite: { pragmas: string; busyTimeoutMs: number };
  moveEveryMs: number;
  moveAtRows: number;
};
const db = new DatabaseSync(file, { timeout: sqlite.busyTimeoutMs });
db.exec(sqlite.pragmas);
const statements = new Map(
  Object.entries(sql.kinds).map(([note, s]) => [
    note,
    { move: db.prepare(s.moveFromLog), upsert: db.prepare(s.upsertSnapshot), prune: db.prepare(s.prune) },
  ]),
);
const append = db.prepare(sql.log.append);
const clearLog = db.prepare(sql.log.clear);
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

// One transaction per batch: appends to the hot log; with a compaction, the hot log is moved
// first, then the snapshot written and the entries it covers pruned.
function commit(rows: Row[], bytes: Uint8Array, now: string): void {
  let at = 0;
  const data = rows.map((r) => {
    at += r.length;
    return bytes.subarray(at - r.length, at);
  });
  if (at !== bytes.byteLength) throw new Error('the batch does not add up');
  for (const r of rows) of(r); // every row's kind of note is known before anything is written
  inTransaction(() => {
    rows.forEach((r, i) => {
      if (r.kind !== 'append') return;
      append.run(r.note, r.id, r.seq, data[i] ?? null, now);
      logged += 1;
    });
    if (!rows.some((r) => r.kind === 'compact')) return;
    moveLog();
    rows.forEach((r, i) => {
      if (r.kind !== 'compact') return;
      of(r).upsert.run(r.id, data[i] ?? null, r.seq, now);
      of(r).prune.run(r.id, r.seq);
    });
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
    commit(m.rows, m.bytes, m.now);
    parentPort?.postMessage({ id: m.id, ok: true });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
  if (logged >= moveAtRows) moveNow();
});
