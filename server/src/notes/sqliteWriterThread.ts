// The SQLite note writer's thread: its own connection, durable (FULL) commits, one transaction
// per batch. Loaded by SqliteNoteWriter as a worker: from dist as JavaScript, and from the
// sources in tests through Node's own type stripping (so only erasable TypeScript here, and
// no relative imports: the statements arrive in workerData from noteSql.ts).

import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

interface Write {
  kind: 'append' | 'compact';
  /** Which kind of note (a key of the statements in workerData). */
  note: string;
  id: string;
  seq: number;
  update?: Uint8Array;
  state?: Uint8Array;
}
type Message = { close: true } | { id: number; writes: Write[]; now: string };

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
const of = (w: Write) => {
  const s = statements.get(w.note);
  if (!s) throw new Error(`unknown kind of note: ${w.note}`);
  return s;
};
const empty = new Uint8Array(0);

// One transaction per batch; appends first, then compactions: a snapshot in the same batch
// covers the appends before it.
function commit(writes: Write[], now: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const w of writes) if (w.kind === 'append') of(w).append.run(w.id, w.seq, w.update ?? empty, now);
    for (const w of writes)
      if (w.kind === 'compact') {
        of(w).upsert.run(w.id, w.state ?? empty, w.seq, now);
        of(w).prune.run(w.id, w.seq);
      }
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
    commit(m.writes, m.now);
    parentPort?.postMessage({ id: m.id, ok: true });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
