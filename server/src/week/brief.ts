import { type Brief, BriefSchema, type Mentorship } from '@tandem/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../db/schema.js';
import { noteToText } from '../notes/render.js';
import { messagesBetween } from './messages.js';

/** The focus goal carried this many weeks or more: the brief tells the mentor. */
export const NUDGE_WEEKS = 3;

interface NoteNode {
  type?: string;
  attrs?: Record<string, unknown>;
  content?: NoteNode[];
  text?: string;
}

/** The to-do items (Tiptap task items) of a saved note that were left unchecked, as text. */
export function uncheckedTodos(noteJson: string): string[] {
  const out: string[] = [];
  const walk = (n: NoteNode) => {
    if (n.type === 'taskItem') {
      const checked = n.attrs?.checked === true || n.attrs?.checked === 'true';
      // Only the item's own line, not what is nested under it (nested items are their own to-dos).
      const own = (n.content ?? []).filter((c) => c.type !== 'taskList');
      const line = noteToText({ type: 'doc', content: own } as Parameters<typeof noteToText>[0]).trim();
      if (!checked && line) out.push(line.slice(0, 300));
    }
    for (const c of n.content ?? []) walk(c);
  };
  try {
    walk(JSON.parse(noteJson) as NoteNode);
  } catch {
    return [];
  }
  return out.slice(0, 20);
}

/** The last session of the pair that was held and ended before this one started (or before now, if it has not). */
async function previousHeld(db: Kysely<Database>, session: Selectable<SessionsTable>) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('mentorship_id', '=', session.mentorship_id)
    .where('status', '=', 'ended')
    .where('id', '!=', session.id)
    .where('ended_at', '<=', session.started_at ?? new Date().toISOString())
    .orderBy('ended_at', 'desc')
    .executeTakeFirst();
}

/** The unchecked to-dos of the session before this one: carried into its new note's check-in section. */
export async function carriedTodos(db: Kysely<Database>, sessionId: string): Promise<string[]> {
  const session = await db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!session) return [];
  const prev = await previousHeld(db, session);
  if (!prev) return [];
  const record = await db.selectFrom('session_records').select('note_json').where('session_id', '=', prev.id).executeTakeFirst();
  return record ? uncheckedTodos(record.note_json) : [];
}

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));

/** One goal event in a few words: what changed, from what to what (null: not news, e.g. a reorder). */
export function describeGoalEvent(
  kind: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  /** The pair's projects by id, to name the project a goal was linked to. */
  projects: ReadonlyMap<string, string> = new Map(),
): string | null {
  const value = (k: string, v: unknown) => (k === 'projectId' && typeof v === 'string' ? (projects.get(v) ?? 'a project') : show(v));
  const label = (k: string) => (k === 'dueDate' ? 'due date' : k === 'projectId' ? 'project' : k);
  switch (kind) {
    case 'created':
      return after?.carriedFrom ? 'carried over from the previous mentorship' : 'created';
    case 'updated':
      return Object.keys(after ?? {})
        .map((k) => `${label(k)}: ${value(k, before?.[k])} → ${value(k, after?.[k])}`)
        .join('; ');
    case 'focused':
      return 'made the focus';
    case 'deleted':
      return 'deleted';
    case 'restored':
      return 'restored';
    default:
      // A goal moved up or down the list is not news.
      return null;
  }
}

/**
 * "Since last week": what changed between the previous session and this one, from what is
 * stored (goal events, the last record, messages, moves and cancellations). Rebuilt on every
 * read until the call starts; then it stays as it was at the start (and is kept with the session).
 */
export async function buildBrief(
  db: Kysely<Database>,
  session: Selectable<SessionsTable>,
  mentorship: Mentorship,
  viewer: 'mentor' | 'student' | 'admin',
): Promise<Brief> {
  if (session.brief_json) {
    const kept = BriefSchema.parse(JSON.parse(session.brief_json));
    return { ...kept, nudge: kept.nudge && viewer !== 'student' };
  }
  const prev = await previousHeld(db, session);
  const created = await db.selectFrom('mentorships').select('created_at').where('id', '=', mentorship.id).executeTakeFirstOrThrow();
  const from = prev?.ended_at ?? prev?.scheduled_at ?? created.created_at;
  // Once the call has started, nothing after its start belongs to its brief.
  const until =
    session.status === 'scheduled' ? new Date().toISOString() : (session.started_at ?? session.ended_at ?? new Date().toISOString());

  const events = await db
    .selectFrom('goal_events as e')
    .innerJoin('goals as g', 'g.id', 'e.goal_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.goal_id', 'g.title', 'e.kind', 'u.display_name', 'e.created_at', 'e.before_json', 'e.after_json'])
    .where('e.mentorship_id', '=', mentorship.id)
    .where('e.created_at', '>', from)
    .where('e.created_at', '<=', until)
    .orderBy('e.created_at')
    .execute();
  const goalChanges = events
    .map((e) => ({
      goalId: e.goal_id,
      title: e.title,
      kind: e.kind,
      by: e.display_name,
      at: e.created_at,
      detail: describeGoalEvent(e.kind, e.before_json ? JSON.parse(e.before_json) : null, e.after_json ? JSON.parse(e.after_json) : null),
    }))
    .filter((c): c is typeof c & { detail: string } => c.detail !== null)
    .slice(-30);

  const focusGoal = await db
    .selectFrom('goals')
    .select(['id', 'title', 'created_at'])
    .where('mentorship_id', '=', mentorship.id)
    .where('is_focus', '=', 1)
    .where('deleted', '=', 0)
    .where('status', 'in', ['open', 'in_progress'])
    .executeTakeFirst();
  let focus: Brief['focus'] = null;
  if (focusGoal) {
    const focusedEvents = await db
      .selectFrom('goal_events')
      .select(['created_at', 'after_json'])
      .where('goal_id', '=', focusGoal.id)
      .where('kind', '=', 'focused')
      .orderBy('created_at', 'desc')
      .execute();
    const since = focusedEvents[0]?.created_at ?? focusGoal.created_at;
    // Each session held since it became the focus, while it stayed open, carried it one more week.
    const held = await db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('mentorship_id', '=', mentorship.id)
      .where('status', '=', 'ended')
      .where('ended_at', '>', since)
      .where('scheduled_at', '<', session.scheduled_at)
      .executeTakeFirstOrThrow();
    focus = { goalId: focusGoal.id, title: focusGoal.title, weeksCarried: Number(held.n) };
  }

  const record = prev
    ? await db.selectFrom('session_records').select('note_json').where('session_id', '=', prev.id).executeTakeFirst()
    : undefined;
  const messages = await messagesBetween(db, mentorship.id, from, until);

  const changes: Brief['changes'] = [];
  const moves = await db
    .selectFrom('session_moves')
    .select(['from_at', 'to_at', 'decided_at'])
    .where('mentorship_id', '=', mentorship.id)
    .where('status', '=', 'accepted')
    .where('decided_at', '>', from)
    .where('decided_at', '<=', until)
    .execute();
  // A move is told by its new time (the old one is in its detail).
  for (const m of moves) changes.push({ kind: 'moved', at: m.to_at, detail: m.from_at });
  const closed = await db
    .selectFrom('sessions')
    .select(['outcome', 'outcome_reason', 'scheduled_at', 'ended_at'])
    .where('mentorship_id', '=', mentorship.id)
    .where('outcome', 'is not', null)
    .where('ended_at', '>', from)
    .where('ended_at', '<=', until)
    .execute();
  for (const c of closed) {
    const kind = c.outcome === 'skipped' ? 'skipped' : c.outcome === 'no_show' ? 'no_show' : 'cancelled';
    changes.push({ kind, at: c.scheduled_at, detail: c.outcome_reason ?? '' });
  }
  const extras = await db
    .selectFrom('sessions')
    .select(['scheduled_at', 'created_at'])
    .where('mentorship_id', '=', mentorship.id)
    .where('kind', '=', 'extra')
    .where('created_at', '>', from)
    .where('created_at', '<=', until)
    .execute();
  for (const e of extras) changes.push({ kind: 'extra', at: e.scheduled_at, detail: '' });
  changes.sort((a, b) => a.at.localeCompare(b.at));

  const brief: Brief = {
    sessionId: session.id,
    since: prev ? { sessionId: prev.id, week: prev.week, scheduledAt: prev.scheduled_at } : null,
    goalChanges,
    focus,
    nudge: Boolean(focus && focus.weeksCarried >= NUDGE_WEEKS),
    openTodos: record ? uncheckedTodos(record.note_json) : [],
    messages: { count: messages.length, last: messages.slice(-3) },
    changes,
    frozenAt: session.status === 'scheduled' ? null : until,
  };
  // The call has started: this is the brief it opened with, kept as it is from now on.
  if (session.status !== 'scheduled') {
    await db
      .updateTable('sessions')
      .set({ brief_json: JSON.stringify(brief) })
      .where('id', '=', session.id)
      .where('brief_json', 'is', null)
      .execute();
  }
  return { ...brief, nudge: brief.nudge && viewer !== 'student' };
}
