import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { kyselySqlite, openSqlite } from './sqlite.js';

/** Opens the configured database. SQLite runs in WAL mode with durable (FULL) commits. */
export function connectDatabase(config: Config['database']): Kysely<Database> {
  if (config.kind === 'postgres') {
    // Connecting gives up after 5 s (a query fails visibly rather than hang while the database is away).
    const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 5_000 });
    // An idle connection the database closed (a restart, a failover) is dropped by the pool and the
    // next query opens a new one; unheard, its error event would end the process.
    pool.on('error', () => undefined);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true });
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselySqlite(openSqlite(config.file)) }) });
}

/** Brings the schema to the newest migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
