import { randomUUID } from 'node:crypto';
import type { Mentorship, Message, ThreadResponse } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../lib/time.js';
import { planJob } from './jobs.js';

const PAGE = 50;

function threadQuery(db: Kysely<Database>) {
  return db
    .selectFrom('messages as msg')
    .innerJoin('users as u', 'u.id', 'msg.author_id')
    .leftJoin('sessions as s', 's.id', 'msg.session_id')
    .select(['msg.id', 'msg.mentorship_id', 'msg.author_id', 'u.display_name', 'msg.body', 'msg.session_id', 's.week', 'msg.created_at']);
}
type Row = Awaited<ReturnType<ReturnType<typeof threadQuery>['executeTakeFirstOrThrow']>>;

const toMessage = (r: Row): Message => ({
  id: r.id,
  mentorshipId: r.mentorship_id,
  author: { id: r.author_id, displayName: r.display_name },
  body: r.body,
  sessionId: r.session_id,
  sessionWeek: r.week ?? null,
  createdAt: r.created_at,
});

/** A message's time: strictly after the thread's last one, so "read until" a time is exact. */
async function nextInstant(db: Kysely<Database>, mentorshipId: string): Promise<string> {
  const last = await db
    .selectFrom('messages')
    .select('created_at')
    .where('mentorship_id', '=', mentorshipId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const now = Date.now();
  const after = last ? Date.parse(last.created_at) + 1 : 0;
  return new Date(Math.max(now, after)).toISOString();
}

/** Stores one message of the pair's thread (typed between sessions, or in a call's chat). */
export async function postMessage(
  db: Kysely<Database>,
  input: { mentorshipId: string; authorId: string; body: string; sessionId: string | null },
): Promise<Message> {
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('messages')
      .values({
        id,
        mentorship_id: input.mentorshipId,
        author_id: input.authorId,
        body: input.body,
        session_id: input.sessionId,
        created_at: await nextInstant(trx, input.mentorshipId),
      })
      .execute();
    // Writing is reading: the author has read everything up to their own message.
    await markRead(
      trx,
      input.mentorshipId,
      input.authorId,
      (await threadQuery(trx).where('msg.id', '=', id).executeTakeFirstOrThrow()).created_at,
    );
  });
  return toMessage(await threadQuery(db).where('msg.id', '=', id).executeTakeFirstOrThrow());
}

/** The last page of the thread (or the page before `before`), oldest first, and how far each person read. */
export async function loadThread(db: Kysely<Database>, mentorship: Mentorship, before?: string): Promise<ThreadResponse> {
  let q = threadQuery(db).where('msg.mentorship_id', '=', mentorship.id);
  if (before) q = q.where('msg.created_at', '<', before);
  const rows = await q
    .orderBy('msg.created_at', 'desc')
    .limit(PAGE + 1)
    .execute();
  const reads = await db.selectFrom('message_reads').select(['user_id', 'read_until']).where('mentorship_id', '=', mentorship.id).execute();
  const readUntil: Record<string, string | null> = { [mentorship.mentor.id]: null, [mentorship.student.id]: null };
  for (const r of reads) readUntil[r.user_id] = r.read_until;
  return { mentorship, messages: rows.slice(0, PAGE).reverse().map(toMessage), hasMore: rows.length > PAGE, readUntil };
}

/** Everything up to `until` is read by this person (it never goes back). Answers the new mark, or null if unchanged. */
export async function markRead(db: Kysely<Database>, mentorshipId: string, userId: string, until: string): Promise<string | null> {
  const row = await db
    .selectFrom('message_reads')
    .select('read_until')
    .where('mentorship_id', '=', mentorshipId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (row?.read_until && row.read_until >= until) return null;
  await db
    .insertInto('message_reads')
    .values({ mentorship_id: mentorshipId, user_id: userId, read_until: until, digested_until: null, digest_sent_at: null })
    .onConflict((oc) => oc.columns(['mentorship_id', 'user_id']).doUpdateSet({ read_until: until }))
    .execute();
  return until;
}

/** Messages from the other person this one has not read, per mentorship. */
export async function unreadCounts(db: Kysely<Database>, userId: string, mentorshipIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (mentorshipIds.length === 0) return counts;
  const rows = await db
    .selectFrom('messages as msg')
    .leftJoin('message_reads as r', (j) => j.onRef('r.mentorship_id', '=', 'msg.mentorship_id').on('r.user_id', '=', userId))
    .select(['msg.mentorship_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('msg.mentorship_id', 'in', mentorshipIds)
    .where('msg.author_id', '!=', userId)
    .where((eb) => eb.or([eb('r.read_until', 'is', null), eb('msg.created_at', '>', eb.ref('r.read_until'))]))
    .groupBy('msg.mentorship_id')
    .execute();
  for (const r of rows) counts.set(r.mentorship_id, Number(r.n));
  return counts;
}

export interface DigestTiming {
  /** A digest waits this long after the first unread message (they may come online and read it). */
  delayMs: number;
  /** And at least this long after the previous digest. */
  everyMs: number;
}

/** The recipient is offline: one digest is planned (not one per message), at most one every few hours. */
export async function planDigest(db: Kysely<Database>, mentorshipId: string, userId: string, timing: DigestTiming): Promise<void> {
  const prefix = `digest:${mentorshipId}:${userId}:`;
  const waiting = await db
    .selectFrom('jobs')
    .select('id')
    .where('status', '=', 'pending')
    .where('kind', '=', 'digest')
    .where('key', 'like', `${prefix}%`)
    .executeTakeFirst();
  if (waiting) return;
  const state = await db
    .selectFrom('message_reads')
    .select('digest_sent_at')
    .where('mentorship_id', '=', mentorshipId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const last = state?.digest_sent_at ? Date.parse(state.digest_sent_at) : 0;
  const runAt = new Date(Math.max(Date.now() + timing.delayMs, last + timing.everyMs)).toISOString();
  await planJob(db, { key: `${prefix}${runAt}`, kind: 'digest', payload: { mentorshipId, userId }, runAt });
}

/** The messages a digest carries: from the other person, unread and not in an earlier digest. */
export async function undigested(db: Kysely<Database>, mentorshipId: string, userId: string) {
  const state = await db
    .selectFrom('message_reads')
    .select(['read_until', 'digested_until'])
    .where('mentorship_id', '=', mentorshipId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const after =
    [state?.read_until, state?.digested_until]
      .filter((v): v is string => Boolean(v))
      .sort()
      .at(-1) ?? '';
  return threadQuery(db)
    .where('msg.mentorship_id', '=', mentorshipId)
    .where('msg.author_id', '!=', userId)
    .where('msg.created_at', '>', after)
    .orderBy('msg.created_at')
    .limit(30)
    .execute()
    .then((rows) => rows.map(toMessage));
}

export async function markDigested(db: Kysely<Database>, mentorshipId: string, userId: string, until: string): Promise<void> {
  const sentAt = nowIso();
  await db
    .insertInto('message_reads')
    .values({ mentorship_id: mentorshipId, user_id: userId, read_until: null, digested_until: until, digest_sent_at: sentAt })
    .onConflict((oc) => oc.columns(['mentorship_id', 'user_id']).doUpdateSet({ digested_until: until, digest_sent_at: sentAt }))
    .execute();
}

/** Messages exchanged in a period (for the brief). */
export async function messagesBetween(db: Kysely<Database>, mentorshipId: string, from: string, to: string) {
  const rows = await threadQuery(db)
    .where('msg.mentorship_id', '=', mentorshipId)
    .where('msg.created_at', '>', from)
    .where('msg.created_at', '<=', to)
    .orderBy('msg.created_at')
    .execute();
  return rows.map(toMessage);
}

/** Live to both people's open pages; an offline recipient gets one digest later, not one email per message. */
export async function deliverMessage(app: FastifyInstance, message: Message, pair: Pick<Mentorship, 'mentor' | 'student'>): Promise<void> {
  app.realtime.messagePosted(message, [pair.mentor.id, pair.student.id]);
  const recipient = message.author.id === pair.mentor.id ? pair.student.id : pair.mentor.id;
  if (!(await app.realtime.isOnline(recipient))) await planDigest(app.db, message.mentorshipId, recipient, app.week.digest);
}
