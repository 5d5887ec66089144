import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { NoteWrite } from './noteStore.js';

// The writer thread's code. Plain CommonJS in a string: it must run from the TypeScript
// sources in tests and from dist in production, and worker threads cannot load TypeScript.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
const append = db.prepare('INSERT INTO note_updates (session_id, seq, "update", created_at) VALUES (?, ?, ?, ?)');
const upsert = db.prepare('INSERT INTO notes (session_id, state, seq, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET state = excluded.state, seq = excluded.seq, updated_at = excluded.updated_at');
const prune = db.prepare('DELETE FROM note_updates WHERE session_id = ? AND seq <= ?');
const bytes = (u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const commit = db.transaction((writes, now) => {
  for (const w of writes) if (w.kind === 'append') append.run(w.sessionId, w.seq, bytes(w.update), now);
  for (const w of writes) if (w.kind === 'compact') { upsert.run(w.sessionId, bytes(w.state), w.seq, now); prune.run(w.sessionId, w.seq); }
});
parentPort.on('message', (m) => {
  if (m.close) { db.close(); parentPort.postMessage({ closed: true }); return; }
  try { commit(m.writes, m.now); parentPort.postMessage({ id: m.id, ok: true }); }
  catch (e) { parentPort.postMessage({ id: m.id, ok: false, error: String(e && e.message || e) }); }
});
`;

/**
 * Commits note writes on a thread of its own, with its own SQLite connection:
 * a synchronous FULL commit (fsync) then never stalls the event loop that
 * relays keystrokes. WAL lets the main connection keep reading meanwhile.
 */
export class SqliteNoteWriter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(): void; reject(e: Error): void }>();

  constructor(file: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    this.worker.on('message', (m: { id?: number; ok?: boolean; error?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve();
      else p?.reject(new Error(m.error ?? 'note write failed'));
    });
    const failAll = (error: Error) => {
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', () => failAll(new Error('the note writer thread stopped')));
  }

  commit(writes: NoteWrite[], now: string): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, writes: writes.filter((w) => w.kind !== 'barrier'), now });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise((r) => this.worker.once('message', r));
    this.worker.postMessage({ close: true });
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
    await this.worker.terminate();
  }
}
