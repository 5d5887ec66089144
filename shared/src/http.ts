import { z } from 'zod';
import { IdSchema, Limits, MentorshipSchema, NoteTemplateSchema, SessionSchema, UserSchema } from './domain.js';
import { ProjectStatusSchema } from './projects.js';
import { MoveSchema } from './week.js';

/** Every REST route in one place: the server registers these, the client fills them with {@link apiPath}. */
export const ApiRoute = {
  health: '/api/health',
  signIn: '/api/auth/sign-in',
  signOut: '/api/auth/sign-out',
  me: '/api/auth/me',
  dashboard: '/api/dashboard',
  session: '/api/sessions/:id',
  sessionToken: '/api/sessions/:id/token',
  noteTemplate: '/api/mentorships/:id/note-template',
  goals: '/api/mentorships/:id/goals',
  endSession: '/api/sessions/:id/end',
  cancelSession: '/api/sessions/:id/cancel',
  sessionRecord: '/api/sessions/:id/record',
  sessionExport: '/api/sessions/:id/export.md',
  history: '/api/mentorships/:id/history',
  search: '/api/mentorships/:id/search',
  mentorshipExport: '/api/mentorships/:id/export.md',
  calendar: '/api/mentorships/:id/calendar.ics',
  /** The mentor's private note, rendered (its mentor; staff only when the programme allows). */
  privateNote: '/api/mentorships/:id/private-note',
  livekitWebhook: '/api/livekit/webhook',
} as const;

/** GET {@link ApiRoute.privateNote}: the private note as it stands, to read. */
export const PrivateNoteResponseSchema = z.object({
  html: z.string(),
  empty: z.boolean(),
  updatedAt: z.string().nullable(),
  /** `write`: the mentor (edits it live); `read`: staff, or the mentor once the mentorship ended. */
  access: z.enum(['write', 'read']),
});
export type PrivateNoteResponse = z.infer<typeof PrivateNoteResponseSchema>;

/** Fills a route's `:name` parameters, URL-encoded. Throws on a missing parameter. */
export function apiPath(route: string, params: Record<string, string> = {}): string {
  return route.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing route parameter ${name} for ${route}`);
    return encodeURIComponent(value);
  });
}

/** POST /api/auth/sign-in */
export const SignInBodySchema = z
  .object({
    email: z.string().trim().toLowerCase().email('enter a valid email address').max(Limits.emailMax),
    password: z.string().min(1, 'enter your password').max(Limits.passwordMax),
  })
  .strict();
/** Sign-in form. */
export type SignInBody = z.infer<typeof SignInBodySchema>;

/** Answer of sign-in and of GET /api/auth/me. */
export const MeResponseSchema = z.object({ user: UserSchema });
/** The current user. */
export type MeResponse = z.infer<typeof MeResponseSchema>;

/** Route params naming a session. */
export const SessionParamsSchema = z.object({ id: IdSchema }).strict();

/** A mentorship as one participant sees it on the dashboard. */
export const DashboardMentorshipSchema = z.object({
  mentorship: MentorshipSchema,
  /** The next session that is not over yet, if any. */
  nextSession: SessionSchema.nullable(),
  /** Ended, cancelled and no-show sessions, newest first. */
  pastSessions: z.array(SessionSchema),
  /** Messages from the other person not read yet. */
  unread: z.number().int(),
  /** Proposals to move a session, waiting for an answer. */
  pendingMoves: z.array(MoveSchema),
  /** The project the pair works on (the first not approved yet), and how many are approved. */
  projects: z.object({
    current: z.object({ id: IdSchema, title: z.string(), status: ProjectStatusSchema, dueDate: z.string().nullable() }).nullable(),
    approved: z.number().int(),
    total: z.number().int(),
  }),
});
/** One card of the dashboard. */
export type DashboardMentorship = z.infer<typeof DashboardMentorshipSchema>;

/** GET /api/dashboard */
export const DashboardResponseSchema = z.object({
  mentorships: z.array(DashboardMentorshipSchema),
});
/** The dashboard. */
export type DashboardResponse = z.infer<typeof DashboardResponseSchema>;

/** GET /api/sessions/:id */
export const SessionDetailResponseSchema = z.object({
  session: SessionSchema,
  mentorship: MentorshipSchema,
  /** When the call opens to join (a window before the session's time); earlier, the token route refuses. */
  joinOpensAt: z.string(),
});
/** One session with its mentorship. */
export type SessionDetailResponse = z.infer<typeof SessionDetailResponseSchema>;

/** An ICE server the browser should use for WebRTC. */
export const IceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

/** POST /api/sessions/:id/token: a short-lived LiveKit access token. */
export const SessionTokenResponseSchema = z.object({
  /** The LiveKit signalling URL the browser connects to. */
  url: z.string().url(),
  token: z.string().min(1),
  roomName: z.string().min(1),
  identity: IdSchema,
  /** ISO instant after which the token can no longer be used to join. */
  expiresAt: z.string().datetime({ offset: true }),
  /**
   * When set, the browser uses exactly these ICE servers instead of the ones
   * LiveKit proposes (an empty list on a loopback-only LiveKit).
   */
  iceServers: z.array(IceServerSchema).optional(),
});
/** A LiveKit token answer. */
export type SessionTokenResponse = z.infer<typeof SessionTokenResponseSchema>;

/**
 * What a node says of itself: ready (200), or not (503) because it is draining, its database does
 * not answer, or (cluster mode) its Redis does not.
 */
export const HealthStatusSchema = z.enum(['ready', 'draining', 'database_unavailable', 'redis_unavailable']);
/** GET /api/health — what a load balancer asks each node. */
export const HealthResponseSchema = z.object({ ok: z.boolean(), version: z.string(), status: HealthStatusSchema });
/** A node's health answer. */
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** Route params naming a mentorship. */
export const MentorshipParamsSchema = z.object({ id: IdSchema }).strict();

/** PUT /api/mentorships/:id/note-template (mentor only); answers the updated mentorship. */
export const NoteTemplateBodySchema = z.object({ sections: NoteTemplateSchema }).strict();
/** A new note template. */
export type NoteTemplateBody = z.infer<typeof NoteTemplateBodySchema>;
export const MentorshipResponseSchema = z.object({ mentorship: MentorshipSchema });
