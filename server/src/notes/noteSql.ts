/**
 * The SQL that makes note edits durable, written once: the SQLite writer thread prepares these
 * statements, and the PostgreSQL path runs the same text (placeholders renumbered).
 */

/** Where each kind of note lives: its log and snapshot tables, keyed by one column. */
export const NoteTables = {
  /** A session's shared note (the pair's). */
  session: { updates: 'note_updates', snapshots: 'notes', key: 'session_id' },
  /** A mentorship's private note (its mentor's only). */
  private: { updates: 'private_note_updates', snapshots: 'private_notes', key: 'mentorship_id' },
} as const;
/** One of the kinds of note in {@link NoteTables}. */
export type NoteKind = keyof typeof NoteTables;

/** `rows` Yjs updates appended to notes' logs in one statement: key, seq, update, created_at per row. */
export const appendRows = (kind: NoteKind, rows: number) =>
  `INSERT INTO ${NoteTables[kind].updates} (${NoteTables[kind].key}, seq, "update", created_at) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ')}`;

/** The statements of one kind of note. */
export function noteStatements(kind: NoteKind) {
  const { updates, snapshots, key } = NoteTables[kind];
  return {
    /** One Yjs update appended to a note's log (the writer thread prepares it once). */
    append: appendRows(kind, 1),
    /** The whole state as the note's snapshot: key, state, seq, updated_at. */
    upsertSnapshot: `INSERT INTO ${snapshots} (${key}, state, seq, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (${key}) DO UPDATE SET state = excluded.state, seq = excluded.seq, updated_at = excluded.updated_at`,
    /** The log entries a snapshot covers: key, seq. */
    prune: `DELETE FROM ${updates} WHERE ${key} = ? AND seq <= ?`,
    /** The snapshot of one note: key. */
    snapshot: `SELECT state, seq FROM ${snapshots} WHERE ${key} = ?`,
    /** The log after a seq, in order: key, seq. */
    updatesAfter: `SELECT seq, "update" FROM ${updates} WHERE ${key} = ? AND seq > ? ORDER BY seq`,
  };
}

/** Every kind's statements, as the writer thread receives them. */
export const NoteSql = { session: noteStatements('session'), private: noteStatements('private') } as const;

/** PostgreSQL numbers its placeholders: `?, ?` becomes `$1, $2`. */
export function numberedPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
