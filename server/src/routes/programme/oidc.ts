import { randomBytes } from 'node:crypto';
import { ErrorCode, ProgrammeRoute } from '@tandem/shared';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import * as client from 'openid-client';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { findUserByEmail, insertUser } from '../../db/users.js';
import { limitRoutes } from '../../lib/limits.js';
import { hashPassword } from '../../lib/password.js';
import { nowIso } from '../../lib/time.js';
import { audit } from '../../programme/audit.js';
import { pending } from '../../programme/invitations.js';

const FLOW_COOKIE = 'tandem_oidc';
const FLOW_TTL_S = 600;

/** What the browser carries between the start and the callback: only the server reads it (httpOnly). */
const FlowSchema = z.object({ state: z.string().max(100), nonce: z.string().max(100), verifier: z.string().max(200) }).strict();

/**
 * "Sign in with <organisation>": authorization code + PKCE (openid-client). A person is
 * matched by a verified email to an account, or to a pending invitation (the account is made
 * from it, with the invitation's role); anyone else is refused, never created.
 */
const oidcRoutes: FastifyPluginAsync<{ oidc: NonNullable<Config['oidc']> }> = async (app, { oidc }) => {
  await limitRoutes(app, 'oidc', 30);
  const redirectUri = `${app.publicOrigin}${ProgrammeRoute.oidcCallback}`;
  const secure = app.publicOrigin.startsWith('https://');
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    const issuer = new URL(oidc.issuer);
    discovered ??= client
      .discovery(issuer, oidc.clientId, oidc.clientSecret, undefined, {
        // An issuer on plain http is allowed only on loopback (tests, a local provider).
        execute: ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname) ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = null;
        throw error;
      });
    return discovered;
  };

  const refuse = (reply: FastifyReply, code: string, why: string) => {
    app.log.info({ code, why }, 'organisation sign-in refused');
    reply.clearCookie(FLOW_COOKIE, { path: ProgrammeRoute.oidcCallback });
    return reply.redirect(`/sign-in?error=${encodeURIComponent(code)}`);
  };

  app.get(ProgrammeRoute.oidcStart, async (_request, reply) => {
    const config = await configuration();
    const flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    reply.setCookie(FLOW_COOKIE, Buffer.from(JSON.stringify(flow)).toString('base64url'), {
      path: ProgrammeRoute.oidcCallback,
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: FLOW_TTL_S,
    });
    return reply.redirect(url.href);
  });

  app.get(ProgrammeRoute.oidcCallback, async (request, reply) => {
    let flow: z.infer<typeof FlowSchema>;
    try {
      flow = FlowSchema.parse(JSON.parse(Buffer.from(request.cookies[FLOW_COOKIE] ?? '', 'base64url').toString('utf8')));
    } catch {
      return refuse(reply, 'OIDC_FLOW', 'no sign-in under way in this browser');
    }
    let claims: Record<string, unknown> | undefined;
    try {
      const config = await configuration();
      const current = new URL(request.url, app.publicOrigin);
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new Error('no ID token');
      claims = { ...idToken };
      // Many providers put the email only in the UserInfo answer (scope claims), not in the ID token.
      if (typeof idToken.email !== 'string') claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)) };
    } catch (error) {
      return refuse(reply, 'OIDC_FLOW', error instanceof Error ? error.message : String(error));
    }
    const email = typeof claims?.email === 'string' ? claims.email.toLowerCase() : '';
    if (!email || claims?.email_verified !== true) return refuse(reply, 'OIDC_UNVERIFIED', `email ${email || '(none)'} not verified`);

    let user = await findUserByEmail(app.db, email);
    if (!user) {
      const invitation = await app.db
        .selectFrom('invitations')
        .selectAll()
        .where('email', '=', email)
        .where('kind', '=', 'invite')
        .where(pending)
        .where('expires_at', '>', nowIso())
        .executeTakeFirst();
      if (!invitation) return refuse(reply, 'OIDC_NOT_INVITED', `${email} has no account and no invitation`);
      // No password: this person signs in with the organisation (or sets one by "forgot password").
      const unusable = await hashPassword(randomBytes(32).toString('base64url'));
      await app.db.transaction().execute(async (trx) => {
        const created = await insertUser(trx, {
          email,
          displayName: invitation.display_name ?? (typeof claims?.name === 'string' ? claims.name.slice(0, 80) : email),
          role: invitation.role,
          passwordHash: unusable,
        });
        await trx
          .updateTable('invitations')
          .set({ accepted_at: nowIso(), accepted_user_id: created.id })
          .where('id', '=', invitation.id)
          .execute();
        await audit(trx, created.id, 'invitation.accepted', email, { role: invitation.role, via: 'oidc' });
      });
      user = await findUserByEmail(app.db, email);
    }
    if (!user) return refuse(reply, 'OIDC_NOT_INVITED', 'account vanished');
    if (user.status !== 'active') return refuse(reply, ErrorCode.AccountDeactivated, `${email} is deactivated`);
    reply.clearCookie(FLOW_COOKIE, { path: ProgrammeRoute.oidcCallback });
    await app.auth.signIn(reply, user.id);
    return reply.redirect('/');
  });
};

export default oidcRoutes;
