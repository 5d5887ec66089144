import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { insertSession } from '../src/db/mentorships.js';
import { buildTestApp, closeTestApps, createMentorship, envOf, onPostgres } from './helpers.js';
import { freePort, killServers, startBuiltServer } from './process.js';
import { until } from './realtime.js';

/**
 * Reminders are durable jobs done exactly once: these tests run the BUILT server as separate
 * processes (as in production) on a database holding many due reminders, kill one with SIGKILL
 * in the middle of the batch, and (on PostgreSQL) run two at once on the same jobs.
 */
afterEach(async () => {
  killServers();
  await closeTestApps();
});

/** A server process on this database that does a pass of the week's work every second. */
const startServer = async (env: Record<string, string>) =>
  startBuiltServer(await freePort(), { SESSION_RECONCILE_SECONDS: '0', WEEK_TICK_SECONDS: '1', ...env });

/**
 * `sessions` sessions more than a day ahead (so the server plans nothing of its own for them),
 * their calendars already sent, and an hour-before reminder per person due now: 2 × sessions jobs.
 */
async function dueReminders(app: FastifyInstance, sessions: number): Promise<number> {
  const p = await createMentorship(app);
  const now = Date.now();
  const jobs = [];
  for (let i = 0; i < sessions; i++) {
    const at = new Date(Math.floor(now / 60_000) * 60_000 + (30 + i) * 3600_000).toISOString();
    const s = await insertSession(app.db, { mentorshipId: p.mentorshipId, scheduledAt: at, durationMinutes: 60 });
    for (const userId of [p.mentor.id, p.student.id]) {
      jobs.push({
        id: `${s.id}-${userId}`.slice(0, 64),
        key: `reminder:hour:${s.id}:${userId}:${at}`,
        kind: 'reminder',
        payload_json: JSON.stringify({ sessionId: s.id, userId, which: 'hour', scheduledAt: at }),
        run_at: new Date(now - 60_000).toISOString(),
        status: 'pending' as const,
        attempts: 0,
        last_error: null,
        created_at: new Date(now).toISOString(),
        done_at: null,
        done_by: null,
      });
    }
  }
  await app.db.updateTable('sessions').set({ calendar_sent: 0 }).execute();
  for (let i = 0; i < jobs.length; i += 100)
    await app.db
      .insertInto('jobs')
      .values(jobs.slice(i, i + 100))
      .execute();
  return jobs.length;
}

const counts = async (app: FastifyInstance) => {
  const done = await app.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'done')
    .executeTakeFirstOrThrow();
  const mails = await app.db
    .selectFrom('mail_outbox')
    .select([
      (eb) => eb.fn.countAll<number>().as('n'),
      // One reminder per person and session: the recipient and the body (its time and join link) tell them apart.
      sql<number>`count(distinct to_address || '|' || text_body)`.as('distinct'),
    ])
    .where('purpose', '=', 'reminder-hour')
    .executeTakeFirstOrThrow();
  return { done: Number(done.n), mails: Number(mails.n), distinct: Number(mails.distinct) };
};

describe('reminders are sent exactly once', () => {
  it('none lost and none doubled when the server is killed (SIGKILL) in the middle of a batch and restarted', async () => {
    const app = await buildTestApp();
    const total = await dueReminders(app, 300);
    // 50 jobs a pass, a pass a second: the kill lands while the batches go on, whatever the machine's speed.
    const env = { ...envOf(app), WEEK_BATCH: '50' };
    const first = await startServer(env);
    let atKill = 0;
    await until(
      async () => {
        atKill = (await counts(app)).done;
        return atKill >= 60;
      },
      'the first reminders sent',
      30_000,
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const afterKill = await counts(app);
    // Killed in the middle: some done, not all; every job marked done has its one mail, and no mail is without its job.
    expect(afterKill.done).toBeGreaterThan(0);
    expect(afterKill.done).toBeLessThan(total);
    expect(afterKill.mails).toBe(afterKill.done);
    expect(afterKill.distinct).toBe(afterKill.done);

    await startServer(env);
    await until(async () => (await counts(app)).done === total, 'every reminder sent after the restart', 60_000);
    const end = await counts(app);
    expect(end).toEqual({ done: total, mails: total, distinct: total });
  }, 120_000);

  it.skipIf(!onPostgres)(
    'exactly once with two server processes on the same PostgreSQL database (FOR UPDATE SKIP LOCKED)',
    async () => {
      const app = await buildTestApp();
      const env = envOf(app);
      await Promise.all([startServer(env), startServer(env)]);
      const total = await dueReminders(app, 1000);
      await until(async () => (await counts(app)).done === total, 'every reminder sent', 90_000);
      expect(await counts(app)).toEqual({ done: total, mails: total, distinct: total });
      // Both processes took part.
      const workers = await app.db.selectFrom('jobs').select('done_by').distinct().where('kind', '=', 'reminder').execute();
      expect(workers.length).toBe(2);
    },
    150_000,
  );
});
