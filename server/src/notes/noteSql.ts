/**
 * The SQL that makes note edits durable, written once: the SQLite writer thread prepares these
 * statements, and the PostgreSQL path runs the same text (placeholders renumbered).
 */
/** `rows` Yjs updates appended to sessions' logs in one statement: session_id, seq, update, created_at per row. */
export const appendRows = (rows: number) =>
  `INSERT INTO note_updates (session_id, seq, "update", created_at) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ')}`;

export const NoteSql = {
  /** One Yjs update appended to a session's log (the writer thread prepares it once). */
  append: appendRows(1),
  /** The whole state as the session's snapshot: session_id, state, seq, updated_at. */
  upsertSnapshot:
    'INSERT INTO notes (session_id, state, seq, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET state = excluded.state, seq = excluded.seq, updated_at = excluded.updated_at',
  /** The log entries a snapshot covers: session_id, seq. */
  prune: 'DELETE FROM note_updates WHERE session_id = ? AND seq <= ?',
} as const;

/** PostgreSQL numbers its placeholders: `?, ?` becomes `$1, $2`. */
export function numberedPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
