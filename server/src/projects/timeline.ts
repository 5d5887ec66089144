import type { GoalTimeline, ProgressResponse } from '@tandem/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { describeGoalEvent } from '../week/brief.js';

/** When a goal stopped being open: the last event that set its status to done or dropped (null: still open). */
function closedAt(goal: { status: string; updated_at: string }, own: { after_json: string | null; created_at: string }[]): string | null {
  if (goal.status !== 'done' && goal.status !== 'dropped') return null;
  return own.filter((e) => e.after_json?.includes('"status"')).at(-1)?.created_at ?? goal.updated_at;
}

/**
 * Each goal's story across the weeks, from its stored events: when it was set and by whom, each
 * change with the week of the session it happened in, how many weeks it was carried over
 * (sessions held while it stayed open), the project it serves and the transcript lines and chat
 * messages quoted next to it. Newest goals first.
 */
export async function goalTimelines(db: Kysely<Database>, mentorshipId: string): Promise<GoalTimeline[]> {
  return timelinesOf(await loadGoalStories(db, mentorshipId));
}

type GoalStories = Awaited<ReturnType<typeof loadGoalStories>>;

/** Everything a mentorship's goal stories are told from: the goals, their events in order, the sessions held, the projects, the quotes. */
async function loadGoalStories(db: Kysely<Database>, mentorshipId: string) {
  const goals = await db.selectFrom('goals').selectAll().where('mentorship_id', '=', mentorshipId).orderBy('created_at', 'desc').execute();
  if (goals.length === 0) return { goals, events: [], held: [], projects: new Map<string, string>(), quotes: [] };
  const events = await db
    .selectFrom('goal_events as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .leftJoin('sessions as s', 's.id', 'e.session_id')
    .select(['e.goal_id', 'e.kind', 'e.before_json', 'e.after_json', 'e.created_at', 'u.display_name', 's.week'])
    .where('e.mentorship_id', '=', mentorshipId)
    .orderBy('e.created_at')
    .orderBy('e.version')
    .execute();
  const held = await db
    .selectFrom('sessions')
    .select(['ended_at'])
    .where('mentorship_id', '=', mentorshipId)
    .where('status', '=', 'ended')
    .execute();
  const projects = new Map(
    (await db.selectFrom('projects').select(['id', 'title']).where('mentorship_id', '=', mentorshipId).execute()).map((p) => [
      p.id,
      p.title,
    ]),
  );
  const quotes = await db
    .selectFrom('goal_quotes as q')
    .innerJoin('goals as g', 'g.id', 'q.goal_id')
    .innerJoin('transcript_segments as t', 't.id', 'q.segment_id')
    .innerJoin('sessions as s', 's.id', 'q.session_id')
    .innerJoin('users as u', 'u.id', 'q.quoted_by')
    .select([
      'q.id',
      'q.goal_id',
      'q.segment_id',
      'q.session_id',
      'q.created_at',
      's.week',
      't.kind',
      't.speaker_name',
      't.start_ms',
      't.text',
      'u.display_name',
    ])
    .where('g.mentorship_id', '=', mentorshipId)
    .orderBy('q.created_at')
    .execute();
  return { goals, events, held, projects, quotes };
}

function timelinesOf({ goals, events, held, projects, quotes }: GoalStories): GoalTimeline[] {
  return goals.map((g) => {
    const own = events.filter((e) => e.goal_id === g.id);
    const created = own.find((e) => e.kind === 'created');
    // Open from its creation until it was last marked done or dropped (or still).
    const closed = closedAt(g, own);
    const weeksCarried = held.filter((s) => s.ended_at && s.ended_at > g.created_at && (!closed || s.ended_at < closed)).length;
    return {
      goalId: g.id,
      title: g.title,
      status: g.status,
      deleted: g.deleted === 1,
      setAt: g.created_at,
      setBy: created?.display_name ?? '',
      setInWeek: created?.week ?? null,
      weeksCarried,
      events: own.flatMap((e) => {
        const detail = describeGoalEvent(
          e.kind,
          e.before_json ? JSON.parse(e.before_json) : null,
          e.after_json ? JSON.parse(e.after_json) : null,
          projects,
        );
        return detail === null ? [] : [{ at: e.created_at, kind: e.kind, by: e.display_name, week: e.week ?? null, detail }];
      }),
      project: g.project_id ? { id: g.project_id, title: projects.get(g.project_id) ?? '' } : null,
      quotes: quotes
        .filter((q) => q.goal_id === g.id)
        .map((q) => ({
          id: q.id,
          segmentId: q.segment_id,
          sessionId: q.session_id,
          week: q.week,
          kind: q.kind,
          speaker: q.speaker_name,
          startMs: q.start_ms,
          text: q.text,
          quotedBy: q.display_name,
          at: q.created_at,
        })),
    };
  });
}

/**
 * What the mentorship page draws: week by week, how each session went and how long it lasted,
 * the goals open and done as they stood at its end, and the mentor's "how the student is doing"
 * (only for those who may read the report); the focus goals' weeks carried; project milestones.
 */
export async function progressOf(
  db: Kysely<Database>,
  mentorshipId: string,
  /** May this viewer read reports that were not shared (the mentor, staff)? */
  readsAllReports: boolean,
): Promise<ProgressResponse> {
  const sessions = await db
    .selectFrom('sessions as s')
    .leftJoin('session_records as r', 'r.session_id', 's.id')
    .leftJoin('session_reports as p', 'p.session_id', 's.id')
    .select(['s.id', 's.week', 's.scheduled_at', 's.ended_at', 's.status', 's.outcome', 'r.duration_seconds', 'p.progress', 'p.shared'])
    .where('s.mentorship_id', '=', mentorshipId)
    .where('s.status', 'in', ['ended', 'cancelled', 'no_show'])
    .orderBy('s.scheduled_at')
    .limit(520)
    .execute();
  const stories = await loadGoalStories(db, mentorshipId);
  const timelines = timelinesOf(stories);
  // The goals' statuses replayed once, in order, through the sessions' ends (earliest first).
  const status = new Map<string, string>();
  let next = 0;
  const countsAt = new Map<string, { open: number; done: number }>();
  for (const s of [...sessions].sort((a, b) => (a.ended_at ?? a.scheduled_at).localeCompare(b.ended_at ?? b.scheduled_at))) {
    const at = s.ended_at ?? s.scheduled_at;
    for (; next < stories.events.length && (stories.events[next]?.created_at ?? '') <= at; next++) {
      const e = stories.events[next];
      if (!e) continue;
      if (e.kind === 'deleted') {
        status.delete(e.goal_id);
        continue;
      }
      if ((e.kind === 'created' || e.kind === 'restored') && !status.has(e.goal_id)) status.set(e.goal_id, 'open');
      const after = e.after_json ? (JSON.parse(e.after_json) as { status?: unknown }) : null;
      if (typeof after?.status === 'string') status.set(e.goal_id, after.status);
    }
    const statuses = [...status.values()];
    countsAt.set(s.id, {
      open: statuses.filter((x) => x === 'open' || x === 'in_progress').length,
      done: statuses.filter((x) => x === 'done').length,
    });
  }
  const weeks = sessions.map((s) => {
    const counts = countsAt.get(s.id) ?? { open: 0, done: 0 };
    return {
      sessionId: s.id,
      week: s.week,
      at: s.scheduled_at,
      outcome: s.status === 'ended' ? (s.outcome ?? 'held') : (s.outcome ?? s.status),
      minutes: s.duration_seconds === null || s.duration_seconds === undefined ? null : Math.round(s.duration_seconds / 6) / 10,
      goalsOpen: counts.open,
      goalsDone: counts.done,
      progress: s.progress && (readsAllReports || s.shared === 1) ? s.progress : null,
    };
  });
  const focused = new Set(stories.events.filter((e) => e.kind === 'focused').map((e) => e.goal_id));
  const focusGoals = timelines
    .filter((t) => focused.has(t.goalId) && !t.deleted)
    .reverse()
    .map((t) => ({ title: t.title, weeksCarried: t.weeksCarried, status: t.status }));
  const submissions = await db
    .selectFrom('submissions as u')
    .innerJoin('projects as p', 'p.id', 'u.project_id')
    .select(['p.title', 'u.version', 'u.submitted_at', 'u.status', 'u.reviewed_at'])
    .where('p.mentorship_id', '=', mentorshipId)
    .execute();
  const milestones = submissions
    .flatMap((u) => [
      { at: u.submitted_at, project: u.title, kind: 'submitted' as const, version: u.version },
      ...(u.reviewed_at && u.status !== 'pending'
        ? [
            {
              at: u.reviewed_at,
              project: u.title,
              kind: u.status === 'approved' ? ('approved' as const) : ('changes_requested' as const),
              version: u.version,
            },
          ]
        : []),
    ])
    .sort((a, b) => a.at.localeCompare(b.at));
  return { weeks, focusGoals, milestones };
}
