import { z } from 'zod';
import { IdSchema } from './domain.js';
import { isOrderKey } from './ordering.js';

/** Limits of a goal's fields. */
export const GoalLimits = { titleMax: 120, detailMax: 1000, goalsPerMentorship: 200 } as const;

/** Where a goal stands. */
export const GoalStatusSchema = z.enum(['open', 'in_progress', 'done', 'dropped']);
/** One of open, in_progress, done, dropped. */
export type GoalStatus = z.infer<typeof GoalStatusSchema>;
/** Statuses of goals that carry over to the next session. */
export const carriedGoalStatuses: readonly GoalStatus[] = ['open', 'in_progress'];

/** Who works on the goal. */
export const GoalOwnerSchema = z.enum(['student', 'mentor']);

/** A calendar date, YYYY-MM-DD. */
export const DateOnlySchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected a date YYYY-MM-DD');

/** An ordering key (see keyBetween). */
export const OrderKeySchema = z.string().refine(isOrderKey, 'invalid order key');

/** The fields people edit, each one last-writer-wins on the server. */
export const GoalFieldsSchema = z.object({
  title: z.string().trim().min(1, 'a goal needs a title').max(GoalLimits.titleMax, `at most ${GoalLimits.titleMax} characters`),
  detail: z.string().max(GoalLimits.detailMax, `at most ${GoalLimits.detailMax} characters`),
  owner: GoalOwnerSchema,
  status: GoalStatusSchema,
  dueDate: DateOnlySchema.nullable(),
  /** The pair's project this goal is a step toward (null: none). */
  projectId: IdSchema.nullable(),
});
/** Editable goal fields. */
export type GoalFields = z.infer<typeof GoalFieldsSchema>;

/** A goal of a mentorship; lives across sessions. */
export const GoalSchema = GoalFieldsSchema.extend({
  id: IdSchema,
  mentorshipId: IdSchema,
  orderKey: OrderKeySchema,
  /** The one goal the student focuses on now. */
  isFocus: z.boolean(),
  /** Set when deleted; a deleted goal can be restored (undo). */
  deleted: z.boolean(),
  createdInSessionId: IdSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A goal. */
export type Goal = z.infer<typeof GoalSchema>;

/** What a goal event records. */
export const GoalEventKindSchema = z.enum(['created', 'updated', 'moved', 'focused', 'deleted', 'restored']);

/** One change of a goal: who, what, before, after, in which session. */
export const GoalEventSchema = z.object({
  id: IdSchema,
  goalId: IdSchema,
  sessionId: IdSchema.nullable(),
  userId: IdSchema,
  userName: z.string(),
  kind: GoalEventKindSchema,
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  version: z.number().int(),
  createdAt: z.string(),
});
/** A goal event. */
export type GoalEvent = z.infer<typeof GoalEventSchema>;

/** The commands the goals panel sends; each is one server transaction. */
export const GoalCommandSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('create'),
      /** Chosen by the client so its optimistic goal and the server's are the same one. */
      goalId: z.string().uuid(),
      fields: GoalFieldsSchema.partial({ detail: true, owner: true, status: true, dueDate: true, projectId: true }),
      orderKey: OrderKeySchema,
    })
    .strict(),
  z.object({ type: z.literal('update'), goalId: IdSchema, patch: GoalFieldsSchema.partial().strict() }).strict(),
  z.object({ type: z.literal('move'), goalId: IdSchema, orderKey: OrderKeySchema }).strict(),
  z.object({ type: z.literal('focus'), goalId: IdSchema }).strict(),
  z.object({ type: z.literal('delete'), goalId: IdSchema }).strict(),
  z.object({ type: z.literal('restore'), goalId: IdSchema }).strict(),
]);
/** A goal command. */
export type GoalCommand = z.infer<typeof GoalCommandSchema>;

/** goals:command — a command made during a session. */
export const GoalCommandPayloadSchema = z.object({ sessionId: IdSchema, command: GoalCommandSchema }).strict();
/** goals:subscribe — open a session's goals panel. */
export const GoalsSubscribeSchema = z.object({ sessionId: IdSchema }).strict();

/** A mentorship's goals at one version. */
export const GoalsStateSchema = z.object({
  mentorshipId: IdSchema,
  version: z.number().int().min(0),
  goals: z.array(GoalSchema),
});
/** Goals at a version. */
export type GoalsState = z.infer<typeof GoalsStateSchema>;

/** Ack of goals:subscribe: the goals, and the events of this and the previous session. */
export const GoalsSubscribeAckSchema = GoalsStateSchema.extend({
  readOnly: z.boolean(),
  /** Events made during this session. */
  sessionEvents: z.array(GoalEventSchema),
  /** Events of the previous session, to show what changed last time. */
  previousSessionEvents: z.array(GoalEventSchema),
  previousSessionId: IdSchema.nullable(),
});

/** goals:changed — broadcast after every command; versions only grow, one step per command. */
export const GoalsChangedSchema = z.object({
  mentorshipId: IdSchema,
  version: z.number().int().min(1),
  /** The goals this command touched, as they are now. */
  goals: z.array(GoalSchema),
  event: GoalEventSchema,
});
/** A change broadcast. */
export type GoalsChanged = z.infer<typeof GoalsChangedSchema>;
