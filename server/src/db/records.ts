import type { Attendance, Goal, GoalEvent, HistoryResponse, Mentorship, SessionRecord, TranscriptSegment } from '@tandem/shared';
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { listSessions, toSession } from './mentorships.js';
import type { Database } from './schema.js';

/** An ended session's saved record, as written when it ended. */
export async function loadRecord(db: Kysely<Database>, sessionId: string, mentorship: Mentorship): Promise<SessionRecord | null> {
  const session = await db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  const record = await db.selectFrom('session_records').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  if (!session || !record) return null;
  return {
    session: toSession(session),
    mentorship,
    summary: session.summary ?? '',
    noteHtml: record.note_html,
    noteMarkdown: record.note_markdown,
    goals: JSON.parse(record.goals_json) as Goal[],
    goalEvents: JSON.parse(record.goal_events_json) as GoalEvent[],
    transcript: JSON.parse(record.transcript_json) as TranscriptSegment[],
    attendance: JSON.parse(record.attendance_json) as Attendance[],
    durationSeconds: record.duration_seconds,
    finalisedAt: record.finalised_at,
  };
}

/** Past sessions of a mentorship, newest first, with duration, attendance and summary. */
export async function loadHistory(db: Kysely<Database>, mentorship: Mentorship): Promise<HistoryResponse> {
  const sessions = (await listSessions(db, mentorship.id)).filter(
    (s) => s.status === 'ended' || s.status === 'cancelled' || s.status === 'no_show',
  );
  const records = sessions.length
    ? await db
        .selectFrom('session_records as r')
        .innerJoin('sessions as s', 's.id', 'r.session_id')
        .select(['r.session_id', 'r.duration_seconds', 'r.attendance_json', 's.summary'])
        .where(
          'r.session_id',
          'in',
          sessions.map((s) => s.id),
        )
        .execute()
    : [];
  const byId = new Map(records.map((r) => [r.session_id, r]));
  return {
    mentorship,
    sessions: sessions.map((session) => {
      const r = byId.get(session.id);
      return {
        session,
        durationSeconds: r?.duration_seconds ?? null,
        attendees: r ? (JSON.parse(r.attendance_json) as Attendance[]).map((a) => a.displayName) : [],
        summary: r?.summary ?? null,
      };
    }),
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Turns free text into an FTS5 query of quoted terms: no operator in the input can change its meaning. */
export function ftsQuery(q: string): string {
  const terms = q.match(/[\p{L}\p{N}]+/gu) ?? [];
  return terms.map((t) => `"${t}"*`).join(' ');
}

/** Full-text search over one mentorship's saved notes and transcripts, best match first. */
export async function searchMentorship(db: Kysely<Database>, mentorshipId: string, q: string) {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  let rows: { session_id: string; kind: 'note' | 'transcript'; snippet: string }[];
  if (isPostgres) {
    // Prefix search on each term, like the SQLite path: "accessib" finds "accessibility".
    const terms = q.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (terms.length === 0) return [];
    const tsq = terms.map((t) => `${t.toLowerCase()}:*`).join(' & ');
    const result = await sql<{ session_id: string; kind: 'note' | 'transcript'; snippet: string }>`
      SELECT session_id, kind,
        ts_headline('simple', body, to_tsquery('simple', ${tsq}), 'StartSel=[[[, StopSel=]]], MaxFragments=2') AS snippet
      FROM session_search
      WHERE mentorship_id = ${mentorshipId} AND tsv @@ to_tsquery('simple', ${tsq})
      ORDER BY ts_rank(tsv, to_tsquery('simple', ${tsq})) DESC LIMIT 50`.execute(db);
    rows = result.rows;
  } else {
    const match = ftsQuery(q);
    if (!match) return [];
    // Sentinels instead of HTML in the snippet: the text is escaped first, then marked.
    const result = await sql<{ session_id: string; kind: 'note' | 'transcript'; snippet: string }>`
      SELECT session_id, kind, snippet(session_search, 3, '[[[', ']]]', ' … ', 16) AS snippet
      FROM session_search
      WHERE session_search MATCH ${match} AND mentorship_id = ${mentorshipId}
      ORDER BY bm25(session_search) LIMIT 50`.execute(db);
    rows = result.rows;
  }
  if (rows.length === 0) return [];
  const sessions = await db
    .selectFrom('sessions')
    .select(['id', 'week', 'scheduled_at'])
    .where(
      'id',
      'in',
      rows.map((r) => r.session_id),
    )
    .execute();
  const byId = new Map(sessions.map((s) => [s.id, s]));
  return rows.flatMap((r) => {
    const s = byId.get(r.session_id);
    if (!s) return [];
    const snippet = escapeHtml(r.snippet).replaceAll('[[[', '<mark>').replaceAll(']]]', '</mark>');
    return [{ sessionId: r.session_id, week: s.week, scheduledAt: s.scheduled_at, kind: r.kind, snippet }];
  });
}
