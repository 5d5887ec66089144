import { Worker } from 'node:worker_threads';
import { SqliteOptions } from '../db/sqlite.js';
import { NoteSql } from './noteSql.js';
import type { NoteRow } from './noteStore.js';

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
    // The thread's own file: JavaScript from dist, or the TypeScript source in tests (Node strips its types).
    const thread = new URL(import.meta.url.endsWith('.ts') ? './sqliteWriterThread.ts' : './sqliteWriterThread.js', import.meta.url);
    this.worker = new Worker(thread, { workerData: { file, sql: NoteSql, sqlite: SqliteOptions } });
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

  commit(writes: NoteRow[], now: string): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, writes, now });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise((r) => this.worker.once('message', r));
    this.worker.postMessage({ close: true });
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
    await this.worker.terminate();
  }
}
