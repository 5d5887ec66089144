import { z } from 'zod';
import {
  IdSchema,
  Limits,
  LocaleSchema,
  MentorshipSchema,
  RoleSchema,
  SessionSchema,
  TimeZoneSchema,
  UserSchema,
  WeeklySlotSchema,
} from './domain.js';

/** The routes of the programme around the call: people, invitations, pairs, mail, sign-in links. */
export const ProgrammeRoute = {
  /** Public: what a sign-in page offers (password, the organisation's sign-in). */
  signInOptions: '/api/auth/options',
  /** Public: what an invitation or set-up link is, before it is used. */
  invitation: '/api/invitations/:token',
  acceptInvitation: '/api/invitations/:token/accept',
  forgotPassword: '/api/auth/forgot',
  resetPassword: '/api/auth/reset',
  oidcStart: '/api/auth/oidc/start',
  oidcCallback: '/api/auth/oidc/callback',
  profile: '/api/profile',
  password: '/api/profile/password',
  people: '/api/admin/people',
  deactivate: '/api/admin/people/:id/deactivate',
  reactivate: '/api/admin/people/:id/reactivate',
  invitations: '/api/admin/invitations',
  resendInvitation: '/api/admin/invitations/:id/resend',
  revokeInvitation: '/api/admin/invitations/:id/revoke',
  pairs: '/api/admin/mentorships',
  pairSlot: '/api/admin/mentorships/:id/slot',
  pairStatus: '/api/admin/mentorships/:id/status',
  reassign: '/api/admin/mentorships/:id/reassign',
  week: '/api/admin/week',
  outbox: '/api/admin/outbox',
  audit: '/api/admin/audit',
} as const;

/** A password as the rules want it (the same for sign-up, reset and change). */
export const NewPasswordSchema = z
  .string()
  .min(Limits.passwordMin, `use at least ${Limits.passwordMin} characters`)
  .max(Limits.passwordMax);

const EmailSchema = z.string().trim().toLowerCase().email('enter a valid email address').max(Limits.emailMax);
const NameSchema = z.string().trim().min(1, 'enter a name').max(Limits.displayNameMax);

/** A token carried by a link: 256 random bits, base64url (43 characters). */
export const LinkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a valid link');
export const TokenParamsSchema = z.object({ token: LinkTokenSchema }).strict();

/** GET /api/auth/options */
export const SignInOptionsSchema = z.object({
  password: z.boolean(),
  /** The organisation's sign-in, by its name, when configured. */
  oidc: z.object({ name: z.string() }).nullable(),
});
export type SignInOptions = z.infer<typeof SignInOptionsSchema>;

/** GET /api/invitations/:token — what the link is for (its state is answered as an error when not usable). */
export const InvitationInfoSchema = z.object({
  kind: z.enum(['invite', 'setup']),
  role: RoleSchema,
  /** Null on a set-up link printed without an email: the person types it. */
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  expiresAt: z.string(),
});
export type InvitationInfo = z.infer<typeof InvitationInfoSchema>;

/** POST /api/invitations/:token/accept — the role is the invitation's, never the body's. */
export const AcceptInvitationBodySchema = z
  .object({
    displayName: NameSchema,
    password: NewPasswordSchema,
    timeZone: TimeZoneSchema,
    locale: LocaleSchema,
    /** Only for a set-up link without an email. */
    email: EmailSchema.optional(),
  })
  .strict();
export type AcceptInvitationBody = z.infer<typeof AcceptInvitationBodySchema>;

/** POST /api/auth/forgot */
export const ForgotPasswordBodySchema = z.object({ email: EmailSchema }).strict();
/** POST /api/auth/reset */
export const ResetPasswordBodySchema = z.object({ token: LinkTokenSchema, password: NewPasswordSchema }).strict();

/** PATCH /api/profile */
export const ProfileBodySchema = z
  .object({
    displayName: NameSchema,
    timeZone: TimeZoneSchema,
    locale: LocaleSchema,
    reminders: z.object({ dayBefore: z.boolean(), hourBefore: z.boolean() }).strict(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'change at least one thing');
export type ProfileBody = z.infer<typeof ProfileBodySchema>;

/** POST /api/profile/password — signs out every other device. */
export const ChangePasswordBodySchema = z
  .object({ currentPassword: z.string().min(1, 'enter your current password').max(Limits.passwordMax), newPassword: NewPasswordSchema })
  .strict();
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>;

export const PersonStatusSchema = z.enum(['active', 'deactivated']);

/** A person as programme staff see them. */
export const PersonRowSchema = UserSchema.extend({
  status: PersonStatusSchema,
  createdAt: z.string(),
  /** Active mentorships this person is in. */
  activePairs: z.number().int(),
});
export type PersonRow = z.infer<typeof PersonRowSchema>;

/** GET /api/admin/people?q=&role=&status= */
export const PeopleQuerySchema = z
  .object({
    q: z.string().trim().max(100).optional(),
    role: RoleSchema.optional(),
    status: PersonStatusSchema.optional(),
  })
  .strict();
export type PeopleQuery = z.infer<typeof PeopleQuerySchema>;
export const PeopleResponseSchema = z.object({ people: z.array(PersonRowSchema) });
export type PeopleResponse = z.infer<typeof PeopleResponseSchema>;

/** POST /api/admin/invitations — staff invite mentors and students (and other staff). */
export const InviteBodySchema = z.object({ email: EmailSchema, displayName: NameSchema, role: RoleSchema }).strict();
export type InviteBody = z.infer<typeof InviteBodySchema>;

export const InvitationStateSchema = z.enum(['pending', 'accepted', 'revoked', 'expired']);
export const InvitationRowSchema = z.object({
  id: IdSchema,
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  role: RoleSchema,
  state: InvitationStateSchema,
  invitedBy: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type InvitationRow = z.infer<typeof InvitationRowSchema>;
export const InvitationsResponseSchema = z.object({ invitations: z.array(InvitationRowSchema) });
export type InvitationsResponse = z.infer<typeof InvitationsResponseSchema>;

/** Route params naming a person, an invitation or a mentorship. */
export const IdParamsSchema = z.object({ id: IdSchema }).strict();

/** POST /api/admin/mentorships — the first session is booked at the next slot. */
export const CreatePairBodySchema = z
  .object({
    mentorId: IdSchema,
    studentId: IdSchema,
    title: z.string().trim().min(1, 'enter the learning path').max(Limits.titleMax),
    slot: WeeklySlotSchema,
  })
  .strict();
export type CreatePairBody = z.infer<typeof CreatePairBodySchema>;

/** PATCH /api/admin/mentorships/:id/slot — future sessions move, past ones stay. */
export const PairSlotBodySchema = z.object({ slot: WeeklySlotSchema }).strict();
/** POST /api/admin/mentorships/:id/status */
export const PairStatusBodySchema = z.object({ action: z.enum(['pause', 'resume', 'end']) }).strict();
/** POST /api/admin/mentorships/:id/reassign — a new mentorship with another mentor; open goals move. */
export const ReassignBodySchema = z.object({ mentorId: IdSchema }).strict();

/** A pair as programme staff see it. */
export const PairRowSchema = z.object({
  mentorship: MentorshipSchema,
  nextSession: SessionSchema.nullable(),
  sessionsHeld: z.number().int(),
  createdAt: z.string(),
});
export type PairRow = z.infer<typeof PairRowSchema>;
export const PairsResponseSchema = z.object({ pairs: z.array(PairRowSchema) });
export type PairsResponse = z.infer<typeof PairsResponseSchema>;
export const PairResponseSchema = z.object({ pair: PairRowSchema });
export type PairResponse = z.infer<typeof PairResponseSchema>;

/** GET /api/admin/week — what happens this week. */
export const WeekResponseSchema = z.object({
  today: z.array(z.object({ session: SessionSchema, mentorship: MentorshipSchema })),
  noShows: z.array(z.object({ session: SessionSchema, mentorship: MentorshipSchema })),
  unbooked: z.array(MentorshipSchema),
});
export type WeekResponse = z.infer<typeof WeekResponseSchema>;

export const MailRowSchema = z.object({
  id: IdSchema,
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  purpose: z.string(),
  /** queued (waiting or retrying), sent (over SMTP), kept (no SMTP: shown here), failed (gave up). */
  status: z.enum(['queued', 'sending', 'sent', 'kept', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type MailRow = z.infer<typeof MailRowSchema>;
export const OutboxResponseSchema = z.object({ mail: z.array(MailRowSchema), smtp: z.boolean() });
export type OutboxResponse = z.infer<typeof OutboxResponseSchema>;

export const AuditRowSchema = z.object({
  id: IdSchema,
  actor: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.string(),
  createdAt: z.string(),
});
export type AuditRow = z.infer<typeof AuditRowSchema>;
export const AuditResponseSchema = z.object({ entries: z.array(AuditRowSchema) });
export type AuditResponse = z.infer<typeof AuditResponseSchema>;
