import { closedSessionStatuses, type Mentorship, MentorshipParamsSchema, SessionParamsSchema, type User } from '@tandem/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import { getMentorship, getSessionRow } from './db/mentorships.js';
import type { Database, SessionsTable } from './db/schema.js';
import { forbidden, notFound, unauthenticated } from './lib/errors.js';

/** What a person may do with one mentorship (and, when asked about one, one of its sessions). */
export interface Access {
  mentorship: Mentorship;
  /** The session asked about, or null when the question was about the mentorship. */
  session: Selectable<SessionsTable> | null;
  /** How the person stands to the pair: an admin who is not in it only reads. */
  relation: 'mentor' | 'student' | 'admin';
  /** The mentor or the student of this pair. */
  member: boolean;
  /** The mentor of this pair (ends, cancels, shapes the agenda). */
  mentor: boolean;
  /** May change the session's shared data (note, goals, chat): a member, while the session is not over. */
  write: boolean;
}

/** What is asked about: a session, or a mentorship. */
export type AccessTarget = { sessionId: string } | { mentorshipId: string };

/**
 * THE access rule, used by every route and every realtime event: only the mentor and the
 * student of a mentorship (and an admin, read-only) may see anything of it. Anyone else,
 * and anything that does not exist, gets null: the same answer, so nobody learns what exists.
 */
export async function accessTo(db: Kysely<Database>, user: User, target: AccessTarget): Promise<Access | null> {
  const session = 'sessionId' in target ? ((await getSessionRow(db, target.sessionId)) ?? null) : null;
  if ('sessionId' in target && !session) return null;
  const mentorship = await getMentorship(db, session ? session.mentorship_id : 'mentorshipId' in target ? target.mentorshipId : '');
  if (!mentorship) return null;
  const relation = mentorship.mentor.id === user.id ? 'mentor' : mentorship.student.id === user.id ? 'student' : 'admin';
  if (relation === 'admin' && user.role !== 'admin') return null;
  const member = relation !== 'admin';
  // An ended mentorship is read-only for good, whatever state its sessions are in.
  const over = (session ? closedSessionStatuses.includes(session.status) : false) || mentorship.status === 'ended';
  return { mentorship, session, relation, member, mentor: relation === 'mentor', write: member && !over };
}

/**
 * The mentor's private note of a mentorship, on top of {@link accessTo}: its mentor writes it (reads
 * it once the mentorship has ended); programme staff read it only when the programme turns that
 * on; the student, other people and staff otherwise get null, the same "not found" as anything else.
 */
export function privateNoteAccess(access: Access | null, adminsMayRead: boolean): 'write' | 'read' | null {
  if (!access) return null;
  if (access.mentor) return access.mentorship.status === 'ended' ? 'read' : 'write';
  return access.relation === 'admin' && adminsMayRead ? 'read' : null;
}

/**
 * The same rule for a route: 401 when signed out, and one 404 for "does not exist"
 * and "not yours", worded by `what`.
 */
export async function requireAccess(
  app: FastifyInstance,
  request: FastifyRequest,
  target: AccessTarget,
  what: string,
): Promise<Access & { user: User }> {
  const user = request.user;
  if (!user) throw unauthenticated();
  const access = await accessTo(app.db, user, target);
  if (!access) throw notFound(what);
  return { ...access, user };
}

/**
 * The same rule for the programme's own pages (people, pairs, mail, audit): programme staff
 * only. 401 signed out, 403 for everyone else (these pages exist for everyone to know).
 */
export function requireAdmin(request: FastifyRequest): User {
  const user = request.user;
  if (!user) throw unauthenticated();
  if (user.role !== 'admin') throw forbidden('Only the programme staff can do this.');
  return user;
}

/** {@link requireAccess} for the session named in a route's `:id`, with its row. */
export async function requireSessionAccess(
  app: FastifyInstance,
  request: FastifyRequest,
): Promise<Access & { user: User; row: Selectable<SessionsTable> }> {
  const { id } = SessionParamsSchema.parse(request.params);
  const a = await requireAccess(app, request, { sessionId: id }, 'This session');
  if (!a.session) throw new Error('unreachable: access was asked about a session');
  return { ...a, row: a.session };
}

/** {@link requireAccess} for the mentorship named in a route's `:id`. */
export function requireMentorshipAccess(app: FastifyInstance, request: FastifyRequest): Promise<Access & { user: User }> {
  const { id } = MentorshipParamsSchema.parse(request.params);
  return requireAccess(app, request, { mentorshipId: id }, 'This mentorship');
}
