/**
 * The SQL that makes note edits durable, written once: the SQLite writer thread prepares these
 * statements, and the PostgreSQL path runs the same text (placeholders renumbered).
 */

/** Where each kind of note lives: its log and snapshot tables, keyed by one column. */
export const NoteTables = {
  /** A session's shared note (the pair's). */
  session: { updates: 'note_updates', snapshots: 'notes', key: 'session_id', parent: 'sessions' },
  /** A mentorship's private note (its mentor's only). */
  private: { updates: 'private_note_updates', snapshots: 'private_notes', key: 'mentorship_id', parent: 'mentorships' },
} as const;
/** One of the kinds of note in {@link NoteTables}. */
export type NoteKind = keyof typeof NoteTables;

/**
 * PostgreSQL: a batch of Yjs updates appended to notes' logs in ONE statement (atomic by itself:
 * no BEGIN/COMMIT round trips), each row's seq drawn from the database's one sequence in the
 * batch's order (several nodes may append to one note). Parameters: keys text[], updates
 * bytea[], created_at — the same text whatever the batch's size.
 */
export const appendBatch = (kind: NoteKind) =>
  `INSERT INTO ${NoteTables[kind].updates} (${NoteTables[kind].key}, seq, "update", created_at) SELECT k, nextval('note_seq'), u, ? FROM unnest(?::text[], ?::bytea[]) WITH ORDINALITY AS t(k, u, n) ORDER BY n`;

/**
 * SQLite only: the hot log. Every acknowledged update of every note is first appended here, in
 * arrival order, with no index but the rowid: a group commit then writes the log's last page or
 * two (and one fsync), where appending to each note's own log (a B-tree keyed by note) wrote a
 * page per note in the batch. The writer thread moves the rows into the notes' logs every few
 * seconds (5 s, or sooner past 5,000 rows), in one transaction; a compaction deletes the rows its
 * snapshot covers from both; readers read both tables in ONE statement, so a row is seen exactly
 * once whether or not it has moved.
 */
export const NoteLogSql = {
  /** kind, id, seq, update, created_at */
  append: `INSERT INTO note_log (note, id, seq, "update", created_at) VALUES (?, ?, ?, ?, ?)`,
  /** Every row moved away. */
  clear: 'DELETE FROM note_log',
  count: 'SELECT count(*) AS n FROM note_log',
} as const;

/** The statements of one kind of note. */
export function noteStatements(kind: NoteKind) {
  const { updates, snapshots, key, parent } = NoteTables[kind];
  return {
    /**
     * SQLite: this kind's rows of the hot log moved into its own log (rows of a note that no
     * longer exists are dropped; a row already there is kept as it is).
     */
    moveFromLog: `INSERT OR IGNORE INTO ${updates} (${key}, seq, "update", created_at) SELECT id, seq, "update", created_at FROM note_log WHERE note = '${kind}' AND id IN (SELECT id FROM ${parent}) ORDER BY rowid`,
    /** SQLite: the log after a seq wherever its rows are (own log or hot log), in order: key, seq, key, seq. */
    updatesAfterWithLog: `SELECT seq, "update" FROM ${updates} WHERE ${key} = ? AND seq > ? UNION ALL SELECT seq, "update" FROM note_log WHERE note = '${kind}' AND id = ? AND seq > ? ORDER BY seq`,
    /** The whole state as the note's snapshot: key, state, seq, updated_at. */
    upsertSnapshot: `INSERT INTO ${snapshots} (${key}, state, seq, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (${key}) DO UPDATE SET state = excluded.state, seq = excluded.seq, updated_at = excluded.updated_at`,
    /** SQLite: the log entries a snapshot covers (one writer, seqs in order): key, seq. */
    prune: `DELETE FROM ${updates} WHERE ${key} = ? AND seq <= ?`,
    /** SQLite: the same in the hot log (the rows of this note not moved yet): key, seq. */
    pruneLog: `DELETE FROM note_log WHERE note = '${kind}' AND id = ? AND seq <= ?`,
    /** The snapshot of one note: key. */
    snapshot: `SELECT state, seq FROM ${snapshots} WHERE ${key} = ?`,
    /**
     * PostgreSQL: every row of a note's log, whatever its seq. With several nodes a row can commit
     * after a snapshot with a higher seq was written (its seq was drawn earlier), so the snapshot's
     * seq does not say which rows it covers; applying a row the snapshot holds already changes nothing.
     */
    allUpdates: `SELECT seq, "update" FROM ${updates} WHERE ${key} = ? ORDER BY seq`,
    /** PostgreSQL: exactly the log rows a compaction read (key, seq[]), never one it did not see. */
    pruneRead: `DELETE FROM ${updates} WHERE ${key} = ? AND seq = ANY(?::bigint[])`,
    /** PostgreSQL: one compaction of a note at a time, whichever node runs it (key text). */
    lockNote: `SELECT pg_advisory_xact_lock(hashtext(?)) AS locked`,
  };
}

/** Every kind's statements, as the writer thread receives them. */
export const NoteSql = { session: noteStatements('session'), private: noteStatements('private') } as const;
/** Everything the SQLite writer thread prepares. */
export const WriterSql = { kinds: NoteSql, log: NoteLogSql } as const;

/** PostgreSQL numbers its placeholders: `?, ?` becomes `$1, $2`. */
export function numberedPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
