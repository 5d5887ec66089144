import { createHash, randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import cookie from '@fastify/cookie';
import { ApiRoute, ErrorCode, type User } from '@tandem/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ROUTE_COOKIE, routeKey } from '../cluster/route.js';
import { toUser } from '../db/users.js';
import { AppError, unauthenticated } from '../lib/errors.js';
import { isoIn, nowIso } from '../lib/time.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'tandem_session';
const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. Set before any route handler runs. */
    user: User | null;
  }
  interface FastifyInstance {
    auth: {
      /** Starts a server-side session and sets its cookie. */
      signIn(reply: FastifyReply, userId: string): Promise<void>;
      /** Cluster mode: (re)sets the routing cookie that puts a pair on one node (a pairing may have changed since sign-in). */
      route(reply: FastifyReply, userId: string): Promise<void>;
      /** Ends the request's session and clears its cookie. */
      signOut(request: FastifyRequest, reply: FastifyReply): Promise<void>;
      /** The user behind a raw cookie token. */
      userForToken(token: string | undefined): Promise<User | null>;
      /** The user and the stored id of the sign-in behind a raw cookie token (the socket handshake keeps both). */
      signInForToken(token: string | undefined): Promise<{ user: User; authSessionId: string } | null>;
      /**
       * Which of these sign-ins are still valid (one query per {@link SIGN_IN_READ_CHUNK}), each with
       * when the query that read it started (performance.now()): what it says holds from then on.
       */
      validSignIns(authSessionIds: string[]): Promise<Map<string, number>>;
      /** Ends every sign-in of a person but the request's own (a password change), closing their sockets. */
      endOtherSignIns(request: FastifyRequest, userId: string): Promise<void>;
      /** A preHandler hook that answers 401 when nobody is signed in. */
      requireUser(request: FastifyRequest): Promise<void>;
    };
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** How many sign-ins one query of `validSignIns` reads. */
const SIGN_IN_READ_CHUNK = 100;

/** The stored form of a session token. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface AuthOptions {
  /** Secure cookies when the public origin is https. */
  secureCookies: boolean;
  allowedOrigins: string[];
  /** Cluster mode: set the routing cookie (see cluster/route.ts) with the session's. */
  routeCookie: boolean;
}

/**
 * Cookie sessions: an opaque random token in an httpOnly, SameSite=Lax cookie;
 * only its hash is stored. State-changing requests from a foreign Origin are
 * refused as a second line against CSRF.
 */
export default fp<AuthOptions>(
  async (app, opts) => {
    await app.register(cookie);

    /** Sign-ins that still count: not ended, not expired, and their person not deactivated. */
    const liveSignIns = () =>
      app.db
        .selectFrom('auth_sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .where('s.expires_at', '>', nowIso())
        .where('u.status', '=', 'active');

    async function signInForToken(token: string | undefined): Promise<{ user: User; authSessionId: string } | null> {
      if (!token || token.length > 200) return null;
      const authSessionId = hashToken(token);
      const row = await liveSignIns().where('s.id', '=', authSessionId).selectAll('u').executeTakeFirst();
      return row ? { user: toUser(row), authSessionId } : null;
    }
    const userForToken = async (token: string | undefined) => (await signInForToken(token))?.user ?? null;

    app.decorateRequest('user', null);
    app.addHook('onRequest', async (request) => {
      // A state-changing request must say where it comes from, and come from here: a missing
      // Origin is refused like a foreign one (SameSite=Lax alone is not the only line).
      // LiveKit's webhooks are server-to-server and carry a signature instead.
      if (!SAFE_METHODS.has(request.method) && request.url.split('?')[0] !== ApiRoute.livekitWebhook) {
        const origin = request.headers.origin;
        if (!origin) throw new AppError(403, ErrorCode.BadOrigin, 'This request must carry an Origin header.');
        if (!opts.allowedOrigins.includes(origin)) throw new AppError(403, ErrorCode.BadOrigin, `Requests from ${origin} are not allowed.`);
      }
      request.user = await userForToken(request.cookies[SESSION_COOKIE]);
    });

    /** Where and how both cookies (the session's and, in cluster mode, the routing one) are set and cleared. */
    const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies } as const;
    const setForSession = { ...cookieOptions, maxAge: SESSION_TTL_MS / 1000 };

    async function route(reply: FastifyReply, userId: string): Promise<void> {
      if (opts.routeCookie) reply.setCookie(ROUTE_COOKIE, await routeKey(app.db, userId), setForSession);
    }

    app.decorate('auth', {
      userForToken,
      signInForToken,
      async validSignIns(authSessionIds) {
        const valid = new Map<string, number>();
        for (let i = 0; i < authSessionIds.length; i += SIGN_IN_READ_CHUNK) {
          // A turn of the loop between queries: on SQLite each runs on the main thread, and reading a
          // thousand connected sign-ins at once held every socket's events for milliseconds.
          if (i > 0) await setImmediate();
          // Each query's own time: on a busy node the turns between them add up to seconds, and
          // dating every answer by the first query made the last ones look that much older.
          const readAt = performance.now();
          const rows = await liveSignIns()
            .where('s.id', 'in', authSessionIds.slice(i, i + SIGN_IN_READ_CHUNK))
            .select('s.id')
            .execute();
          for (const r of rows) valid.set(r.id, readAt);
        }
        return valid;
      },
      async signIn(reply, userId) {
        const token = randomBytes(32).toString('base64url');
        await app.db
          .insertInto('auth_sessions')
          .values({ id: hashToken(token), user_id: userId, created_at: nowIso(), expires_at: isoIn(SESSION_TTL_MS) })
          .execute();
        reply.setCookie(SESSION_COOKIE, token, setForSession);
        await route(reply, userId);
      },
      route,
      async signOut(request, reply) {
        const token = request.cookies[SESSION_COOKIE];
        if (token) {
          const authSessionId = hashToken(token);
          await app.db.deleteFrom('auth_sessions').where('id', '=', authSessionId).execute();
          // The sockets opened with this sign-in close now, not when they next reconnect.
          app.realtime.signedOut(authSessionId);
        }
        reply.clearCookie(SESSION_COOKIE, cookieOptions);
        if (opts.routeCookie) reply.clearCookie(ROUTE_COOKIE, cookieOptions);
      },
      async endOtherSignIns(request, userId) {
        const token = request.cookies[SESSION_COOKIE];
        const keep = token ? hashToken(token) : '';
        const others = await app.db
          .selectFrom('auth_sessions')
          .select('id')
          .where('user_id', '=', userId)
          .where('id', '!=', keep)
          .execute();
        if (others.length === 0) return;
        await app.db.deleteFrom('auth_sessions').where('user_id', '=', userId).where('id', '!=', keep).execute();
        for (const { id } of others) app.realtime.signedOut(id);
      },
      async requireUser(request) {
        if (!request.user) throw unauthenticated();
      },
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
