import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Locale } from '@tandem/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import { getMentorship } from '../db/mentorships.js';
import type { Database, SessionsTable } from '../db/schema.js';
import { nowIso } from '../lib/time.js';
import { enqueueMail } from '../mail/outbox.js';
import { buildIcs } from './ics.js';
import { type JobHandler, JobRunner, planJob } from './jobs.js';
import { weekMails } from './mails.js';
import { markDigested, undigested } from './messages.js';
import { bookNextWeekly } from './schedule.js';

const HOUR = 3600_000;
/** Inserts of a planning pass made in one turn of the event loop, at most. */
const PLANS_PER_TURN = 50;

export interface WeekWorkerOptions {
  origin: string;
  /** The address calendar invitations come from (their ORGANIZER). */
  mailFrom: string;
  /** What is on a session's agenda so far (its note's lines), for reminders; read through `db` (the job's transaction). */
  agendaOf: (sessionId: string, db: Kysely<Database>) => Promise<string[]>;
  /** Told after a pass that queued mail. */
  onMail: () => void;
  /** Jobs done per pass at most. */
  batch: number;
}

async function person(db: Kysely<Database>, id: string) {
  const u = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const locale: Locale = u.locale === 'fr' ? 'fr' : 'en';
  return { row: u, reader: { name: u.display_name, locale, timeZone: u.time_zone } };
}

/**
 * The week between calls, run by the server itself: calendar invitations for every booked,
 * moved or cancelled session; reminders a day and an hour before; the no-show rule a third of
 * the way into a session; message digests. Everything is planned as durable jobs or marked on
 * the session in the same transaction as the mail it queues, so a restart or a kill -9 neither
 * loses nor doubles one, and several processes on PostgreSQL share the work.
 */
export class WeekWorker {
  readonly jobs: JobRunner;
  /** Job keys this process has planned (they are in the jobs table; planning them again would change nothing). */
  private readonly planned = new Set<string>();

  constructor(
    private readonly db: Kysely<Database>,
    log: FastifyBaseLogger,
    private readonly opts: WeekWorkerOptions,
  ) {
    this.jobs = new JobRunner(db, { reminder: this.reminder, no_show: this.noShow, digest: this.digest }, log);
  }

  /** One pass: send calendar changes, plan what is coming, do what is due. Answers how many jobs ran. */
  async tick(now = new Date()): Promise<{ calendars: number; jobs: number }> {
    const calendars = await this.sendCalendars(now);
    await this.plan(now);
    const jobs = await this.jobs.runDue(now, this.opts.batch);
    if (calendars + jobs > 0) this.opts.onMail();
    return { calendars, jobs };
  }

  /** Every session whose calendar entry changed since it was last sent: an invitation (or its cancellation) to both. */
  private async sendCalendars(now: Date): Promise<number> {
    const changed = await this.db
      .selectFrom('sessions')
      .selectAll()
      .whereRef('calendar_sent', '!=', 'sequence')
      .where('status', 'in', ['scheduled', 'cancelled'])
      .orderBy('scheduled_at')
      .limit(50)
      .execute();
    let sent = 0;
    for (const s of changed) {
      const done = await this.db.transaction().execute(async (trx) => {
        // One process sends it: the others find the mark already moved.
        const marked = await trx
          .updateTable('sessions')
          .set({ calendar_sent: s.sequence })
          .where('id', '=', s.id)
          .where('calendar_sent', '=', s.calendar_sent)
          .where('sequence', '=', s.sequence)
          .executeTakeFirst();
        if (Number(marked.numUpdatedRows) !== 1) return false;
        // Nothing to tell about a session in the past, nor to cancel in a calendar that never had it.
        if (Date.parse(s.scheduled_at) < now.getTime()) return false;
        if (s.status === 'cancelled' && s.calendar_sent < 0) return false;
        await this.queueCalendar(trx, s, now);
        return true;
      });
      if (done) sent += 1;
    }
    return sent;
  }

  private async queueCalendar(trx: Kysely<Database>, s: Selectable<SessionsTable>, now: Date) {
    const m = await getMentorship(trx, s.mentorship_id);
    if (!m) return;
    const cancelled = s.status === 'cancelled';
    const change = cancelled ? 'cancelled' : s.calendar_sent < 0 ? 'booked' : 'moved';
    const people = [await person(trx, m.mentor.id), await person(trx, m.student.id)];
    const url = `${this.opts.origin}/sessions/${s.id}`;
    const ics = buildIcs({
      method: cancelled ? 'CANCEL' : 'REQUEST',
      timeZone: m.slot.timeZone,
      organizer: { name: 'Tandem', email: this.opts.mailFrom },
      attendees: people.map((p) => ({ name: p.row.display_name, email: p.row.email })),
      now,
      events: [
        {
          uid: `session-${s.id}@tandem`,
          sequence: s.sequence,
          start: new Date(s.scheduled_at),
          durationMinutes: s.duration_minutes,
          summary: `${m.title}: ${m.mentor.displayName} & ${m.student.displayName}`,
          description: `Tandem session. Join: ${url}`,
          url,
          cancelled,
        },
      ],
    });
    for (const p of people) {
      await enqueueMail(trx, {
        to: p.row.email,
        toName: p.row.display_name,
        purpose: `calendar-${change}`,
        message: weekMails.calendar(p.reader, { title: m.title, at: new Date(s.scheduled_at), change, url, reason: s.outcome_reason }),
        ics,
      });
    }
  }

  /**
   * Reminders and no-show checks for the sessions of the next day (planning twice plans once).
   * Each pass looks at every such session, but only the jobs this process has not planned yet
   * reach the database: a programme's day holds hundreds of sessions, and planning all of them
   * again every pass was one insert each, run back to back (on SQLite, in one turn of the event
   * loop: ~15 ms at 600 live sessions, every 20 s, while their notes waited). A pass still gives
   * the event loop a turn every {@link PLANS_PER_TURN} inserts (the first pass, a new day's sessions).
   */
  private async plan(now: Date): Promise<void> {
    const soon = await this.db
      .selectFrom('sessions as s')
      .innerJoin('mentorships as m', 'm.id', 's.mentorship_id')
      .select(['s.id', 's.scheduled_at', 's.duration_minutes', 's.timed_at', 's.created_at', 's.status', 'm.mentor_id', 'm.student_id'])
      .where('s.status', 'in', ['scheduled', 'live'])
      .where('s.outcome', 'is', null)
      .where('s.scheduled_at', '>', new Date(now.getTime() - 24 * HOUR).toISOString())
      .where('s.scheduled_at', '<=', new Date(now.getTime() + 25 * HOUR).toISOString())
      .execute();
    // The keys planned by an earlier pass that are still wanted; the others are forgotten.
    const wanted = new Set<string>();
    let inserts = 0;
    const planOnce = async (job: Parameters<typeof planJob>[1]) => {
      wanted.add(job.key);
      if (this.planned.has(job.key)) return;
      if (inserts > 0 && inserts % PLANS_PER_TURN === 0) await nextTurn();
      inserts += 1;
      await planJob(this.db, job);
      this.planned.add(job.key);
    };
    try {
      for (const s of soon) {
        const at = Date.parse(s.scheduled_at);
        const timed = Date.parse(s.timed_at ?? s.created_at);
        await planOnce({
          key: `no_show:${s.id}:${s.scheduled_at}`,
          kind: 'no_show',
          payload: { sessionId: s.id, scheduledAt: s.scheduled_at },
          runAt: new Date(at + Math.round((s.duration_minutes * 60_000) / 3)).toISOString(),
        });
        if (s.status !== 'scheduled') continue;
        for (const [which, before] of [
          ['day', 24 * HOUR],
          ['hour', HOUR],
        ] as const) {
          const runAt = at - before;
          // A reminder only makes sense if the session was booked before it was due, and is still ahead.
          if (runAt < timed - 5 * 60_000 || now.getTime() >= at) continue;
          for (const userId of [s.mentor_id, s.student_id]) {
            await planOnce({
              key: `reminder:${which}:${s.id}:${userId}:${s.scheduled_at}`,
              kind: 'reminder',
              payload: { sessionId: s.id, userId, which, scheduledAt: s.scheduled_at },
              runAt: new Date(runAt).toISOString(),
            });
          }
        }
      }
    } finally {
      for (const key of this.planned) if (!wanted.has(key)) this.planned.delete(key);
    }
  }

  private reminder: JobHandler = async (trx, payload) => {
    const { sessionId, userId, which, scheduledAt } = payload as {
      sessionId: string;
      userId: string;
      which: 'day' | 'hour';
      scheduledAt: string;
    };
    const s = await trx.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    // Moved (a new reminder is planned for the new time), cancelled, or started: nothing to remind.
    if (s?.status !== 'scheduled' || s.scheduled_at !== scheduledAt) return 'skipped';
    const m = await getMentorship(trx, s.mentorship_id);
    const p = await person(trx, userId);
    if (m?.status !== 'active' || p.row.status !== 'active') return 'skipped';
    if ((which === 'day' ? p.row.remind_day : p.row.remind_hour) === 0) return 'skipped';
    const other = userId === m.mentor.id ? m.student.displayName : m.mentor.displayName;
    const agenda = await this.opts.agendaOf(sessionId, trx);
    await enqueueMail(trx, {
      to: p.row.email,
      toName: p.row.display_name,
      purpose: `reminder-${which}`,
      message: weekMails.reminder(p.reader, {
        title: m.title,
        at: new Date(s.scheduled_at),
        which,
        other,
        agenda,
        url: `${this.opts.origin}/sessions/${s.id}`,
      }),
    });
    return 'done';
  };

  /**
   * A third of the way into a session: whoever has not joined by then did not come. Nobody came:
   * the session is a no-show and the next week is booked. One came: the other is marked absent
   * (the one who came may still end it). The mentor can correct it afterwards.
   */
  private noShow: JobHandler = async (trx, payload, now) => {
    const { sessionId, scheduledAt } = payload as { sessionId: string; scheduledAt: string };
    const s = await trx.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!s || s.scheduled_at !== scheduledAt || s.outcome !== null) return 'skipped';
    if (s.status !== 'scheduled' && s.status !== 'live' && s.status !== 'ended') return 'skipped';
    const m = await getMentorship(trx, s.mentorship_id);
    if (!m) return 'skipped';
    const deadline = new Date(Date.parse(s.scheduled_at) + Math.round((s.duration_minutes * 60_000) / 3)).toISOString();
    const came = new Set(
      (
        await trx.selectFrom('attendance').select('user_id').where('session_id', '=', s.id).where('joined_at', '<=', deadline).execute()
      ).map((r) => r.user_id),
    );
    const absent = [m.mentor.id, m.student.id].filter((id) => !came.has(id));
    if (absent.length === 0) return 'done';
    if (absent.length === 2 && s.status === 'scheduled') {
      await trx
        .updateTable('sessions')
        .set({ status: 'no_show', outcome: 'no_show', absent_user_id: null, ended_at: now.toISOString(), ended_reason: 'no_show' })
        .where('id', '=', s.id)
        .where('status', '=', 'scheduled')
        .execute();
      if (s.kind === 'weekly') await bookNextWeekly(trx, m, new Date(s.scheduled_at));
      return 'done';
    }
    await trx
      .updateTable('sessions')
      .set({ outcome: 'no_show', absent_user_id: absent.length === 1 ? (absent[0] ?? null) : null })
      .where('id', '=', s.id)
      .where('outcome', 'is', null)
      .execute();
    return 'done';
  };

  private digest: JobHandler = async (trx, payload) => {
    const { mentorshipId, userId } = payload as { mentorshipId: string; userId: string };
    const unread = await undigested(trx, mentorshipId, userId);
    // Read meanwhile (they came online): no email.
    if (unread.length === 0) return 'skipped';
    const m = await getMentorship(trx, mentorshipId);
    const p = await person(trx, userId);
    if (!m || p.row.status !== 'active') return 'skipped';
    const from = userId === m.mentor.id ? m.student.displayName : m.mentor.displayName;
    await enqueueMail(trx, {
      to: p.row.email,
      toName: p.row.display_name,
      purpose: 'messages-digest',
      message: weekMails.digest(p.reader, {
        from,
        title: m.title,
        lines: unread.map((u) => ({ at: new Date(u.createdAt), text: u.body })),
        url: `${this.opts.origin}/mentorships/${m.id}/messages`,
      }),
    });
    await markDigested(trx, mentorshipId, userId, unread.at(-1)?.createdAt ?? nowIso());
    return 'done';
  };
}
