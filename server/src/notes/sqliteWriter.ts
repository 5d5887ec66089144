import { Worker } from 'node:worker_threads';
import { SqliteOptions } from '../db/sqlite.js';
import { WriterSql } from './noteSql.js';
import type { NoteRow } from './noteStore.js';

/** A row as the writer thread receives it: its bytes (update or state) are the next `length` of the batch's buffer. */
interface WriterRow {
  kind: NoteRow['kind'];
  note: NoteRow['note'];
  id: string;
  seq: number;
  length: number;
}
/** One batch for the writer thread (its `Message` in sqliteWriterThread.ts). */
interface WriterBatch {
  id: number;
  rows: WriterRow[];
  bytes: Uint8Array;
  now: string;
}

/**
 * Commits note writes on a thread of its own, with its own SQLite connection:
 * a synchronous FULL commit (fsync) then never stalls the event loop that
 * relays keystrokes. WAL lets the main connection keep reading meanwhile.
 */
export class SqliteNoteWriter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(): void; reject(e: Error): void }>();

  constructor(
    file: string,
    /** How often the hot log moves into the notes' own logs, and at how many rows sooner (see NoteLogSql). */
    options: { moveEveryMs?: number; moveAtRows?: number } = {},
  ) {
    // The thread's own file: JavaScript from dist, or the TypeScript source in tests (Node strips its types).
    const thread = new URL(import.meta.url.endsWith('.ts') ? './sqliteWriterThread.ts' : './sqliteWriterThread.js', import.meta.url);
    this.worker = new Worker(thread, {
      workerData: {
        file,
        sql: WriterSql,
        sqlite: SqliteOptions,
        moveEveryMs: options.moveEveryMs ?? 5_000,
        moveAtRows: options.moveAtRows ?? 5_000,
      },
    });
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
    // The batch's bytes go over in ONE buffer, moved rather than copied: an update is often a view
    // into the much larger buffer its WebSocket frame was read into, which a plain postMessage
    // would clone whole, once per update.
    let total = 0;
    for (const w of writes) total += (w.kind === 'append' ? w.update : w.state).byteLength;
    const bytes = new Uint8Array(total);
    let at = 0;
    const rows: WriterRow[] = writes.map((w) => {
      const data = w.kind === 'append' ? w.update : w.state;
      bytes.set(data, at);
      at += data.byteLength;
      return { kind: w.kind, note: w.note, id: w.id, seq: w.seq, length: data.byteLength };
    });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, rows, bytes, now } satisfies WriterBatch, [bytes.buffer]);
    });
  }

  async close(): Promise<void> {
    const closed = new Promise((r) => this.worker.once('message', r));
    this.worker.postMessage({ close: true });
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
    await this.worker.terminate();
  }
}
