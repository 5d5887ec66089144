import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  type Mentorship,
  type Move,
  nextSlotAfter,
  type OutcomeCounts,
  type ScheduleResponse,
  type SessionOutcome,
  type User,
} from '@tandem/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Access } from '../access.js';
import { insertSession, toSession } from '../db/mentorships.js';
import type { Database, SessionMovesTable, SessionsTable } from '../db/schema.js';
import { AppError, forbidden, notFound } from '../lib/errors.js';
import { nowIso } from '../lib/time.js';
import { enqueueMail, recipient } from '../mail/outbox.js';
import { weekMails } from './mails.js';

const conflict = (message: string) => new AppError(409, ErrorCode.Conflict, message);
const refused = (message: string) => new AppError(422, ErrorCode.ValidationFailed, message);

/** How far ahead a session may be moved or added. */
const HORIZON_DAYS = 120;
/** A cancellation this long before the session counts as made in time. */
const EARLY_CANCEL_MS = 24 * 3600_000;

/** A member of the pair, the one who may act on the session's time. */
function memberOf(a: Access): asserts a is Access & { relation: 'mentor' | 'student' } {
  if (!a.member) throw forbidden('Only the mentor and the student of this mentorship can change its sessions.');
  if (a.mentorship.status === 'ended') throw conflict('This mentorship has ended: it is read-only.');
}

/** Only a session that has not started (and is not over) can be moved, skipped or cancelled. */
function stillAhead(row: Selectable<SessionsTable>, what: string) {
  if (row.status !== 'scheduled') throw conflict(`This session has ${row.status === 'live' ? 'started' : 'ended'}: it cannot be ${what}.`);
}

function checkTime(at: string, durationMinutes: number) {
  const t = Date.parse(at);
  if (t <= Date.now()) throw refused('to: choose a time in the future');
  if (t > Date.now() + HORIZON_DAYS * 86_400_000) throw refused(`to: choose a time within ${HORIZON_DAYS} days`);
  return { at: new Date(t).toISOString(), durationMinutes };
}

/** Another session of the pair overlapping [at, at + duration) is refused: nobody can be in two calls. */
async function noOverlap(db: Kysely<Database>, mentorshipId: string, exceptId: string | null, at: string, minutes: number) {
  const others = await db
    .selectFrom('sessions')
    .select(['id', 'scheduled_at', 'duration_minutes'])
    .where('mentorship_id', '=', mentorshipId)
    .where('status', 'in', ['scheduled', 'live'])
    .execute();
  const start = Date.parse(at);
  const end = start + minutes * 60_000;
  const clash = others.find((o) => {
    if (o.id === exceptId) return false;
    const s = Date.parse(o.scheduled_at);
    return s < end && start < s + o.duration_minutes * 60_000;
  });
  if (clash) throw conflict('Another session of this mentorship is booked at that time.');
}

/** Proposals still waiting for a session no longer apply (it moved, or will not take place). */
async function supersedePending(db: Kysely<Database>, sessionId: string) {
  await db
    .updateTable('session_moves')
    .set({ status: 'superseded', decided_at: nowIso() })
    .where('session_id', '=', sessionId)
    .where('status', '=', 'pending')
    .execute();
}

/** Sets a session's time: its SEQUENCE grows (calendars update), reminders follow the new time. */
async function retime(db: Kysely<Database>, row: Selectable<SessionsTable>, at: string) {
  const result = await db
    .updateTable('sessions')
    .set({ scheduled_at: at, sequence: row.sequence + 1, timed_at: nowIso() })
    .where('id', '=', row.id)
    .where('status', '=', 'scheduled')
    .where('scheduled_at', '=', row.scheduled_at)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw conflict('This session changed meanwhile: reload and try again.');
  // Proposals for the old time are moot.
  await supersedePending(db, row.id);
}

/**
 * The next weekly session after `after`, unless one is open already (an extra session does not
 * count: the weekly rhythm goes on beside it). Only for an active mentorship.
 */
export async function bookNextWeekly(db: Kysely<Database>, mentorship: Mentorship, after: Date): Promise<void> {
  if (mentorship.status !== 'active') return;
  const open = await db
    .selectFrom('sessions')
    .select('id')
    .where('mentorship_id', '=', mentorship.id)
    .where('kind', '=', 'weekly')
    .where('status', 'in', ['scheduled', 'live'])
    .executeTakeFirst();
  if (open) return;
  const at = nextSlotAfter(mentorship.slot, after);
  await insertSession(db, { mentorshipId: mentorship.id, scheduledAt: at.toISOString(), durationMinutes: mentorship.slot.durationMinutes });
}

function toMove(row: Selectable<SessionMovesTable>, m: Mentorship): Move {
  const proposer = row.proposed_by === m.mentor.id ? m.mentor : m.student;
  return {
    id: row.id,
    sessionId: row.session_id,
    proposedBy: proposer,
    from: row.from_at,
    to: row.to_at,
    message: row.message,
    status: row.status,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
  };
}

/** A proposal to move one session (or, for the mentor with `direct`, the move itself). */
export async function proposeMove(
  db: Kysely<Database>,
  origin: string,
  a: Access & { user: User; row: Selectable<SessionsTable> },
  body: { to: string; message: string; direct: boolean },
): Promise<{ move: Move | null }> {
  memberOf(a);
  stillAhead(a.row, 'moved');
  if (body.direct && !a.mentor) throw forbidden('Only the mentor moves a session directly; propose a new time instead.');
  const { at } = checkTime(body.to, a.row.duration_minutes);
  if (at === new Date(a.row.scheduled_at).toISOString()) throw refused('to: that is already the session’s time');
  return db.transaction().execute(async (trx) => {
    await noOverlap(trx, a.mentorship.id, a.row.id, at, a.row.duration_minutes);
    if (body.direct) {
      await retime(trx, a.row, at);
      return { move: null };
    }
    await supersedePending(trx, a.row.id);
    const row: Selectable<SessionMovesTable> = {
      id: randomUUID(),
      session_id: a.row.id,
      mentorship_id: a.mentorship.id,
      proposed_by: a.user.id,
      from_at: a.row.scheduled_at,
      to_at: at,
      message: body.message,
      status: 'pending',
      created_at: nowIso(),
      decided_at: null,
      decided_by: null,
    };
    await trx.insertInto('session_moves').values(row).execute();
    const otherId = a.relation === 'mentor' ? a.mentorship.student.id : a.mentorship.mentor.id;
    const other = await recipient(trx, otherId);
    await enqueueMail(trx, {
      to: other.email,
      toName: other.name,
      purpose: 'move-proposed',
      message: weekMails.moveProposed(other, {
        by: a.user.displayName,
        from: new Date(row.from_at),
        to: new Date(at),
        message: body.message,
        url: `${origin}/`,
      }),
    });
    return { move: toMove(row, a.mentorship) };
  });
}

/** The other person accepts or declines a proposal; its author withdraws it. */
export async function decideMove(
  db: Kysely<Database>,
  origin: string,
  user: User,
  moveId: string,
  decision: 'accept' | 'decline' | 'withdraw',
  access: (mentorshipId: string) => Promise<Access | null>,
): Promise<{ move: Move }> {
  const row = await db.selectFrom('session_moves').selectAll().where('id', '=', moveId).executeTakeFirst();
  const a = row ? await access(row.mentorship_id) : null;
  // An outsider learns nothing, not even that the proposal exists.
  if (!row || !a) throw notFound('This proposal');
  memberOf(a);
  const mine = row.proposed_by === user.id;
  if (decision === 'withdraw' && !mine) throw forbidden('Only who proposed it can withdraw it.');
  if (decision !== 'withdraw' && mine) throw forbidden('The other person answers your proposal.');
  if (row.status !== 'pending') throw conflict(`This proposal was ${row.status} already.`);
  return db.transaction().execute(async (trx) => {
    const session = await trx.selectFrom('sessions').selectAll().where('id', '=', row.session_id).executeTakeFirstOrThrow();
    if (decision === 'accept') {
      stillAhead(session, 'moved');
      if (session.scheduled_at !== row.from_at) throw conflict('The session was moved meanwhile: this proposal no longer applies.');
      checkTime(row.to_at, session.duration_minutes);
      await noOverlap(trx, row.mentorship_id, session.id, row.to_at, session.duration_minutes);
      await retime(trx, session, row.to_at);
    }
    const status = { accept: 'accepted', decline: 'declined', withdraw: 'withdrawn' } as const;
    const decided = await trx
      .updateTable('session_moves')
      .set({ status: status[decision], decided_at: nowIso(), decided_by: user.id })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb('status', '=', 'superseded')]))
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) throw conflict('This proposal was answered meanwhile.');
    if (decision === 'decline') {
      const proposer = await recipient(trx, row.proposed_by);
      await enqueueMail(trx, {
        to: proposer.email,
        toName: proposer.name,
        purpose: 'move-declined',
        message: weekMails.moveDeclined(proposer, { by: user.displayName, to: new Date(row.to_at), url: `${origin}/` }),
      });
    }
    const after = await trx.selectFrom('session_moves').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    return { move: toMove(after, a.mentorship) };
  });
}

/** Marks a session as not taking place; the weekly rhythm goes on (the next weekly session is booked). */
async function closeAhead(
  db: Kysely<Database>,
  row: Selectable<SessionsTable>,
  mentorship: Mentorship,
  outcome: SessionOutcome,
  reason: string,
) {
  const result = await db
    .updateTable('sessions')
    .set({ status: 'cancelled', ended_at: nowIso(), ended_reason: outcome, outcome, outcome_reason: reason, sequence: row.sequence + 1 })
    .where('id', '=', row.id)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw conflict('This session changed meanwhile: reload and try again.');
  await supersedePending(db, row.id);
  if (row.kind === 'weekly') await bookNextWeekly(db, mentorship, new Date(row.scheduled_at));
}

/** The mentor skips a week (holidays, a break), with a reason. */
export async function skipSession(db: Kysely<Database>, a: Access & { row: Selectable<SessionsTable> }, reason: string) {
  memberOf(a);
  if (!a.mentor) throw forbidden('Only the mentor skips a week; you can propose another time or cancel.');
  stillAhead(a.row, 'skipped');
  await db.transaction().execute((trx) => closeAhead(trx, a.row, a.mentorship, 'skipped', reason));
}

/** Either person cancels, with a reason: more than 24 h before counts as in time, later as a late cancellation. */
export async function cancelSession(db: Kysely<Database>, a: Access & { row: Selectable<SessionsTable> }, reason: string) {
  memberOf(a);
  stillAhead(a.row, 'cancelled');
  const joined = await db.selectFrom('attendance').select('user_id').where('session_id', '=', a.row.id).executeTakeFirst();
  if (joined) throw conflict('Someone joined this session: end it instead.');
  const early = Date.parse(a.row.scheduled_at) - Date.now() > EARLY_CANCEL_MS;
  await db.transaction().execute((trx) => closeAhead(trx, a.row, a.mentorship, early ? 'cancelled_early' : 'cancelled_late', reason));
}

/** The mentor adds a session between two weekly ones. */
export async function addExtraSession(db: Kysely<Database>, a: Access, body: { at: string; durationMinutes: number }) {
  memberOf(a);
  if (!a.mentor) throw forbidden('Only the mentor adds a session; propose it in a message.');
  if (a.mentorship.status !== 'active') throw conflict('This mentorship is paused: resume it first.');
  const { at } = checkTime(body.at, body.durationMinutes);
  return db.transaction().execute(async (trx) => {
    await noOverlap(trx, a.mentorship.id, null, at, body.durationMinutes);
    return insertSession(trx, { mentorshipId: a.mentorship.id, scheduledAt: at, durationMinutes: body.durationMinutes, kind: 'extra' });
  });
}

/** The mentor corrects how a session turned out (the no-show rule guesses from attendance; people know better). */
export async function correctOutcome(
  db: Kysely<Database>,
  a: Access & { row: Selectable<SessionsTable> },
  body: { outcome: SessionOutcome | null; absentUserId: string | null },
) {
  memberOf(a);
  if (!a.mentor) throw forbidden('Only the mentor corrects how a session turned out.');
  if (a.row.status === 'scheduled' || a.row.status === 'live') throw conflict('This session is not over yet.');
  if (body.absentUserId && ![a.mentorship.mentor.id, a.mentorship.student.id].includes(body.absentUserId))
    throw refused('absentUserId: name the mentor or the student of this pair');
  if (body.outcome !== 'no_show' && body.absentUserId) throw refused('absentUserId: only a no-show has someone absent');
  await db.updateTable('sessions').set({ outcome: body.outcome, absent_user_id: body.absentUserId }).where('id', '=', a.row.id).execute();
}

/** Counts of sessions that did not go as planned, by outcome. */
export async function outcomeCounts(db: Kysely<Database>, mentorshipId: string): Promise<OutcomeCounts> {
  const rows = await db
    .selectFrom('sessions')
    .select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
    .where('mentorship_id', '=', mentorshipId)
    .where('outcome', 'is not', null)
    .groupBy('outcome')
    .execute();
  const counts: OutcomeCounts = { skipped: 0, cancelled_early: 0, cancelled_late: 0, no_show: 0, other: 0 };
  for (const r of rows) if (r.outcome) counts[r.outcome] = Number(r.n);
  return counts;
}

export async function pendingMoves(db: Kysely<Database>, mentorship: Mentorship): Promise<Move[]> {
  const rows = await db
    .selectFrom('session_moves')
    .selectAll()
    .where('mentorship_id', '=', mentorship.id)
    .where('status', '=', 'pending')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => toMove(r, mentorship));
}

export async function loadSchedule(db: Kysely<Database>, mentorship: Mentorship): Promise<ScheduleResponse> {
  const upcoming = await db
    .selectFrom('sessions')
    .selectAll()
    .where('mentorship_id', '=', mentorship.id)
    .where('status', 'in', ['scheduled', 'live'])
    .orderBy('scheduled_at')
    .execute();
  const recent = await db
    .selectFrom('session_moves')
    .selectAll()
    .where('mentorship_id', '=', mentorship.id)
    .where('status', '!=', 'pending')
    .orderBy('created_at', 'desc')
    .limit(10)
    .execute();
  return {
    upcoming: upcoming.map(toSession),
    pendingMoves: await pendingMoves(db, mentorship),
    recentMoves: recent.map((r) => toMove(r, mentorship)),
    outcomes: await outcomeCounts(db, mentorship.id),
  };
}
