import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { kyselySqlite, openSqlite } from './sqlite.js';

/** Statement texts run as named prepared statements on PostgreSQL (see {@link preparedOnPostgres}). */
const prepared = new Map<string, string>();

/**
 * PostgreSQL: `text` runs as a named prepared statement from now on, on every connection (parsed
 * and planned once per connection instead of at every run). For the hot statements only: a note
 * batch's append runs ten times a second per node, and its parse and plan were about a tenth of
 * PostgreSQL's CPU per batch (measured alone). The text must keep its meaning whatever the
 * schema's later changes (no `SELECT *`): a connection keeps the plan it made.
 */
export function preparedOnPostgres(text: string): void {
  if (!prepared.has(text)) prepared.set(text, `tandem_${prepared.size + 1}`);
}

const plainQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
/** pg's `query(text, values)` as a named statement when the text is one of {@link preparedOnPostgres}'s; any other call unchanged. */
function preparingQuery(this: pg.Client, ...args: unknown[]): unknown {
  const [text, values] = args;
  const name = args.length === 2 && typeof text === 'string' && Array.isArray(values) ? prepared.get(text) : undefined;
  return name ? plainQuery.call(this, { name, text, values }) : plainQuery.apply(this, args);
}
/** A pool's connection that runs the texts given to {@link preparedOnPostgres} as prepared statements. */
class PreparingClient extends pg.Client {}
PreparingClient.prototype.query = preparingQuery as unknown as pg.Client['query'];

/** Opens the configured database. SQLite runs in WAL mode with durable (FULL) commits. */
export function connectDatabase(config: Config['database']): Kysely<Database> {
  if (config.kind === 'postgres') {
    // Connecting gives up after 5 s (a query fails visibly rather than hang while the database is away).
    const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 5_000, Client: PreparingClient });
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
