// The SQLite note writer's thread: its own connection, durable (FULL) commits, one transaction
// per batch. Loaded by SqliteNoteWriter as a worker: from dist as JavaScript, and from the
// sources in tests through Node's own type stripping (so only erasable TypeScript here, and
// no relative imports: the statements arrive in workerData from noteSql.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

interface Write {
  kind: 'append' | 'compact';
  sessionId: string;
  seq: number;
  update?: Uint8Array;
  state?: Uint8Array;
}
type Message = { close: true } | { id: number; writes: Write[]; now: string };

const { file, sql } = workerData as { file: string; sql: { append: string; upsertSnapshot: string; prune: string } };
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
const append = db.prepare(sql.append);
const upsert = db.prepare(sql.upsertSnapshot);
const prune = db.prepare(sql.prune);
const bytes = (u: Uint8Array | undefined) => (u ? Buffer.from(u.buffer, u.byteOffset, u.byteLength) : Buffer.alloc(0));
// Appends first, then compactions: a snapshot in the same batch covers the appends before it.
const commit = db.transaction((writes: Write[], now: string) => {
  for (const w of writes) if (w.kind === 'append') append.run(w.sessionId, w.seq, bytes(w.update), now);
  for (const w of writes)
    if (w.kind === 'compact') {
      upsert.run(w.sessionId, bytes(w.state), w.seq, now);
      prune.run(w.sessionId, w.seq);
    }
});

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
