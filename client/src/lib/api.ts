import {
  type AcceptInvitationBody,
  type ApiError,
  ApiRoute,
  AuditResponseSchema,
  apiPath,
  BriefSchema,
  type ChangePasswordBody,
  type CreatePairBody,
  DashboardResponseSchema,
  EndSessionResponseSchema,
  ErrorBodySchema,
  ErrorCode,
  type FeedbackBody,
  FeedbackResponseSchema,
  GoalQuoteRoute,
  GoalsStateSchema,
  GoalTimelineRoute,
  GoalTimelinesResponseSchema,
  HistoryResponseSchema,
  InvitationInfoSchema,
  InvitationsResponseSchema,
  type InviteBody,
  MentorshipResponseSchema,
  MeResponseSchema,
  MessageSchema,
  MoveSchema,
  type NewProjectBody,
  type NoteTemplateBody,
  OutboxResponseSchema,
  PairResponseSchema,
  PairsResponseSchema,
  type PeopleQuery,
  PeopleResponseSchema,
  PrivateNoteResponseSchema,
  type ProfileBody,
  ProgrammeRoute,
  ProgressResponseSchema,
  ProgressRoute,
  ProjectRoute,
  ProjectsResponseSchema,
  type ProposeMoveBody,
  type ReportBody,
  ReportResponseSchema,
  ReportRoute,
  type Result,
  type ReviewBody,
  ScheduleResponseSchema,
  SearchResponseSchema,
  SessionDetailResponseSchema,
  type SessionOutcome,
  SessionRecordSchema,
  SessionSchema,
  SessionTokenResponseSchema,
  type SignInBody,
  SignInOptionsSchema,
  SubmissionSchema,
  type SubmitBody,
  ThreadResponseSchema,
  type WeeklySlot,
  WeekResponseSchema,
  WeekRoute,
} from '@tandem/shared';
import { z } from 'zod';
import { i18n } from '../i18n/index.js';

/**
 * The REST adapter: every answer is parsed with its shared schema, every
 * failure comes back as a coded Result, never as a throw.
 */
async function request<S extends z.ZodType>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  path: string,
  schema: S | null,
  body?: unknown,
): Promise<Result<z.infer<S>>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    return { ok: false, error: { code: ErrorCode.Internal, message: i18n.t('errors.unreachable') } };
  }
  const json: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = ErrorBodySchema.safeParse(json);
    const error: ApiError = parsed.success
      ? parsed.data.error
      : { code: ErrorCode.Internal, message: i18n.t('errors.unexpected', { status: res.status }) };
    return { ok: false, error };
  }
  if (!schema) return { ok: true, data: null as z.infer<S> };
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      error: { code: ErrorCode.Internal, message: i18n.t('errors.notUnderstood') },
    };
  return { ok: true, data: parsed.data };
}

const SessionOnlySchema = z.object({ session: SessionSchema });
const MoveResultSchema = z.object({ move: MoveSchema.nullable(), session: SessionSchema });

export const api = {
  me: () => request('GET', ApiRoute.me, MeResponseSchema),
  signIn: (body: SignInBody) => request('POST', ApiRoute.signIn, MeResponseSchema, body),
  signOut: () => request('POST', ApiRoute.signOut, null),
  dashboard: () => request('GET', ApiRoute.dashboard, DashboardResponseSchema),
  session: (id: string) => request('GET', apiPath(ApiRoute.session, { id }), SessionDetailResponseSchema),
  sessionToken: (id: string) => request('POST', apiPath(ApiRoute.sessionToken, { id }), SessionTokenResponseSchema),
  goals: (mentorshipId: string) => request('GET', apiPath(ApiRoute.goals, { id: mentorshipId }), GoalsStateSchema),
  endSession: (id: string) => request('POST', apiPath(ApiRoute.endSession, { id }), EndSessionResponseSchema),
  cancelSession: (id: string, reason: string) => request('POST', apiPath(ApiRoute.cancelSession, { id }), SessionOnlySchema, { reason }),
  record: (id: string) => request('GET', apiPath(ApiRoute.sessionRecord, { id }), SessionRecordSchema),
  history: (mentorshipId: string) => request('GET', apiPath(ApiRoute.history, { id: mentorshipId }), HistoryResponseSchema),
  search: (mentorshipId: string, q: string) =>
    request('GET', `${apiPath(ApiRoute.search, { id: mentorshipId })}?${new URLSearchParams({ q })}`, SearchResponseSchema),
  setNoteTemplate: (mentorshipId: string, body: NoteTemplateBody) =>
    request('PUT', apiPath(ApiRoute.noteTemplate, { id: mentorshipId }), MentorshipResponseSchema, body),

  // The programme around the call.
  signInOptions: () => request('GET', ProgrammeRoute.signInOptions, SignInOptionsSchema),
  invitation: (token: string) => request('GET', apiPath(ProgrammeRoute.invitation, { token }), InvitationInfoSchema),
  acceptInvitation: (token: string, body: AcceptInvitationBody) =>
    request('POST', apiPath(ProgrammeRoute.acceptInvitation, { token }), MeResponseSchema, body),
  forgotPassword: (email: string) => request('POST', ProgrammeRoute.forgotPassword, null, { email }),
  resetPassword: (token: string, password: string) => request('POST', ProgrammeRoute.resetPassword, null, { token, password }),
  updateProfile: (body: ProfileBody) => request('PATCH', ProgrammeRoute.profile, MeResponseSchema, body),
  changePassword: (body: ChangePasswordBody) => request('POST', ProgrammeRoute.password, null, body),
  people: (query: PeopleQuery) =>
    request(
      'GET',
      `${ProgrammeRoute.people}?${new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])))}`,
      PeopleResponseSchema,
    ),
  deactivate: (id: string) => request('POST', apiPath(ProgrammeRoute.deactivate, { id }), null),
  reactivate: (id: string) => request('POST', apiPath(ProgrammeRoute.reactivate, { id }), null),
  invitations: () => request('GET', ProgrammeRoute.invitations, InvitationsResponseSchema),
  invite: (body: InviteBody) => request('POST', ProgrammeRoute.invitations, null, body),
  resendInvitation: (id: string) => request('POST', apiPath(ProgrammeRoute.resendInvitation, { id }), null),
  revokeInvitation: (id: string) => request('POST', apiPath(ProgrammeRoute.revokeInvitation, { id }), null),
  pairs: () => request('GET', ProgrammeRoute.pairs, PairsResponseSchema),
  createPair: (body: CreatePairBody) => request('POST', ProgrammeRoute.pairs, PairResponseSchema, body),
  changeSlot: (id: string, slot: WeeklySlot) => request('PATCH', apiPath(ProgrammeRoute.pairSlot, { id }), PairResponseSchema, { slot }),
  setPairStatus: (id: string, action: 'pause' | 'resume' | 'end') =>
    request('POST', apiPath(ProgrammeRoute.pairStatus, { id }), PairResponseSchema, { action }),
  reassign: (id: string, mentorId: string) => request('POST', apiPath(ProgrammeRoute.reassign, { id }), PairResponseSchema, { mentorId }),
  week: () => request('GET', ProgrammeRoute.week, WeekResponseSchema),
  outbox: () => request('GET', ProgrammeRoute.outbox, OutboxResponseSchema),
  audit: () => request('GET', ProgrammeRoute.audit, AuditResponseSchema),
  // The week between calls.
  proposeMove: (sessionId: string, body: ProposeMoveBody) =>
    request('POST', apiPath(WeekRoute.moves, { id: sessionId }), MoveResultSchema, body),
  decideMove: (moveId: string, decision: 'accept' | 'decline' | 'withdraw') =>
    request('POST', apiPath(WeekRoute.moveDecision, { id: moveId }), MoveResultSchema, { decision }),
  skipSession: (id: string, reason: string) => request('POST', apiPath(WeekRoute.skip, { id }), SessionOnlySchema, { reason }),
  correctOutcome: (id: string, outcome: SessionOutcome | null, absentUserId: string | null = null) =>
    request('PUT', apiPath(WeekRoute.outcome, { id }), SessionOnlySchema, { outcome, absentUserId }),
  extraSession: (mentorshipId: string, at: string, durationMinutes: number) =>
    request('POST', apiPath(WeekRoute.extra, { id: mentorshipId }), SessionOnlySchema, { at, durationMinutes }),
  schedule: (mentorshipId: string) => request('GET', apiPath(WeekRoute.schedule, { id: mentorshipId }), ScheduleResponseSchema),
  brief: (sessionId: string) => request('GET', apiPath(WeekRoute.brief, { id: sessionId }), BriefSchema),
  messages: (mentorshipId: string, before?: string) =>
    request(
      'GET',
      `${apiPath(WeekRoute.messages, { id: mentorshipId })}${before ? `?${new URLSearchParams({ before })}` : ''}`,
      ThreadResponseSchema,
    ),
  sendMessage: (mentorshipId: string, body: string) =>
    request('POST', apiPath(WeekRoute.messages, { id: mentorshipId }), z.object({ message: MessageSchema }), { body }),
  // Projects of the path.
  projects: (mentorshipId: string) => request('GET', apiPath(ProjectRoute.projects, { id: mentorshipId }), ProjectsResponseSchema),
  createProject: (mentorshipId: string, body: NewProjectBody) =>
    request('POST', apiPath(ProjectRoute.projects, { id: mentorshipId }), ProjectsResponseSchema, body),
  projectsFromTemplate: (mentorshipId: string) =>
    request('POST', apiPath(ProjectRoute.fromTemplate, { id: mentorshipId }), ProjectsResponseSchema, {}),
  submitProject: (projectId: string, body: SubmitBody) =>
    request('POST', apiPath(ProjectRoute.submissions, { id: projectId }), z.object({ submission: SubmissionSchema }), body),
  reviewSubmission: (submissionId: string, body: ReviewBody) =>
    request('POST', apiPath(ProjectRoute.review, { id: submissionId }), z.object({ submission: SubmissionSchema }), body),
  goalTimelines: (mentorshipId: string) => request('GET', apiPath(GoalTimelineRoute, { id: mentorshipId }), GoalTimelinesResponseSchema),
  progress: (mentorshipId: string) => request('GET', apiPath(ProgressRoute, { id: mentorshipId }), ProgressResponseSchema),
  quoteToGoal: (goalId: string, segmentId: string) =>
    request('POST', apiPath(GoalQuoteRoute, { id: goalId }), z.object({ quoted: z.literal(true) }), { segmentId }),
  privateNote: (mentorshipId: string) => request('GET', apiPath(ApiRoute.privateNote, { id: mentorshipId }), PrivateNoteResponseSchema),
  // After a session.
  report: (sessionId: string) => request('GET', apiPath(ReportRoute.report, { id: sessionId }), ReportResponseSchema),
  saveReport: (sessionId: string, body: ReportBody) =>
    request('PUT', apiPath(ReportRoute.report, { id: sessionId }), ReportResponseSchema, body),
  feedback: (sessionId: string) => request('GET', apiPath(ReportRoute.feedback, { id: sessionId }), FeedbackResponseSchema),
  saveFeedback: (sessionId: string, body: FeedbackBody) =>
    request('PUT', apiPath(ReportRoute.feedback, { id: sessionId }), FeedbackResponseSchema, body),
  markRead: (mentorshipId: string, until: string) =>
    request('POST', apiPath(WeekRoute.messagesRead, { id: mentorshipId }), z.object({ until: z.string().nullable() }), { until }),
};
