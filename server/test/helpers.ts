import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PostgresAdapter, sql } from 'kysely';
import pg from 'pg';
import * as Y from 'yjs';
import { type BuildOptions, buildApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { insertMentorship, insertSession } from '../src/db/mentorships.js';
import { insertUser } from '../src/db/users.js';
import { hashPassword } from '../src/lib/password.js';
import { type NoteKind, NoteTables } from '../src/notes/noteSql.js';
import { NoteStore } from '../src/notes/noteStore.js';
import { SqliteNoteWriter } from '../src/notes/sqliteWriter.js';
import { hashToken } from '../src/plugins/auth.js';
import { TEST_ORIGIN } from './origin.js';

export const TEST_LIVEKIT = { key: 'testkey', secret: 'test-secret-that-is-at-least-32-characters' };

/** A config for tests: a fresh SQLite file per app, no real LiveKit needed to mint tokens. */
export function testConfig(env: Record<string, string> = {}): Config {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-test-'));
  return loadConfig({
    DATA_DIR: dir,
    LIVEKIT_URL: 'ws://127.0.0.1:7880',
    LIVEKIT_API_KEY: TEST_LIVEKIT.key,
    LIVEKIT_API_SECRET: TEST_LIVEKIT.secret,
    LOG_LEVEL: 'silent',
    SESSION_RECONCILE_SECONDS: '0',
    WEEK_TICK_SECONDS: '0',
    ...env,
  });
}

const apps: FastifyInstance[] = [];
const envs = new WeakMap<FastifyInstance, Record<string, string>>();

/** The environment an app was built with: another app built with it opens the same database (a restart). */
export function envOf(app: FastifyInstance): Record<string, string> {
  const env = envs.get(app);
  if (!env) throw new Error('not a test app');
  return env;
}

/**
 * With TEST_DATABASE_URL (a PostgreSQL server the test command starts), each app gets a
 * database of its own there; without it, a fresh SQLite file. The same tests run on both.
 */
async function freshDatabaseEnv(): Promise<Record<string, string>> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) return {};
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { DATABASE_URL: url.toString() };
}

/** True when the tests run on PostgreSQL. */
export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** Builds an app on its own database; closed by {@link closeTestApps}. */
export async function buildTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<FastifyInstance> {
  const full = { DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-test-')), ...(await freshDatabaseEnv()), ...env };
  const app = await buildApp(testConfig(full), { logger: false, ...options });
  envs.set(app, full);
  apps.push(app);
  return app;
}

/** Note writer threads the tests started, closed (before their apps) by {@link closeTestApps}. */
const noteWriters: SqliteNoteWriter[] = [];

/**
 * A note writer thread of its own on a test app's database, as the app has (undefined on
 * PostgreSQL, where the note store commits through the app's pool); closed by {@link closeTestApps}.
 */
export function noteWriterFor(app: FastifyInstance): SqliteNoteWriter | undefined {
  const { database } = testConfig(envOf(app));
  if (database.kind !== 'sqlite') return undefined;
  const writer = new SqliteNoteWriter(database.file);
  noteWriters.push(writer);
  return writer;
}

export async function closeTestApps(): Promise<void> {
  for (const w of noteWriters.splice(0)) await w.close();
  await Promise.all(apps.splice(0).map((a) => a.close()));
}

let counter = 0;
/** A cheap hash so tests stay fast; real parameters are covered by password.test.ts. */
const fastHash = (pw: string) => hashPassword(pw, { N: 1024, r: 8, p: 1 });

export async function createUser(app: FastifyInstance, role: 'mentor' | 'student' | 'admin', password = 'correct horse battery') {
  counter += 1;
  const email = `${role}-${counter}-${Date.now()}@example.test`;
  const user = await insertUser(app.db, { email, displayName: `${role} ${counter}`, role, passwordHash: await fastHash(password) });
  return { ...user, password };
}

/** A mentor, a student, their mentorship and one session happening now. */
export async function createMentorship(app: FastifyInstance) {
  const mentor = await createUser(app, 'mentor');
  const student = await createUser(app, 'student');
  const mentorshipId = await insertMentorship(app.db, {
    mentorId: mentor.id,
    studentId: student.id,
    title: `Path ${counter}`,
    slot: { weekday: 2, time: '18:00', timeZone: 'Europe/Berlin', durationMinutes: 60 },
  });
  const session = await insertSession(app.db, { mentorshipId, scheduledAt: new Date().toISOString(), durationMinutes: 60 });
  return { mentor, student, mentorshipId, session };
}

/** A request as the browser sends it: the app's Origin, the cookie when given, a JSON body when given. */
export function call(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  cookie?: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { origin: TEST_ORIGIN, ...(cookie ? { cookie } : {}) },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** Signs in through the API and returns the Cookie header to send afterwards. */
export async function signIn(app: FastifyInstance, user: { email: string; password: string }): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    headers: { origin: TEST_ORIGIN },
    url: '/api/auth/sign-in',
    payload: { email: user.email, password: user.password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const raw = res.headers['set-cookie'];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (!first) throw new Error('no cookie set');
  return first.split(';')[0] ?? '';
}

/** The stored id of the sign-in behind a Cookie header from {@link signIn} (the hash of its token). */
export const signInIdOf = (cookie: string) => hashToken(cookie.split('=')[1] ?? '');

/** A session's saved record, as finalisation writes it: empty but for what the test gives. */
export async function insertRecord(
  app: FastifyInstance,
  sessionId: string,
  fields: { noteJson?: unknown; durationSeconds?: number; finalisedAt?: string } = {},
): Promise<void> {
  await app.db
    .insertInto('session_records')
    .values({
      session_id: sessionId,
      note_state: new Uint8Array(0),
      note_json: JSON.stringify(fields.noteJson ?? {}),
      note_html: '',
      note_markdown: '',
      note_text: '',
      goals_json: '[]',
      goal_events_json: '[]',
      transcript_json: '[]',
      attendance_json: '[]',
      duration_seconds: fields.durationSeconds ?? 3600,
      finalised_at: fields.finalisedAt ?? new Date().toISOString(),
    })
    .execute();
}

/**
 * The seqs of a kind of note's stored log entries (of one note, or of all), wherever they are: its
 * own log, and on SQLite the hot log they wait in until they are moved (NoteLogSql).
 */
export async function loggedSeqs(app: FastifyInstance, kind: NoteKind, id?: string): Promise<number[]> {
  const { updates, key } = NoteTables[kind];
  const own = await sql<{
    seq: number;
  }>`select seq from ${sql.table(updates)} where ${id === undefined ? sql`1 = 1` : sql`${sql.ref(key)} = ${id}`}`.execute(app.db);
  const hot =
    app.db.getExecutor().adapter instanceof PostgresAdapter
      ? []
      : await app.db
          .selectFrom('note_log')
          .select('seq')
          .where('note', '=', kind)
          .$if(id !== undefined, (q) => q.where('id', '=', id ?? ''))
          .execute();
  return [...own.rows, ...hot].map((r) => Number(r.seq)).sort((a, b) => a - b);
}

/** A session's note as stored (snapshot and every log row), read the way a restarted server reads it. */
export async function storedDoc(app: FastifyInstance, sessionId: string): Promise<Y.Doc> {
  const stored = await new NoteStore(app.db).load(sessionId);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot.state);
  for (const u of stored.updates) Y.applyUpdate(doc, u.update);
  return doc;
}
