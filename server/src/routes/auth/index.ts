import rateLimit from '@fastify/rate-limit';
import { ApiRoute, ErrorCode, type MeResponse, SignInBodySchema } from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { findUserByEmail, toUser } from '../../db/users.js';
import { AppError } from '../../lib/errors.js';
import { rateLimitStore } from '../../lib/limits.js';
import { dummyHash, verifyPassword } from '../../lib/password.js';

export interface AuthRoutesOptions {
  /** Sign-in attempts allowed per client address and window. */
  signInMax: number;
  signInWindowMs: number;
  /** False: only the organisation's sign-in is offered. */
  passwordSignIn: boolean;
}

const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, opts) => {
  await app.register(rateLimit, { global: false, ...rateLimitStore(app, 'auth') });

  app.post(
    ApiRoute.signIn,
    {
      config: {
        rateLimit: {
          max: opts.signInMax,
          timeWindow: opts.signInWindowMs,
          // Per address AND account: guessing one person's password is slowed down without
          // locking out everyone behind the same address (a school, an office, a test run).
          hook: 'preHandler',
          keyGenerator: (req) => {
            const body = req.body as { email?: unknown } | undefined;
            const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase().slice(0, 254) : '';
            return `${req.ip}|${email}`;
          },
          errorResponseBuilder: (_req, ctx) => ({
            statusCode: 429,
            message: `Too many sign-in attempts. Try again in ${Math.ceil(ctx.ttl / 1000)} seconds.`,
          }),
        },
      },
    },
    async (request, reply): Promise<MeResponse> => {
      if (!opts.passwordSignIn)
        throw new AppError(
          403,
          ErrorCode.PasswordSignInOff,
          'Password sign-in is switched off here: sign in with your organisation instead.',
        );
      const body = SignInBodySchema.parse(request.body);
      const row = await findUserByEmail(app.db, body.email);
      // Verify against a dummy hash for unknown emails so timing does not reveal who has an account.
      const valid = await verifyPassword(body.password, row?.password_hash ?? (await dummyHash()));
      if (!row || !valid) throw new AppError(401, ErrorCode.InvalidCredentials, 'Wrong email or password.');
      if (row.status !== 'active')
        throw new AppError(
          403,
          ErrorCode.AccountDeactivated,
          'This account has been deactivated. Contact the programme staff if you think this is a mistake.',
        );
      await app.auth.signIn(reply, row.id);
      return { user: toUser(row) };
    },
  );

  app.post(ApiRoute.signOut, async (request, reply) => {
    await app.auth.signOut(request, reply);
    return reply.status(204).send();
  });

  app.get(ApiRoute.me, { preHandler: app.auth.requireUser }, async (request, reply): Promise<MeResponse> => {
    if (!request.user) throw new Error('unreachable: requireUser ran');
    // The app asks this before it opens its realtime connection: a pairing made since sign-in counts.
    await app.auth.route(reply, request.user.id);
    return { user: request.user };
  });
};

export default authRoutes;
