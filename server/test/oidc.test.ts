import { ProgrammeRoute } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, closeTestApps, createUser, signIn } from './helpers.js';
import { startOidcProvider } from './oidcProvider.js';
import { TEST_ORIGIN } from './origin.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await closeTestApps();
  await Promise.all(closers.splice(0).map((c) => c()));
});

const redirectUri = `${TEST_ORIGIN}${ProgrammeRoute.oidcCallback}`;

async function setUp(env: Record<string, string> = {}) {
  const op = await startOidcProvider(redirectUri);
  closers.push(op.close);
  const app = await buildTestApp({
    OIDC_ISSUER: op.issuer,
    OIDC_CLIENT_ID: op.client_id,
    OIDC_CLIENT_SECRET: op.client_secret,
    OIDC_NAME: 'Example Org',
    ...env,
  });
  return { app, op };
}

const cookieValue = (setCookie: string | string[] | undefined, name: string) => {
  for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const [pair] = c.split(';');
    if (pair?.startsWith(`${name}=`)) return pair.slice(name.length + 1);
  }
  return null;
};

/** A browser at the provider: follows its redirects with its own cookies until it sends the person back to Tandem. */
async function throughProvider(authorizeUrl: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = authorizeUrl;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`provider stopped at ${url}: ${res.status} ${await res.text()}`);
    const next = new URL(location, url);
    if (next.href.startsWith(redirectUri)) return next;
    url = next.href;
  }
  throw new Error('too many redirects at the provider');
}

/** Starts the organisation's sign-in in Tandem; returns the flow cookie and where the provider sends the person back. */
async function start(app: FastifyInstance) {
  const res = await app.inject({ method: 'GET', url: ProgrammeRoute.oidcStart });
  expect(res.statusCode).toBe(302);
  const flow = cookieValue(res.headers['set-cookie'], 'tandem_oidc');
  expect(flow).toBeTruthy();
  const authorize = new URL(String(res.headers.location));
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toBeTruthy();
  expect(authorize.searchParams.get('nonce')).toBeTruthy();
  return { flow: flow ?? '', authorize: authorize.href };
}

function callback(app: FastifyInstance, back: URL, flow: string) {
  return app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { cookie: `tandem_oidc=${flow}` } });
}

describe('sign-in with the organisation (OpenID Connect against a real provider)', () => {
  it('offers it on the sign-in page, and signs in an existing account matched by its verified email', async () => {
    const { app, op } = await setUp();
    expect((await app.inject({ method: 'GET', url: ProgrammeRoute.signInOptions })).json()).toEqual({
      password: true,
      oidc: { name: 'Example Org' },
    });
    const user = await createUser(app, 'mentor');
    op.signInAs({ email: user.email.toUpperCase(), emailVerified: true });
    const { flow, authorize } = await start(app);
    const res = await callback(app, await throughProvider(authorize), flow);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    const session = cookieValue(res.headers['set-cookie'], 'tandem_session');
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `tandem_session=${session}` } });
    expect(me.json().user.id).toBe(user.id);
  });

  it('makes the account of a pending invitation with its role, and refuses an uninvited or unverified email', async () => {
    const { app, op } = await setUp();
    const admin = await createUser(app, 'admin');
    const cookie = await signIn(app, admin);
    await app.inject({
      method: 'POST',
      url: ProgrammeRoute.invitations,
      headers: { origin: TEST_ORIGIN, cookie },
      payload: { email: 'invited@example.test', displayName: 'Ivy Invited', role: 'student' },
    });

    op.signInAs({ email: 'invited@example.test', emailVerified: false });
    let { flow, authorize } = await start(app);
    let res = await callback(app, await throughProvider(authorize), flow);
    expect(res.headers.location).toBe('/sign-in?error=OIDC_UNVERIFIED');
    expect(cookieValue(res.headers['set-cookie'], 'tandem_session')).toBeNull();

    op.signInAs({ email: 'stranger@example.test', emailVerified: true });
    ({ flow, authorize } = await start(app));
    res = await callback(app, await throughProvider(authorize), flow);
    expect(res.headers.location).toBe('/sign-in?error=OIDC_NOT_INVITED');
    expect(cookieValue(res.headers['set-cookie'], 'tandem_session')).toBeNull();
    expect(await app.db.selectFrom('users').select('id').where('email', '=', 'stranger@example.test').executeTakeFirst()).toBeUndefined();

    op.signInAs({ email: 'invited@example.test', emailVerified: true });
    ({ flow, authorize } = await start(app));
    res = await callback(app, await throughProvider(authorize), flow);
    expect(res.headers.location).toBe('/');
    const created = await app.db.selectFrom('users').selectAll().where('email', '=', 'invited@example.test').executeTakeFirstOrThrow();
    expect(created).toMatchObject({ role: 'student', display_name: 'Ivy Invited', status: 'active' });
    const invitation = await app.db
      .selectFrom('invitations')
      .selectAll()
      .where('email', '=', 'invited@example.test')
      .executeTakeFirstOrThrow();
    expect(invitation.accepted_user_id).toBe(created.id);
  });

  it('refuses a callback whose state or nonce does not match the sign-in this browser started', async () => {
    const { app, op } = await setUp();
    const user = await createUser(app, 'student');
    op.signInAs({ email: user.email, emailVerified: true });

    // Wrong state: the person comes back from a sign-in started elsewhere (another flow's cookie).
    const first = await start(app);
    const second = await start(app);
    const back = await throughProvider(first.authorize);
    let res = await callback(app, back, second.flow);
    expect(res.headers.location).toBe('/sign-in?error=OIDC_FLOW');
    expect(cookieValue(res.headers['set-cookie'], 'tandem_session')).toBeNull();

    // Wrong nonce: this flow's state and verifier, another nonce.
    const third = await start(app);
    const mine = JSON.parse(Buffer.from(third.flow, 'base64url').toString()) as Record<string, string>;
    const forged = Buffer.from(JSON.stringify({ ...mine, nonce: 'not-the-nonce-that-was-sent' })).toString('base64url');
    res = await callback(app, await throughProvider(third.authorize), forged);
    expect(res.headers.location).toBe('/sign-in?error=OIDC_FLOW');
    expect(cookieValue(res.headers['set-cookie'], 'tandem_session')).toBeNull();

    // No flow at all, and a garbage cookie.
    res = await callback(app, back, 'garbage');
    expect(res.headers.location).toBe('/sign-in?error=OIDC_FLOW');
    expect(await app.db.selectFrom('auth_sessions').select('id').execute()).toHaveLength(0);
  });

  it('with password sign-in switched off, only the organisation signs people in', async () => {
    const { app } = await setUp({ PASSWORD_SIGNIN: 'false' });
    const user = await createUser(app, 'mentor');
    expect((await app.inject({ method: 'GET', url: ProgrammeRoute.signInOptions })).json().password).toBe(false);
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { origin: TEST_ORIGIN },
      payload: { email: user.email, password: user.password },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('PASSWORD_SIGNIN_OFF');
  });
});
