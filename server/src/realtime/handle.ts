import { ErrorCode, type Result, type User } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { accessTo } from '../access.js';
import type { TandemSocket } from './io.js';

/** A handler failed on our side: logged, and the sender (if it asked for an answer) is told so. */
function failed(app: FastifyInstance, socket: TandemSocket, reply: ((r: Result<never>) => void) | null, error: unknown): void {
  app.log.error({ err: error, userId: socket.data.user.id }, 'realtime handler failed');
  reply?.({ ok: false, error: { code: ErrorCode.Internal, message: 'Something went wrong on our side.' } });
}

/** Wraps a handler: the payload is parsed with its schema, every failure becomes a rejected ack, nothing throws. */
export function handle<S extends z.ZodType, T>(
  app: FastifyInstance,
  socket: TandemSocket,
  schema: S,
  run: (payload: z.infer<S>) => Promise<Result<T>>,
): (raw: unknown, ack?: unknown) => void {
  return (raw, ack) => {
    const reply = typeof ack === 'function' ? (ack as (r: Result<T>) => void) : () => {};
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      reply({
        ok: false,
        error: { code: ErrorCode.ValidationFailed, message: `${first?.path.join('.') || 'payload'}: ${first?.message ?? 'invalid'}` },
      });
      return;
    }
    run(parsed.data).then(reply, (error: unknown) => failed(app, socket, reply, error));
  };
}

/**
 * {@link handle} for the events of every keystroke: `fast` checks the envelope without a general
 * schema walk; only what it refuses is parsed with the schema, for the error message. `run` may
 * answer at once (a refusal, a caret) or later (an update, once durable): an answer at once is
 * sent without a promise in between (one less per keystroke).
 */
export function handleFast<S extends z.ZodType, T>(
  app: FastifyInstance,
  socket: TandemSocket,
  fast: (raw: unknown) => z.infer<S> | null,
  schema: S,
  run: (payload: z.infer<S>) => Result<T> | Promise<Result<T>>,
): (raw: unknown, ack?: unknown) => void {
  const slow = handle(app, socket, schema, async (payload: z.infer<S>) => run(payload));
  return (raw, ack) => {
    const payload = fast(raw);
    if (payload === null) return slow(raw, ack);
    const reply = typeof ack === 'function' ? (ack as (r: Result<T>) => void) : null;
    let answer: Result<T> | Promise<Result<T>>;
    try {
      answer = run(payload);
    } catch (error) {
      failed(app, socket, reply, error);
      return;
    }
    if (answer instanceof Promise)
      answer.then(
        (r) => reply?.(r),
        (error: unknown) => failed(app, socket, reply, error),
      );
    else reply?.(answer);
  };
}

/** The answer to anyone who may not know a session exists (or asks for one that does not). */
export const sessionNotFound = { ok: false as const, error: { code: ErrorCode.NotFound, message: 'This session was not found.' } };

/** The one access rule ({@link accessTo}) for a session's realtime data. */
export const sessionAccess = (app: FastifyInstance, user: User, sessionId: string) => accessTo(app.db, user, { sessionId });
