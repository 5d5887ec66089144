import { z } from 'zod';
import { IdSchema, MentorshipSchema, PersonSchema, SessionOutcomeSchema, SessionSchema } from './domain.js';

/** The week between calls: moving, skipping, adding and cancelling sessions; messages; the brief. */
export const WeekRoute = {
  /** POST: propose a new time for one session (the mentor may move it directly). */
  moves: '/api/sessions/:id/moves',
  /** POST: the other person accepts or declines; the proposer withdraws. */
  moveDecision: '/api/moves/:id',
  /** POST: skip this week's session, with a reason. */
  skip: '/api/sessions/:id/skip',
  /** PUT: the mentor corrects how a session turned out (e.g. a no-show that was a connection problem). */
  outcome: '/api/sessions/:id/outcome',
  /** GET: the "Since last week" brief at the top of a session's note. */
  brief: '/api/sessions/:id/brief',
  /** POST: an extra session between two weekly ones (the mentor). */
  extra: '/api/mentorships/:id/sessions',
  /** GET: sessions to come, proposals waiting, and how past sessions turned out. */
  schedule: '/api/mentorships/:id/schedule',
  /** GET (older with ?before=) and POST: the pair's conversation. */
  messages: '/api/mentorships/:id/messages',
  /** POST: everything up to a message has been read. */
  messagesRead: '/api/mentorships/:id/messages/read',
} as const;

/** Longest message between sessions, in characters (the in-call chat has the same limit). */
export const MESSAGE_MAX = 2000;
const ReasonSchema = z.string().trim().min(1, 'say why').max(500);
const InstantSchema = z.string().datetime({ offset: true });

/** POST /api/sessions/:id/moves */
export const ProposeMoveBodySchema = z
  .object({
    to: InstantSchema,
    message: z.string().trim().max(500).default(''),
    /** The mentor moves it without asking (the student may only propose). */
    direct: z.boolean().default(false),
  })
  .strict();
export type ProposeMoveBody = z.input<typeof ProposeMoveBodySchema>;

export const MoveStatusSchema = z.enum(['pending', 'accepted', 'declined', 'withdrawn', 'superseded']);

/** A proposal to move one session. */
export const MoveSchema = z.object({
  id: IdSchema,
  sessionId: IdSchema,
  proposedBy: PersonSchema,
  from: InstantSchema,
  to: InstantSchema,
  message: z.string(),
  status: MoveStatusSchema,
  createdAt: InstantSchema,
  decidedAt: InstantSchema.nullable(),
});
export type Move = z.infer<typeof MoveSchema>;

/** POST /api/moves/:id */
export const MoveDecisionBodySchema = z.object({ decision: z.enum(['accept', 'decline', 'withdraw']) }).strict();

/** POST /api/sessions/:id/skip and /cancel */
export const ReasonBodySchema = z.object({ reason: ReasonSchema }).strict();

/** PUT /api/sessions/:id/outcome (the mentor): null = it took place as planned. */
export const OutcomeBodySchema = z
  .object({ outcome: SessionOutcomeSchema.nullable(), absentUserId: IdSchema.nullable().default(null) })
  .strict();

/** POST /api/mentorships/:id/sessions */
export const ExtraSessionBodySchema = z.object({ at: InstantSchema, durationMinutes: z.number().int().min(15).max(240) }).strict();

/** Counts of sessions that did not take place as planned, by outcome. */
export const OutcomeCountsSchema = z.record(SessionOutcomeSchema, z.number().int());
export type OutcomeCounts = z.infer<typeof OutcomeCountsSchema>;

/** GET /api/mentorships/:id/schedule */
export const ScheduleResponseSchema = z.object({
  /** Sessions not over yet, soonest first. */
  upcoming: z.array(SessionSchema),
  /** Proposals waiting for an answer. */
  pendingMoves: z.array(MoveSchema),
  /** Past proposals, newest first (the last few). */
  recentMoves: z.array(MoveSchema),
  outcomes: OutcomeCountsSchema,
});
export type ScheduleResponse = z.infer<typeof ScheduleResponseSchema>;

/** One message of a pair's conversation (typed between sessions, or in a call's chat). */
export const MessageSchema = z.object({
  id: IdSchema,
  mentorshipId: IdSchema,
  author: PersonSchema,
  body: z.string(),
  /** Sent in this session's call (its chat), else null. */
  sessionId: IdSchema.nullable(),
  sessionWeek: z.number().int().nullable(),
  createdAt: InstantSchema,
});
export type Message = z.infer<typeof MessageSchema>;

/** POST /api/mentorships/:id/messages */
export const SendMessageBodySchema = z
  .object({ body: z.string().trim().min(1, 'write a message').max(MESSAGE_MAX, `at most ${MESSAGE_MAX} characters`) })
  .strict();

/** GET /api/mentorships/:id/messages?before= */
export const MessagesQuerySchema = z.object({ before: InstantSchema.optional() }).strict();

/** GET /api/mentorships/:id/messages */
export const ThreadResponseSchema = z.object({
  mentorship: MentorshipSchema,
  /** Oldest first. */
  messages: z.array(MessageSchema),
  /** True when older messages exist (ask with ?before= the first one's time). */
  hasMore: z.boolean(),
  /** How far each person has read (a message's createdAt), by user id. */
  readUntil: z.record(z.string(), InstantSchema.nullable()),
});
export type ThreadResponse = z.infer<typeof ThreadResponseSchema>;

/** POST /api/mentorships/:id/messages/read */
export const ReadBodySchema = z.object({ until: InstantSchema }).strict();

/** Told over Socket.IO to both people of the pair. */
export const MessageNewSchema = z.object({ message: MessageSchema });
export const MessageReadSchema = z.object({ mentorshipId: IdSchema, userId: IdSchema, until: InstantSchema });

/** One line of the brief. */
export const BriefGoalChangeSchema = z.object({
  goalId: IdSchema,
  title: z.string(),
  kind: z.string(),
  by: z.string(),
  at: InstantSchema,
  /** What changed, e.g. status from open to done. */
  detail: z.string(),
});

/** GET /api/sessions/:id/brief: what happened since the last session, built from what is stored. */
export const BriefSchema = z.object({
  sessionId: IdSchema,
  /** The session it looks back to, if any. */
  since: z.object({ sessionId: IdSchema, week: z.number().int(), scheduledAt: InstantSchema }).nullable(),
  goalChanges: z.array(BriefGoalChangeSchema),
  focus: z.object({ goalId: IdSchema, title: z.string(), weeksCarried: z.number().int() }).nullable(),
  /** For the mentor only: the focus goal has been carried three weeks or more. */
  nudge: z.boolean(),
  /** Last session's to-do items left unchecked (carried into this note's check-in section). */
  openTodos: z.array(z.string()),
  messages: z.object({ count: z.number().int(), last: z.array(MessageSchema) }),
  /** Sessions moved, skipped or cancelled since. */
  changes: z.array(
    z.object({ kind: z.enum(['moved', 'skipped', 'cancelled', 'no_show', 'extra']), at: InstantSchema, detail: z.string() }),
  ),
  /** Frozen when the call started; until then it is rebuilt on every read. */
  frozenAt: InstantSchema.nullable(),
});
export type Brief = z.infer<typeof BriefSchema>;

/** Route params naming a move proposal. */
export const MoveParamsSchema = z.object({ id: IdSchema }).strict();
