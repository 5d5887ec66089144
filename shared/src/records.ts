import { z } from 'zod';
import { IdSchema, MentorshipSchema, SessionSchema } from './domain.js';
import { GoalEventSchema, GoalSchema } from './goals.js';

/** One stretch of the transcript: who said what, when (ms from the session's start). */
export const TranscriptSegmentSchema = z.object({
  id: IdSchema,
  speakerId: IdSchema,
  speakerName: z.string(),
  startMs: z.number().int().min(0),
  endMs: z.number().int().min(0),
  text: z.string(),
  /** 'speech' from the transcriber, 'chat' for in-call messages on the same timeline. */
  kind: z.enum(['speech', 'chat']),
});
/** A transcript segment. */
export type TranscriptSegment = z.infer<typeof TranscriptSegmentSchema>;

/** Who was in the call, and for how long. */
export const AttendanceSchema = z.object({
  userId: IdSchema,
  displayName: z.string(),
  firstJoinedAt: z.string(),
  lastLeftAt: z.string().nullable(),
  seconds: z.number().int().min(0),
});
/** One person's attendance. */
export type Attendance = z.infer<typeof AttendanceSchema>;

/** GET /api/sessions/:id/record — the saved record of an ended session. */
export const SessionRecordSchema = z.object({
  session: SessionSchema,
  mentorship: MentorshipSchema,
  summary: z.string(),
  noteHtml: z.string(),
  noteMarkdown: z.string(),
  /** The goals as they stood when the session ended. */
  goals: z.array(GoalSchema),
  /** What was decided in this session. */
  goalEvents: z.array(GoalEventSchema),
  transcript: z.array(TranscriptSegmentSchema),
  attendance: z.array(AttendanceSchema),
  durationSeconds: z.number().int().min(0),
  finalisedAt: z.string(),
});
/** A session's saved record. */
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

/** POST /api/sessions/:id/end */
export const EndSessionResponseSchema = z.object({ session: SessionSchema, nextSession: SessionSchema.nullable() });

/** One line of a mentorship's history. */
export const HistoryEntrySchema = z.object({
  session: SessionSchema,
  durationSeconds: z.number().int().nullable(),
  attendees: z.array(z.string()),
  summary: z.string().nullable(),
});
/** GET /api/mentorships/:id/history — past sessions, newest first. */
export const HistoryResponseSchema = z.object({ mentorship: MentorshipSchema, sessions: z.array(HistoryEntrySchema) });
/** A mentorship's history. */
export type HistoryResponse = z.infer<typeof HistoryResponseSchema>;

/** GET /api/mentorships/:id/search?q= */
export const SearchQuerySchema = z.object({ q: z.string().trim().min(1, 'type something to search for').max(200) }).strict();
/** One search hit; `snippet` is HTML-escaped text with matches in <mark>. */
export const SearchHitSchema = z.object({
  sessionId: IdSchema,
  week: z.number().int(),
  scheduledAt: z.string(),
  kind: z.enum(['note', 'transcript']),
  snippet: z.string(),
});
/** Search results, best first. */
export const SearchResponseSchema = z.object({ query: z.string(), results: z.array(SearchHitSchema) });
/** Search results. */
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
