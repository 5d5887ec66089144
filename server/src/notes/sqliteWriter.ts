import { Worker } from 'node:worker_threads';
import { SqliteOptions } from '../db/sqlite.js';
import { WriterSql } from './noteSql.js';
import type { NoteRow } from './noteStore.js';

/**
 * One batch for the writer thread (its `Message` in sqliteWriterThread.ts), row by row in flat
 * arrays rather than an object per row: structured cloning an object per row cost ~2.5 µs of the
 * main thread per keystroke (profile at 600 sessions). Row i: its kind (`kinds[i]`: the note's
 * kind as its index in `noteKinds`, times two, plus one for a compaction), its note's id (the
 * i-th line of `ids`), its seq, and its bytes (the update or the snapshot's state), the next
 * `lengths[i]` of `bytes`.
 */
export interface WriterBatch {
  id: number;
  kinds: Uint8Array;
  ids: string;
  seqs: Float64Array;
  lengths: Uint32Array;
  bytes: Uint8Array;
  now: string;
}

/** The kinds of note, in the order the thread reads them from its statements (workerData.sql.kinds). */
const noteKinds = Object.keys(WriterSql.kinds) as NoteRow['note'][];

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
    const n = writes.length;
    const kinds = new Uint8Array(n);
    const seqs = new Float64Array(n);
    const lengths = new Uint32Array(n);
    const ids: string[] = new Array(n);
    // The batch's bytes go over in ONE buffer, moved rather than copied: an update is often a view
    // into the much larger buffer its WebSocket frame was read into, which a plain postMessage
    // would clone whole, once per update.
    let total = 0;
    for (const w of writes) total += (w.kind === 'append' ? w.update : w.state).byteLength;
    const bytes = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const w = writes[i] as NoteRow;
      const data = w.kind === 'append' ? w.update : w.state;
      bytes.set(data, at);
      at += data.byteLength;
      kinds[i] = noteKinds.indexOf(w.note) * 2 + (w.kind === 'compact' ? 1 : 0);
      seqs[i] = w.seq;
      lengths[i] = data.byteLength;
      // Ids are UUIDs (checked by every event's schema); a line break would shift every row after it.
      if (w.id.includes('\n')) return Promise.reject(new Error('a note id with a line break'));
      ids[i] = w.id;
    }
    const batch: WriterBatch = { id, kinds, ids: ids.join('\n'), seqs, lengths, bytes, now };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(batch, [kinds.buffer, seqs.buffer, lengths.buffer, bytes.buffer]);
    });
  }

  async close(): Promise<void> {
    const closed = new Promise((r) => this.worker.once('message', r));
    this.worker.postMessage({ close: true });
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
    await this.worker.terminate();
  }
}
