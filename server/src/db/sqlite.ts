// SQLite through Node's own `node:sqlite` (no native module to compile at install time).
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Opens a SQLite file the way every connection of ours must see it: WAL, durable (FULL)
 * commits (a commit survives power loss, which "acknowledged is never lost" needs), foreign
 * keys on, and a 5 s wait on a lock held by the other connection (the note writer's thread).
 */
export function openSqlite(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: SqliteOptions.busyTimeoutMs });
  db.exec(SqliteOptions.pragmas);
  return db;
}

/** Also handed to the note writer's thread, which opens its own connection. */
export const SqliteOptions = {
  pragmas: 'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;',
  busyTimeoutMs: 5000,
} as const;

/**
 * Kysely's SQLite driver speaks better-sqlite3's statement API; this is that API over node:sqlite.
 *
 * Its transactions begin IMMEDIATE (Kysely sends a plain `begin`): the note writer thread commits
 * on a connection of its own up to ten times a second, and a deferred transaction that has read
 * cannot then write once the other connection has committed since — SQLite refuses at once
 * ("database is locked"; the busy timeout does not apply to that case), which turned a project
 * submission made while someone typed into an error. Taking the write lock at the start makes the
 * two connections wait for each other (the busy timeout) instead; transactions here are short and
 * only ever wait on the database.
 */
export function kyselySqlite(db: DatabaseSync): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare: (sql: string): SqliteStatement => statement(db.prepare(sql === 'begin' ? 'begin immediate' : sql)),
  };
}

function statement(stmt: StatementSync): SqliteStatement {
  const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
  return {
    // A statement that returns columns is a reader (SELECT, RETURNING, PRAGMA that answers).
    reader: stmt.columns().length > 0,
    all: (p) => stmt.all(...params(p)),
    run: (p) => stmt.run(...params(p)),
    iterate: (p) => stmt.iterate(...params(p)),
  };
}
