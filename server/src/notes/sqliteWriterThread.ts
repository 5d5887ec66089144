// The SQLite note writer's thread: its own connection, durable (FULL) commits, one transaction
// per batch. Loaded by SqliteNoteWriter as a worker: from dist as JavaScript, and from the
// sources in tests through Node's own type stripping (so only erasable TypeScript here, and
// no relative imports: the statements arrive in workerData from noteSql.ts).

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

const { file, sql, sqlite } = workerData as {
  file: string;
  sql: Record<string, { append: string; upsertSnapshot: string; prune: string }>;
  sqlite: { pragmas: string; busyTimeoutMs: number };
};
const db = new DatabaseSync(file, { timeout: sqlite.busyTimeoutMs });
db.exec(sqlite.pragmas);
const statements = new Map(
  Object.entries(sql).map(([note, s]) => [
    note,
    { append: db.prepare(s.append), upsert: db.prepare(s.upsertSnapshot), prune: db.prepare(s.prune) },
  ]),
);
const of = (w: Row) => {
  const s = statements.get(w.note);
  if (!s) throw new Error(`unknown kind of note: ${w.note}`);
  return s;
};

// One transaction per batch; appends first, then compactions: a snapshot in the same batch
// covers the appends before it.
function commit(rows: Row[], bytes: Uint8Array, now: string): void {
  let at = 0;
  const data = rows.map((r) => {
    at += r.length;
    return bytes.subarray(at - r.length, at);
  });
  if (at !== bytes.byteLength) throw new Error('the batch does not add up');
  for (const r of rows) of(r); // every row's kind of note is known before anything is written
  db.exec('BEGIN IMMEDIATE');
  try {
    rows.forEach((r, i) => {
      if (r.kind === 'append') of(r).append.run(r.id, r.seq, data[i] ?? null, now);
    });
    rows.forEach((r, i) => {
      if (r.kind !== 'compact') return;
      of(r).upsert.run(r.id, data[i] ?? null, r.seq, now);
      of(r).prune.run(r.id, r.seq);
    });
    db.exec('COMMIT');
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

parentPort?.on('message', (m: Message) => {
  if ('close' in m) {
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
});
