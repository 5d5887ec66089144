// Bench fixture: N mentorships with a session each and signed-in cookies for both people.
// Run as `node dist/bench/seed.js <dataDir> <n>`; prints JSON to stdout. With DATABASE_URL, into
// that PostgreSQL instead (the cluster's), the cookies then carrying the routing cookie too.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ROUTE_COOKIE, routeKey } from '../cluster/route.js';
import { connectDatabase, migrateToLatest } from '../db/connect.js';
import { insertMentorship, insertSession } from '../db/mentorships.js';
import { insertUser } from '../db/users.js';
import { isoIn, nowIso } from '../lib/time.js';
import { hashToken, SESSION_COOKIE } from '../plugins/auth.js';

const [dataDir = 'bench-data', nRaw = '10'] = process.argv.slice(2);
const n = Number(nRaw);
const db = connectDatabase(
  process.env.DATABASE_URL
    ? { kind: 'postgres', url: process.env.DATABASE_URL }
    : { kind: 'sqlite', file: path.resolve(dataDir, 'tandem.sqlite') },
);
await migrateToLatest(db);

const cookieFor = async (userId: string) => {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('auth_sessions')
    .values({ id: hashToken(token), user_id: userId, created_at: nowIso(), expires_at: isoIn(3600_000) })
    .execute();
  // In the cluster the load balancer reads the routing cookie, as it does a browser's (the nodes set it at sign-in).
  return process.env.DATABASE_URL
    ? `${SESSION_COOKIE}=${token}; ${ROUTE_COOKIE}=${await routeKey(db, userId)}`
    : `${SESSION_COOKIE}=${token}`;
};

const pairs: { sessionId: string; cookies: [string, string] }[] = [];
for (let i = 0; i < n; i++) {
  const tag = `${i}-${randomBytes(3).toString('hex')}`;
  // Not a real hash: these accounts only ever sign in through the cookies made here.
  // Named as the load generator names their carets (as a browser writes its own person's name).
  const mentor = await insertUser(db, { email: `m${tag}@bench.test`, displayName: `typist ${i}.0`, role: 'mentor', passwordHash: 'bench' });
  const student = await insertUser(db, {
    email: `s${tag}@bench.test`,
    displayName: `typist ${i}.1`,
    role: 'student',
    passwordHash: 'bench',
  });
  const mentorshipId = await insertMentorship(db, {
    mentorId: mentor.id,
    studentId: student.id,
    title: `Bench ${i}`,
    slot: { weekday: 2, time: '18:00', timeZone: 'UTC', durationMinutes: 60 },
  });
  const session = await insertSession(db, { mentorshipId, scheduledAt: nowIso(), durationMinutes: 60 });
  pairs.push({ sessionId: session.id, cookies: [await cookieFor(mentor.id), await cookieFor(student.id)] });
}
await db.destroy();
process.stdout.write(JSON.stringify(pairs));
