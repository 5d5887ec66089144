import { randomUUID } from 'node:crypto';
import {
  type CreatePairBody,
  ErrorCode,
  type Locale,
  type Mentorship,
  nextSlotAfter,
  type PairRow,
  type User,
  type WeeklySlot,
} from '@tandem/shared';
import type { Kysely } from 'kysely';
import { getMentorship, insertMentorship, insertSession, listSessions, nextAndPast } from '../db/mentorships.js';
import type { Database } from '../db/schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { nowIso } from '../lib/time.js';
import { messages } from '../mail/messages.js';
import { enqueueMail } from '../mail/outbox.js';
import { audit } from './audit.js';

const refused = (message: string) => new AppError(422, ErrorCode.ValidationFailed, message);

async function activePerson(db: Kysely<Database>, id: string, role: 'mentor' | 'student') {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.role !== role) throw refused(`${role === 'mentor' ? 'mentorId' : 'studentId'}: choose a ${role} of the programme`);
  if (row.status !== 'active') throw refused(`${row.display_name} is deactivated: reactivate them first`);
  return row;
}

/** Both people are told by email, each in their own language and time zone. */
async function tellPaired(db: Kysely<Database>, origin: string, mentorship: Mentorship, firstAt: Date) {
  const people = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'locale', 'time_zone'])
    .where('id', 'in', [mentorship.mentor.id, mentorship.student.id])
    .execute();
  for (const p of people) {
    const isMentor = p.id === mentorship.mentor.id;
    const locale: Locale = p.locale === 'fr' ? 'fr' : 'en';
    await enqueueMail(db, {
      to: p.email,
      toName: p.display_name,
      purpose: 'paired',
      message: messages.paired(locale, {
        name: p.display_name,
        other: isMentor ? mentorship.student.displayName : mentorship.mentor.displayName,
        otherRole: isMentor ? 'student' : 'mentor',
        title: mentorship.title,
        firstAt,
        timeZone: p.time_zone,
        url: `${origin}/`,
      }),
    });
  }
}

/** A new mentorship with its first session at the next slot; both are told. */
export async function createPair(db: Kysely<Database>, origin: string, body: CreatePairBody, by: User, previousId: string | null = null) {
  if (body.mentorId === body.studentId) throw refused('mentorId: a person cannot mentor themselves');
  await activePerson(db, body.mentorId, 'mentor');
  await activePerson(db, body.studentId, 'student');
  return db.transaction().execute(async (trx) => {
    const id = await insertMentorship(trx, { mentorId: body.mentorId, studentId: body.studentId, title: body.title, slot: body.slot });
    if (previousId) await trx.updateTable('mentorships').set({ previous_id: previousId }).where('id', '=', id).execute();
    const firstAt = nextSlotAfter(body.slot, new Date());
    await insertSession(trx, { mentorshipId: id, scheduledAt: firstAt.toISOString(), durationMinutes: body.slot.durationMinutes });
    const mentorship = await getMentorship(trx, id);
    if (!mentorship) throw new Error('unreachable: the mentorship was just written');
    await tellPaired(trx, origin, mentorship, firstAt);
    await audit(trx, by.id, 'pair.created', id, { mentorId: body.mentorId, studentId: body.studentId, title: body.title, slot: body.slot });
    return id;
  });
}

/** Sessions still to come that have not started: they follow the mentorship's slot. */
function upcoming(db: Kysely<Database>, mentorshipId: string) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('mentorship_id', '=', mentorshipId)
    .where('status', '=', 'scheduled')
    .where('scheduled_at', '>', nowIso())
    .orderBy('scheduled_at')
    .execute();
}

/** A new weekly slot: future sessions move to it, past and live ones stay. */
export async function changeSlot(db: Kysely<Database>, mentorshipId: string, slot: WeeklySlot, by: User): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const m = await trx.selectFrom('mentorships').select('status').where('id', '=', mentorshipId).executeTakeFirst();
    if (!m) throw notFound('This mentorship');
    if (m.status === 'ended') throw refused('This mentorship has ended: its slot cannot change');
    await trx
      .updateTable('mentorships')
      .set({ slot_weekday: slot.weekday, slot_time: slot.time, slot_time_zone: slot.timeZone, slot_duration_minutes: slot.durationMinutes })
      .where('id', '=', mentorshipId)
      .execute();
    let after = new Date();
    for (const s of await upcoming(trx, mentorshipId)) {
      const at = nextSlotAfter(slot, after);
      await trx
        .updateTable('sessions')
        .set({ scheduled_at: at.toISOString(), duration_minutes: slot.durationMinutes })
        .where('id', '=', s.id)
        .execute();
      after = at;
    }
    await audit(trx, by.id, 'pair.slot-changed', mentorshipId, { slot });
  });
}

async function cancelUpcoming(db: Kysely<Database>, mentorshipId: string, reason: string) {
  for (const s of await upcoming(db, mentorshipId)) {
    await db
      .updateTable('sessions')
      .set({ status: 'cancelled', ended_at: nowIso(), ended_reason: reason })
      .where('id', '=', s.id)
      .execute();
  }
}

/** Pause (upcoming sessions cancelled), resume (the next slot booked), end (read-only for good). */
export async function setPairStatus(
  db: Kysely<Database>,
  mentorshipId: string,
  action: 'pause' | 'resume' | 'end',
  by: User,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const m = await trx.selectFrom('mentorships').selectAll().where('id', '=', mentorshipId).executeTakeFirst();
    if (!m) throw notFound('This mentorship');
    if (m.status === 'ended') throw refused('This mentorship has ended already');
    if (action === 'pause') {
      if (m.status !== 'active') throw refused('Only an active mentorship can be paused');
      await trx.updateTable('mentorships').set({ status: 'paused' }).where('id', '=', mentorshipId).execute();
      await cancelUpcoming(trx, mentorshipId, 'paused');
    } else if (action === 'resume') {
      if (m.status !== 'paused') throw refused('Only a paused mentorship can be resumed');
      await trx.updateTable('mentorships').set({ status: 'active' }).where('id', '=', mentorshipId).execute();
      if (!nextAndPast(await listSessions(trx, mentorshipId)).nextSession) {
        const slot = { weekday: m.slot_weekday, time: m.slot_time, timeZone: m.slot_time_zone, durationMinutes: m.slot_duration_minutes };
        await insertSession(trx, {
          mentorshipId,
          scheduledAt: nextSlotAfter(slot, new Date()).toISOString(),
          durationMinutes: slot.durationMinutes,
        });
      }
    } else {
      await trx.updateTable('mentorships').set({ status: 'ended', ended_at: nowIso() }).where('id', '=', mentorshipId).execute();
      await cancelUpcoming(trx, mentorshipId, 'mentorship ended');
    }
    const done = { pause: 'paused', resume: 'resumed', end: 'ended' } as const;
    await audit(trx, by.id, `pair.${done[action]}`, mentorshipId, {});
  });
}

/**
 * The student moves to another mentor: the old mentorship ends (its mentor keeps reading what
 * they took part in), a new one starts at the same slot, and the student's open goals are
 * carried into it (new rows with a "created" event saying where they came from; the old
 * mentorship's goals and history stay as they were).
 */
export async function reassign(db: Kysely<Database>, origin: string, mentorshipId: string, mentorId: string, by: User): Promise<string> {
  const old = await getMentorship(db, mentorshipId);
  if (!old) throw notFound('This mentorship');
  if (old.status === 'ended') throw refused('This mentorship has ended: pair the student again instead');
  if (old.mentor.id === mentorId) throw refused('mentorId: choose another mentor');
  await setPairStatus(db, mentorshipId, 'end', by);
  const id = await createPair(db, origin, { mentorId, studentId: old.student.id, title: old.title, slot: old.slot }, by, mentorshipId);
  await db.transaction().execute(async (trx) => {
    const open = await trx
      .selectFrom('goals')
      .selectAll()
      .where('mentorship_id', '=', mentorshipId)
      .where('deleted', '=', 0)
      .where('status', 'in', ['open', 'in_progress'])
      .orderBy('order_key')
      .execute();
    let version = 0;
    const now = nowIso();
    for (const g of open) {
      version += 1;
      const goalId = randomUUID();
      await trx
        .insertInto('goals')
        .values({ ...g, id: goalId, mentorship_id: id, created_in_session_id: null, created_at: now, updated_at: now })
        .execute();
      const after = { title: g.title, detail: g.detail, owner: g.owner, status: g.status, dueDate: g.due_date, carriedFrom: g.id };
      await trx
        .insertInto('goal_events')
        .values({
          id: randomUUID(),
          goal_id: goalId,
          mentorship_id: id,
          session_id: null,
          user_id: by.id,
          kind: 'created',
          before_json: null,
          after_json: JSON.stringify(after),
          version,
          created_at: now,
        })
        .execute();
    }
    await trx.updateTable('mentorships').set({ goals_version: version }).where('id', '=', id).execute();
    await audit(trx, by.id, 'pair.reassigned', mentorshipId, { newMentorshipId: id, mentorId, goalsCarried: open.length });
  });
  return id;
}

/** Pairs as staff see them: active first, then paused, then ended. */
export async function listPairs(db: Kysely<Database>, mentorships: Mentorship[]): Promise<PairRow[]> {
  if (mentorships.length === 0) return [];
  const ids = mentorships.map((m) => m.id);
  const created = new Map(
    (await db.selectFrom('mentorships').select(['id', 'created_at']).where('id', 'in', ids).execute()).map((r) => [r.id, r.created_at]),
  );
  const rows = await Promise.all(
    mentorships.map(async (mentorship) => {
      const sessions = await listSessions(db, mentorship.id);
      return {
        mentorship,
        nextSession: nextAndPast(sessions).nextSession,
        sessionsHeld: sessions.filter((s) => s.status === 'ended').length,
        createdAt: created.get(mentorship.id) ?? '',
      };
    }),
  );
  const rank = { active: 0, paused: 1, ended: 2 } as const;
  return rows.sort((a, b) => rank[a.mentorship.status] - rank[b.mentorship.status] || b.createdAt.localeCompare(a.createdAt));
}
