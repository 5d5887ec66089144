import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  type Goal,
  type GoalCommand,
  type GoalEvent,
  type GoalFields,
  GoalLimits,
  type GoalsChanged,
  type GoalsState,
  keyBetween,
  type Result,
  type User,
} from '@tandem/shared';
import { type Kysely, PostgresAdapter, type Selectable, type Transaction } from 'kysely';
import { nowIso } from '../lib/time.js';
import type { Database, GoalEventsTable, GoalsTable } from './schema.js';

export function toGoal(row: Selectable<GoalsTable>): Goal {
  return {
    id: row.id,
    mentorshipId: row.mentorship_id,
    title: row.title,
    detail: row.detail,
    owner: row.owner,
    status: row.status,
    dueDate: row.due_date,
    projectId: row.project_id ?? null,
    orderKey: row.order_key,
    isFocus: Boolean(row.is_focus),
    deleted: Boolean(row.deleted),
    createdInSessionId: row.created_in_session_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toEvent(row: Selectable<GoalEventsTable> & { user_name: string }): GoalEvent {
  return {
    id: row.id,
    goalId: row.goal_id,
    sessionId: row.session_id,
    userId: row.user_id,
    userName: row.user_name,
    kind: row.kind,
    before: row.before_json ? (JSON.parse(row.before_json) as Record<string, unknown>) : null,
    after: row.after_json ? (JSON.parse(row.after_json) as Record<string, unknown>) : null,
    version: row.version,
    createdAt: row.created_at,
  };
}

/** All goals of a mentorship (deleted ones too, flagged) at its current version, in order. */
export async function loadGoals(db: Kysely<Database>, mentorshipId: string): Promise<GoalsState> {
  const m = await db.selectFrom('mentorships').select('goals_version').where('id', '=', mentorshipId).executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('goals')
    .selectAll()
    .where('mentorship_id', '=', mentorshipId)
    .orderBy('order_key')
    .orderBy('id')
    .execute();
  return { mentorshipId, version: m.goals_version, goals: rows.map(toGoal) };
}

/** The goal events made during one session, oldest first. */
export async function loadSessionEvents(db: Kysely<Database>, sessionId: string): Promise<GoalEvent[]> {
  const rows = await db
    .selectFrom('goal_events as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .selectAll('e')
    .select('u.display_name as user_name')
    .where('e.session_id', '=', sessionId)
    .orderBy('e.version')
    .execute();
  return rows.map(toEvent);
}

/** A refusal that rolls the transaction back; becomes a rejected ack. */
class Refused extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface CommandContext {
  user: User;
  mentorshipId: string;
  /** The session the command was made in (its events belong to it). */
  sessionId: string | null;
}

const fieldsOf = (g: Selectable<GoalsTable>): GoalFields => ({
  title: g.title,
  detail: g.detail,
  owner: g.owner,
  status: g.status,
  dueDate: g.due_date,
  projectId: g.project_id ?? null,
});

/**
 * Runs one goal command as ONE transaction: the goal row(s), a goal event and
 * the mentorship's version move together or not at all. Per-field last writer
 * wins by server order; a reorder that lands on another goal's key is nudged
 * between that key and the next, so concurrent moves still give one order.
 */
export async function runGoalCommand(db: Kysely<Database>, ctx: CommandContext, command: GoalCommand): Promise<Result<GoalsChanged>> {
  try {
    const data = await db.transaction().execute((trx) => apply(trx, ctx, command));
    return { ok: true, data };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}

async function apply(trx: Transaction<Database>, ctx: CommandContext, command: GoalCommand): Promise<GoalsChanged> {
  const now = nowIso();
  let mq = trx.selectFrom('mentorships').select('goals_version').where('id', '=', ctx.mentorshipId);
  // PostgreSQL: serialise commands of one mentorship. SQLite transactions are serial already.
  if (trx.getExecutor().adapter instanceof PostgresAdapter) mq = mq.forUpdate();
  const mentorship = await mq.executeTakeFirstOrThrow();
  const version = mentorship.goals_version + 1;

  const existing =
    command.type === 'create'
      ? undefined
      : await trx
          .selectFrom('goals')
          .selectAll()
          .where('id', '=', command.goalId)
          .where('mentorship_id', '=', ctx.mentorshipId)
          .executeTakeFirst();
  if (command.type !== 'create' && (!existing || (existing.deleted && command.type !== 'restore'))) {
    throw new Refused(ErrorCode.NotFound, 'That goal does not exist in this mentorship.');
  }

  /** A key no other goal has: concurrent moves to the same gap are spread apart. */
  const freeKey = async (key: string, goalId: string): Promise<string> => {
    const clash = await trx
      .selectFrom('goals')
      .select('id')
      .where('mentorship_id', '=', ctx.mentorshipId)
      .where('order_key', '=', key)
      .where('id', '!=', goalId)
      .executeTakeFirst();
    if (!clash) return key;
    const next = await trx
      .selectFrom('goals')
      .select('order_key')
      .where('mentorship_id', '=', ctx.mentorshipId)
      .where('order_key', '>', key)
      .orderBy('order_key')
      .executeTakeFirst();
    return keyBetween(key, next?.order_key ?? null);
  };

  /** A goal serves one of the pair's own projects, or none; any other id is refused as not existing. */
  const projectOfPair = async (projectId: string | null) => {
    if (projectId === null) return;
    const project = await trx
      .selectFrom('projects')
      .select('id')
      .where('id', '=', projectId)
      .where('mentorship_id', '=', ctx.mentorshipId)
      .executeTakeFirst();
    if (!project) throw new Refused(ErrorCode.NotFound, 'That project is not one of this pair’s.');
  };

  let kind: GoalEvent['kind'];
  let before: Record<string, unknown> | null = null;
  let after: Record<string, unknown> | null = null;
  let goalId: string;
  const touched = new Set<string>();

  switch (command.type) {
    case 'create': {
      goalId = command.goalId;
      const taken = await trx.selectFrom('goals').select('id').where('id', '=', goalId).executeTakeFirst();
      if (taken) throw new Refused(ErrorCode.ValidationFailed, 'A goal with that id already exists.');
      const count = await trx
        .selectFrom('goals')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('mentorship_id', '=', ctx.mentorshipId)
        .where('deleted', '=', 0)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= GoalLimits.goalsPerMentorship)
        throw new Refused(ErrorCode.ValidationFailed, `At most ${GoalLimits.goalsPerMentorship} goals.`);
      const fields: GoalFields = {
        title: command.fields.title,
        detail: command.fields.detail ?? '',
        owner: command.fields.owner ?? 'student',
        status: command.fields.status ?? 'open',
        dueDate: command.fields.dueDate ?? null,
        projectId: command.fields.projectId ?? null,
      };
      await projectOfPair(fields.projectId);
      await trx
        .insertInto('goals')
        .values({
          id: goalId,
          mentorship_id: ctx.mentorshipId,
          title: fields.title,
          detail: fields.detail,
          owner: fields.owner,
          status: fields.status,
          due_date: fields.dueDate,
          project_id: fields.projectId,
          order_key: await freeKey(command.orderKey, goalId),
          is_focus: 0,
          deleted: 0,
          created_in_session_id: ctx.sessionId,
          created_at: now,
          updated_at: now,
        })
        .execute();
      kind = 'created';
      after = { ...fields };
      break;
    }
    case 'update': {
      if (!existing) throw new Error('unreachable');
      goalId = existing.id;
      const current = fieldsOf(existing);
      const patch = command.patch;
      const changed = (Object.keys(patch) as (keyof GoalFields)[]).filter((k) => patch[k] !== undefined && patch[k] !== current[k]);
      if (changed.length === 0) throw new Refused(ErrorCode.ValidationFailed, 'Nothing to change.');
      if (patch.projectId !== undefined) await projectOfPair(patch.projectId);
      before = Object.fromEntries(changed.map((k) => [k, current[k]]));
      after = Object.fromEntries(changed.map((k) => [k, patch[k]]));
      await trx
        .updateTable('goals')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.detail !== undefined ? { detail: patch.detail } : {}),
          ...(patch.owner !== undefined ? { owner: patch.owner } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.dueDate !== undefined ? { due_date: patch.dueDate } : {}),
          ...(patch.projectId !== undefined ? { project_id: patch.projectId } : {}),
          updated_at: now,
        })
        .where('id', '=', goalId)
        .execute();
      kind = 'updated';
      break;
    }
    case 'move': {
      if (!existing) throw new Error('unreachable');
      goalId = existing.id;
      const key = await freeKey(command.orderKey, goalId);
      before = { orderKey: existing.order_key };
      after = { orderKey: key };
      await trx.updateTable('goals').set({ order_key: key, updated_at: now }).where('id', '=', goalId).execute();
      kind = 'moved';
      break;
    }
    case 'focus': {
      if (!existing) throw new Error('unreachable');
      goalId = existing.id;
      const previous = await trx
        .selectFrom('goals')
        .select('id')
        .where('mentorship_id', '=', ctx.mentorshipId)
        .where('is_focus', '=', 1)
        .execute();
      for (const p of previous) touched.add(p.id);
      await trx
        .updateTable('goals')
        .set({ is_focus: 0, updated_at: now })
        .where('mentorship_id', '=', ctx.mentorshipId)
        .where('is_focus', '=', 1)
        .execute();
      await trx.updateTable('goals').set({ is_focus: 1, updated_at: now }).where('id', '=', goalId).execute();
      before = { focus: previous[0]?.id ?? null };
      after = { focus: goalId };
      kind = 'focused';
      break;
    }
    case 'delete':
    case 'restore': {
      if (!existing) throw new Error('unreachable');
      goalId = existing.id;
      if (command.type === 'restore' && !existing.deleted) throw new Refused(ErrorCode.ValidationFailed, 'That goal is not deleted.');
      await trx
        .updateTable('goals')
        .set({ deleted: command.type === 'delete' ? 1 : 0, is_focus: 0, updated_at: now })
        .where('id', '=', goalId)
        .execute();
      kind = command.type === 'delete' ? 'deleted' : 'restored';
      after = { title: existing.title };
      break;
    }
  }
  touched.add(goalId);

  const event = {
    id: randomUUID(),
    goal_id: goalId,
    mentorship_id: ctx.mentorshipId,
    session_id: ctx.sessionId,
    user_id: ctx.user.id,
    kind,
    before_json: before ? JSON.stringify(before) : null,
    after_json: after ? JSON.stringify(after) : null,
    version,
    created_at: now,
  };
  await trx.insertInto('goal_events').values(event).execute();
  const bumped = await trx
    .updateTable('mentorships')
    .set({ goals_version: version })
    .where('id', '=', ctx.mentorshipId)
    .where('goals_version', '=', version - 1)
    .executeTakeFirst();
  if (Number(bumped.numUpdatedRows) !== 1) throw new Error('goal version moved during the transaction');

  const goals = await trx
    .selectFrom('goals')
    .selectAll()
    .where('id', 'in', [...touched])
    .execute();
  return {
    mentorshipId: ctx.mentorshipId,
    version,
    goals: goals.map(toGoal),
    event: toEvent({ ...event, user_name: ctx.user.displayName }),
  };
}
