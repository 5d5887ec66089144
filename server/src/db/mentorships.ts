import { randomBytes, randomUUID } from 'node:crypto';
import {
  closedSessionStatuses,
  DEFAULT_NOTE_TEMPLATE,
  type Mentorship,
  NoteTemplateSchema,
  type Session,
  type User,
  type WeeklySlot,
} from '@tandem/shared';
import type { Kysely, Selectable } from 'kysely';
import { nowIso } from '../lib/time.js';
import type { Database, SessionsTable } from './schema.js';

/** A session as the API gives it (rows from before the week's columns read as weekly and as planned). */
export function toSession(
  row: Pick<
    Selectable<SessionsTable>,
    'id' | 'mentorship_id' | 'week' | 'scheduled_at' | 'duration_minutes' | 'status' | 'started_at' | 'ended_at'
  > &
    Partial<Pick<Selectable<SessionsTable>, 'kind' | 'outcome' | 'outcome_reason' | 'absent_user_id'>>,
): Session {
  return {
    id: row.id,
    mentorshipId: row.mentorship_id,
    week: row.week,
    scheduledAt: row.scheduled_at,
    durationMinutes: row.duration_minutes,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    kind: row.kind ?? 'weekly',
    outcome: row.outcome ?? null,
    outcomeReason: row.outcome_reason ?? null,
    absentUserId: row.absent_user_id ?? null,
  };
}

/** Mentorships with both people's names, joined once. */
function mentorshipQuery(db: Kysely<Database>) {
  return db
    .selectFrom('mentorships as m')
    .innerJoin('users as mentor', 'mentor.id', 'm.mentor_id')
    .innerJoin('users as student', 'student.id', 'm.student_id')
    .select([
      'm.id',
      'm.title',
      'm.status',
      'm.slot_weekday',
      'm.slot_time',
      'm.slot_time_zone',
      'm.slot_duration_minutes',
      'm.note_template',
      'mentor.id as mentor_id',
      'mentor.display_name as mentor_name',
      'mentor.time_zone as mentor_zone',
      'student.id as student_id',
      'student.display_name as student_name',
      'student.time_zone as student_zone',
    ]);
}

type MentorshipRow = Awaited<ReturnType<ReturnType<typeof mentorshipQuery>['executeTakeFirstOrThrow']>>;

function toMentorship(row: MentorshipRow): Mentorship {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    mentor: { id: row.mentor_id, displayName: row.mentor_name, timeZone: row.mentor_zone },
    student: { id: row.student_id, displayName: row.student_name, timeZone: row.student_zone },
    slot: { weekday: row.slot_weekday, time: row.slot_time, timeZone: row.slot_time_zone, durationMinutes: row.slot_duration_minutes },
    noteTemplate: parseTemplate(row.note_template),
  };
}

function parseTemplate(raw: string | null): string[] {
  if (!raw) return [...DEFAULT_NOTE_TEMPLATE];
  const parsed = NoteTemplateSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : [...DEFAULT_NOTE_TEMPLATE];
}

export async function setNoteTemplate(db: Kysely<Database>, mentorshipId: string, sections: string[]): Promise<void> {
  await db
    .updateTable('mentorships')
    .set({ note_template: JSON.stringify(sections) })
    .where('id', '=', mentorshipId)
    .execute();
}

/** The mentorships a user takes part in (all of them for an admin). */
export async function listMentorshipsOf(db: Kysely<Database>, user: User): Promise<Mentorship[]> {
  let q = mentorshipQuery(db);
  if (user.role !== 'admin') q = q.where((eb) => eb.or([eb('m.mentor_id', '=', user.id), eb('m.student_id', '=', user.id)]));
  const rows = await q.orderBy('m.created_at').execute();
  // The active one first, then paused, then ended; among equals, as they were created.
  const rank = { active: 0, paused: 1, ended: 2 } as const;
  return rows.map(toMentorship).sort((a, b) => rank[a.status] - rank[b.status]);
}

export async function getMentorship(db: Kysely<Database>, id: string): Promise<Mentorship | undefined> {
  const row = await mentorshipQuery(db).where('m.id', '=', id).executeTakeFirst();
  return row && toMentorship(row);
}

export async function insertMentorship(
  db: Kysely<Database>,
  input: { mentorId: string; studentId: string; title: string; slot: WeeklySlot },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('mentorships')
    .values({
      id,
      mentor_id: input.mentorId,
      student_id: input.studentId,
      title: input.title,
      slot_weekday: input.slot.weekday,
      slot_time: input.slot.time,
      slot_time_zone: input.slot.timeZone,
      slot_duration_minutes: input.slot.durationMinutes,
      status: 'active',
      note_template: null,
      created_at: nowIso(),
    })
    .execute();
  return id;
}

export async function insertSession(
  db: Kysely<Database>,
  input: { mentorshipId: string; scheduledAt: string; durationMinutes: number; kind?: 'weekly' | 'extra' },
): Promise<Session> {
  const last = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.max('week').as('week'))
    .where('mentorship_id', '=', input.mentorshipId)
    .executeTakeFirst();
  const row = {
    id: randomUUID(),
    mentorship_id: input.mentorshipId,
    week: Number(last?.week ?? 0) + 1,
    scheduled_at: input.scheduledAt,
    duration_minutes: input.durationMinutes,
    status: 'scheduled' as const,
    // Unguessable: a room name is not a secret, but there is no reason to make it predictable.
    room_name: `tandem-${randomBytes(9).toString('base64url')}`,
    started_at: null,
    ended_at: null,
    empty_since: null,
    ended_reason: null,
    summary: null,
    created_at: nowIso(),
    kind: input.kind ?? ('weekly' as const),
    timed_at: nowIso(),
  };
  await db.insertInto('sessions').values(row).execute();
  return toSession(row);
}

export function getSessionRow(db: Kysely<Database>, id: string) {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A mentorship's sessions (latest first, as {@link listSessions} gives them): the next one not over yet, and the past ones. */
export function nextAndPast(sessions: Session[]): { nextSession: Session | null; pastSessions: Session[] } {
  const open = sessions.filter((s) => !closedSessionStatuses.includes(s.status));
  return { nextSession: open.at(-1) ?? null, pastSessions: sessions.filter((s) => closedSessionStatuses.includes(s.status)) };
}

export async function listSessions(db: Kysely<Database>, mentorshipId: string): Promise<Session[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('mentorship_id', '=', mentorshipId)
    .orderBy('scheduled_at', 'desc')
    .execute();
  return rows.map(toSession);
}

/** Nobody is counted present in a session after `at`: every attendance still open is closed then. */
export async function closeOpenAttendance(db: Kysely<Database>, sessionId: string, at: string): Promise<void> {
  await db.updateTable('attendance').set({ left_at: at }).where('session_id', '=', sessionId).where('left_at', 'is', null).execute();
}
