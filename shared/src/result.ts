import { z } from 'zod';
import { ErrorCode } from './errors.js';

/** The error half of every fallible answer: a stable code and a human message. */
export const ApiErrorSchema = z.object({
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
});
/** A coded error, as sent over HTTP (`{ error }`) and in socket acks. */
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** The body of every 4xx/5xx HTTP answer. */
export const ErrorBodySchema = z.object({ error: ApiErrorSchema });

/** A fallible result: never a thrown string. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** Builds a successful {@link Result}. */
export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

/** Builds a failed {@link Result}. */
export function err<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}
