import { z } from 'zod';

/** Limits shared by both ends so the client can say "too long" before the server does. */
export const Limits = {
  emailMax: 254,
  passwordMin: 8,
  passwordMax: 256,
  displayNameMax: 80,
  titleMax: 120,
  /** Largest JSON body the REST API accepts, in bytes. */
  httpBodyBytes: 64 * 1024,
} as const;

/** What a person does in the programme. */
export const RoleSchema = z.enum(['mentor', 'student', 'admin']);
/** One of mentor, student, admin. */
export type Role = z.infer<typeof RoleSchema>;

/** Identifiers are opaque strings (UUIDs today). */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'invalid id');

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** An IANA time zone, e.g. "Europe/Paris". */
export const TimeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, 'unknown IANA time zone');

/** The languages Tandem speaks (its pages and its emails). */
export const LocaleSchema = z.enum(['en', 'fr']);
/** en or fr. */
export type Locale = z.infer<typeof LocaleSchema>;
export const isLocale = (v: string): v is Locale => LocaleSchema.safeParse(v).success;

/** A signed-in person as the API returns them: never with a password hash. */
export const UserSchema = z.object({
  id: IdSchema,
  email: z.string().email().max(Limits.emailMax),
  displayName: z.string().min(1).max(Limits.displayNameMax),
  role: RoleSchema,
  locale: z.string().min(2).max(35),
  /** Where the person lives: their emails give times in it. */
  timeZone: z.string().min(1).max(64),
  /** Email reminders before each session (each can be turned off on the profile). */
  reminders: z.object({ dayBefore: z.boolean(), hourBefore: z.boolean() }),
});
/** A signed-in person. */
export type User = z.infer<typeof UserSchema>;

/** Someone else in a mentorship, as shown to the other side. */
export const PersonSchema = z.object({
  id: IdSchema,
  displayName: z.string(),
  /** Where they live (given with a mentorship's two people, so each sees the other's time too). */
  timeZone: z.string().optional(),
});
/** A participant's public face. */
export type Person = z.infer<typeof PersonSchema>;

/** When a mentorship meets each week, in the mentor's local time. */
export const WeeklySlotSchema = z.object({
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: z.number().int().min(1).max(7),
  /** Local wall-clock time, "HH:MM" (24 h). */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
  /** IANA time zone, e.g. "Europe/Berlin". */
  timeZone: TimeZoneSchema,
  durationMinutes: z.number().int().min(15).max(240),
});
/** A weekly slot. */
export type WeeklySlot = z.infer<typeof WeeklySlotSchema>;

/** The agenda a new session's note opens with: the weekly cycle of the programme. */
export const DEFAULT_NOTE_TEMPLATE: readonly string[] = ['Check-in', 'Project progress', 'New goals', 'Notes'];

/** A note template: the section headings a new session's note starts with. */
export const NoteTemplateSchema = z
  .array(z.string().trim().min(1, 'a section needs a title').max(80))
  .min(1, 'keep at least one section')
  .max(12);

/** The lifecycle of a mentorship. */
export const MentorshipStatusSchema = z.enum(['active', 'paused', 'ended']);

/** One mentor and one student following a learning path together. */
export const MentorshipSchema = z.object({
  id: IdSchema,
  title: z.string().min(1).max(Limits.titleMax),
  mentor: PersonSchema,
  student: PersonSchema,
  slot: WeeklySlotSchema,
  status: MentorshipStatusSchema,
  /** Section headings of each new session's note. */
  noteTemplate: NoteTemplateSchema,
});
/** A mentorship. */
export type Mentorship = z.infer<typeof MentorshipSchema>;

/** scheduled -> live -> ended, or cancelled / no_show. */
export const SessionStatusSchema = z.enum(['scheduled', 'live', 'ended', 'cancelled', 'no_show']);
/** The state of one weekly meeting. */
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/** Statuses after which a session is read-only. */
export const closedSessionStatuses: readonly SessionStatus[] = ['ended', 'cancelled', 'no_show'];

/** weekly (follows the slot) or extra (added between two weekly ones). */
export const SessionKindSchema = z.enum(['weekly', 'extra']);
/**
 * Why a session did not take place as planned: skipped (with a reason), cancelled more than
 * 24 h before, cancelled later, a no-show (detected from attendance), or something else.
 */
export const SessionOutcomeSchema = z.enum(['skipped', 'cancelled_early', 'cancelled_late', 'no_show', 'other']);
/** How a session that did not go as planned turned out. */
export type SessionOutcome = z.infer<typeof SessionOutcomeSchema>;

/** One weekly meeting of a mentorship. */
export const SessionSchema = z.object({
  id: IdSchema,
  mentorshipId: IdSchema,
  /** 1 for the first week, then 2, 3, ... */
  week: z.number().int().min(1),
  /** ISO 8601 instant. */
  scheduledAt: z.string().datetime({ offset: true }),
  durationMinutes: z.number().int().min(1),
  status: SessionStatusSchema,
  startedAt: z.string().datetime({ offset: true }).nullable(),
  endedAt: z.string().datetime({ offset: true }).nullable(),
  /** A weekly session follows the slot; an extra one was added between two weekly ones. */
  kind: SessionKindSchema,
  /** How it turned out when it did not take place as planned (null: as planned, or not yet). */
  outcome: SessionOutcomeSchema.nullable(),
  /** The reason given when it was skipped or cancelled. */
  outcomeReason: z.string().nullable(),
  /** Who did not come (no-show); null when nobody came or nobody is blamed. */
  absentUserId: IdSchema.nullable(),
});
/** A session. */
export type Session = z.infer<typeof SessionSchema>;

/** By default a session opens to join this many minutes before its time (SESSION_JOIN_WINDOW_MINUTES). */
export const JOIN_WINDOW_MINUTES = 15;

/** When a session scheduled at `scheduledAt` opens to join, `windowMinutes` before it. */
export function joinOpensAt(scheduledAt: string, windowMinutes: number): string {
  return new Date(Date.parse(scheduledAt) - windowMinutes * 60_000).toISOString();
}
