import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { insertMentorship, insertSession } from '../src/db/mentorships.js';
import { insertUser } from '../src/db/users.js';
import { hashPassword } from '../src/lib/password.js';

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
    ...env,
  });
}

const apps: FastifyInstance[] = [];

/** Builds an app on its own database; closed by {@link closeTestApps}. */
export async function buildTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(env), { logger: false, ...options });
  apps.push(app);
  return app;
}

export async function closeTestApps(): Promise<void> {
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

/** Signs in through the API and returns the Cookie header to send afterwards. */
export async function signIn(app: FastifyInstance, user: { email: string; password: string }): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: user.email, password: user.password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const raw = res.headers['set-cookie'];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (!first) throw new Error('no cookie set');
  return first.split(';')[0] ?? '';
}
