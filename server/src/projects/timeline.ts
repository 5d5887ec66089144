import type { GoalTimeline } from '@tandem/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { describeGoalEvent } from '../week/brief.js';

/**
 * Each goal's story across the weeks, from its stored events: when it was set and by whom, each
 * change with the week of the session it happened in, and how many weeks it was carried over
 * (sessions held while it stayed open). Newest goals first.
 */
export async function goalTimelines(db: Kysely<Database>, mentorshipId: string): Promise<GoalTimeline[]> {
  const goals = await db.selectFrom('goals').selectAll().where('mentorship_id', '=', mentorshipId).orderBy('created_at', 'desc').execute();
  if (goals.length === 0) return [];
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
  return goals.map((g) => {
    const own = events.filter((e) => e.goal_id === g.id);
    const created = own.find((e) => e.kind === 'created');
    // Open from its creation until it was last marked done or dropped (or still).
    const closedAt =
      g.status === 'done' || g.status === 'dropped'
        ? (own.filter((e) => e.after_json?.includes('"status"')).at(-1)?.created_at ?? g.updated_at)
        : null;
    const weeksCarried = held.filter((s) => s.ended_at && s.ended_at > g.created_at && (!closedAt || s.ended_at < closedAt)).length;
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
        );
        return detail === null ? [] : [{ at: e.created_at, kind: e.kind, by: e.display_name, week: e.week ?? null, detail }];
      }),
    };
  });
}
