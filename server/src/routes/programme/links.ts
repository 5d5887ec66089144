import {
  AcceptInvitationBodySchema,
  ForgotPasswordBodySchema,
  type InvitationInfo,
  type MeResponse,
  ProgrammeRoute,
  ResetPasswordBodySchema,
  type SignInOptions,
  TokenParamsSchema,
} from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { limitRoutes } from '../../lib/limits.js';
import { acceptInvitation, invitationInfo, usableInvitation } from '../../programme/invitations.js';
import { requestPasswordReset, resetPassword } from '../../programme/passwords.js';

export interface LinkRoutesOptions {
  passwordSignIn: boolean;
  oidcName: string | null;
  /** "Forgot password" requests per address and email, per window. */
  forgotMax: number;
}

/** What a visitor can do with a link: set up the first admin, accept an invitation, reset a password. */
const linkRoutes: FastifyPluginAsync<LinkRoutesOptions> = async (app, opts) => {
  // Links are 256-bit: the limit is against floods, not guessing.
  await limitRoutes(app, 'links', 30);

  app.get(
    ProgrammeRoute.signInOptions,
    async (): Promise<SignInOptions> => ({
      password: opts.passwordSignIn,
      oidc: opts.oidcName ? { name: opts.oidcName } : null,
    }),
  );

  app.get(ProgrammeRoute.invitation, async (request): Promise<InvitationInfo> => {
    const { token } = TokenParamsSchema.parse(request.params);
    return invitationInfo(await usableInvitation(app.db, token));
  });

  app.post(ProgrammeRoute.acceptInvitation, async (request, reply): Promise<MeResponse> => {
    const { token } = TokenParamsSchema.parse(request.params);
    const body = AcceptInvitationBodySchema.parse(request.body);
    const user = await acceptInvitation(app.db, token, body);
    await app.auth.signIn(reply, user.id);
    return { user };
  });

  app.post(
    ProgrammeRoute.forgotPassword,
    {
      config: {
        rateLimit: {
          max: opts.forgotMax,
          timeWindow: 15 * 60_000,
          keyGenerator: (req) => {
            const body = req.body as { email?: unknown } | undefined;
            return `${req.ip}|${typeof body?.email === 'string' ? body.email.trim().toLowerCase().slice(0, 254) : ''}`;
          },
        },
      },
    },
    async (request, reply) => {
      const { email } = ForgotPasswordBodySchema.parse(request.body);
      await requestPasswordReset(app.db, app.publicOrigin, email);
      app.mail.kick();
      // The same answer whether or not the email has an account.
      return reply.status(202).send({ ok: true });
    },
  );

  app.post(ProgrammeRoute.resetPassword, async (request, reply) => {
    const body = ResetPasswordBodySchema.parse(request.body);
    const userId = await resetPassword(app.db, body.token, body.password);
    app.realtime.userRevoked(userId);
    await app.auth.signIn(reply, userId);
    return reply.status(204).send();
  });
};

export default linkRoutes;
