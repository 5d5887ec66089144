import {
  type ApiError,
  ApiRoute,
  apiPath,
  DashboardResponseSchema,
  EndSessionResponseSchema,
  ErrorBodySchema,
  ErrorCode,
  GoalsStateSchema,
  HistoryResponseSchema,
  MentorshipResponseSchema,
  MeResponseSchema,
  type NoteTemplateBody,
  type Result,
  SearchResponseSchema,
  SessionDetailResponseSchema,
  SessionRecordSchema,
  SessionTokenResponseSchema,
  type SignInBody,
} from '@tandem/shared';
import type { z } from 'zod';
import { i18n } from '../i18n/index.js';

/**
 * The REST adapter: every answer is parsed with its shared schema, every
 * failure comes back as a coded Result, never as a throw.
 */
async function request<S extends z.ZodType>(
  method: 'GET' | 'POST' | 'PUT',
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

export const api = {
  me: () => request('GET', ApiRoute.me, MeResponseSchema),
  signIn: (body: SignInBody) => request('POST', ApiRoute.signIn, MeResponseSchema, body),
  signOut: () => request('POST', ApiRoute.signOut, null),
  dashboard: () => request('GET', ApiRoute.dashboard, DashboardResponseSchema),
  session: (id: string) => request('GET', apiPath(ApiRoute.session, { id }), SessionDetailResponseSchema),
  sessionToken: (id: string) => request('POST', apiPath(ApiRoute.sessionToken, { id }), SessionTokenResponseSchema),
  goals: (mentorshipId: string) => request('GET', apiPath(ApiRoute.goals, { id: mentorshipId }), GoalsStateSchema),
  endSession: (id: string) => request('POST', apiPath(ApiRoute.endSession, { id }), EndSessionResponseSchema),
  cancelSession: (id: string, status: 'cancelled' | 'no_show') =>
    request('POST', apiPath(ApiRoute.cancelSession, { id }), SessionDetailResponseSchema.pick({ session: true }), { status }),
  record: (id: string) => request('GET', apiPath(ApiRoute.sessionRecord, { id }), SessionRecordSchema),
  history: (mentorshipId: string) => request('GET', apiPath(ApiRoute.history, { id: mentorshipId }), HistoryResponseSchema),
  search: (mentorshipId: string, q: string) =>
    request('GET', `${apiPath(ApiRoute.search, { id: mentorshipId })}?${new URLSearchParams({ q })}`, SearchResponseSchema),
  setNoteTemplate: (mentorshipId: string, body: NoteTemplateBody) =>
    request('PUT', apiPath(ApiRoute.noteTemplate, { id: mentorshipId }), MentorshipResponseSchema, body),
};
