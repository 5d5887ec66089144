import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, closeTestApps, createUser, signIn, signInIdOf } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';

afterEach(closeTestApps);

function cookieOf(headers: Record<string, unknown>): string {
  const raw = headers['set-cookie'];
  return String(Array.isArray(raw) ? raw[0] : raw);
}

describe('sign-in, sessions and cookies', () => {
  it('signs in with the right password and sets an httpOnly SameSite cookie, not Secure on http', async () => {
    const app = await buildTestApp();
    const user = await createUser(app, 'mentor');
    const res = await app.inject({
      method: 'POST',
      headers: { origin: TEST_ORIGIN },
      url: '/api/auth/sign-in',
      payload: { email: user.email.toUpperCase(), password: user.password },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        role: 'mentor',
        locale: 'en',
        timeZone: 'UTC',
        reminders: { dayBefore: true, hourBefore: true },
      },
    });
    expect(res.body).not.toMatch(/scrypt|password/i);
    const cookie = cookieOf(res.headers);
    expect(cookie).toMatch(/^tandem_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    // One process, no load balancer: no routing cookie (cluster mode's, see cluster.test.ts).
    expect(res.cookies.map((c) => c.name)).toEqual(['tandem_session']);
  });

  it('marks the cookie Secure when served over https', async () => {
    const app = await buildTestApp({ PUBLIC_ORIGIN: 'https://tandem.example.org' });
    const user = await createUser(app, 'student');
    const res = await app.inject({
      method: 'POST',
      headers: { origin: 'https://tandem.example.org' },
      url: '/api/auth/sign-in',
      payload: { email: user.email, password: user.password },
    });
    expect(cookieOf(res.headers)).toMatch(/; Secure/i);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const app = await buildTestApp();
    const user = await createUser(app, 'mentor');
    const wrong = await app.inject({
      method: 'POST',
      headers: { origin: TEST_ORIGIN },
      url: '/api/auth/sign-in',
      payload: { email: user.email, password: 'nope' },
    });
    const unknown = await app.inject({
      method: 'POST',
      headers: { origin: TEST_ORIGIN },
      url: '/api/auth/sign-in',
      payload: { email: 'ghost@example.test', password: 'nope' },
    });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'Wrong email or password.' } });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('answers 400 with a code for a malformed body, and 413 for an oversized one', async () => {
    const app = await buildTestApp();
    const bad = await app.inject({
      method: 'POST',
      headers: { origin: TEST_ORIGIN },
      url: '/api/auth/sign-in',
      payload: { email: 'not-an-email', password: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect(bad.json().error.message).toMatch(/email/);
    const extra = await app.inject({
      method: 'POST',
      headers: { origin: TEST_ORIGIN },
      url: '/api/auth/sign-in',
      payload: { email: 'a@b.test', password: 'x', role: 'admin' },
    });
    expect(extra.statusCode).toBe(400);
    const huge = await app.inject({
      method: 'POST',
      headers: { origin: TEST_ORIGIN },
      url: '/api/auth/sign-in',
      payload: { email: 'a@b.test', password: 'x'.repeat(100_000) },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const garbage = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { origin: TEST_ORIGIN, 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(garbage.statusCode).toBe(400);
  });

  it('reads many sign-ins again in small queries, giving the event loop a turn between them, each dated by its own query', async () => {
    const app = await buildTestApp();
    const live = async (role: 'student' | 'mentor') => signInIdOf(await signIn(app, await createUser(app, role)));
    const first = await live('student');
    const last = await live('mentor');
    // The realtime sweep's call: every connected sign-in, here 348 unknown ones between two live ones.
    const ids = [first, ...Array.from({ length: 348 }, (_, i) => `gone-${i}`), last];
    let turns = 0;
    let reading = true;
    const turn = () => {
      if (!reading) return;
      turns += 1;
      setImmediate(turn);
    };
    setImmediate(turn);
    const before = performance.now();
    const valid = await app.auth.validSignIns(ids);
    const after = performance.now();
    reading = false;
    expect([...valid.keys()]).toEqual([first, last]);
    // Four queries of at most 100 ids, with a turn of the loop (other sockets' events) between them:
    // on SQLite a query runs on the main thread, and one sweep for a thousand sockets was a stall.
    expect(turns).toBeGreaterThanOrEqual(3);
    // Each answer holds from its own query's start: the last query's, turns later, not the first's.
    const firstAt = valid.get(first) ?? Number.NaN;
    const lastAt = valid.get(last) ?? Number.NaN;
    expect(firstAt).toBeGreaterThanOrEqual(before);
    expect(lastAt).toBeGreaterThan(firstAt);
    expect(lastAt).toBeLessThanOrEqual(after);
  });

  it('rate-limits sign-in attempts', async () => {
    const app = await buildTestApp({}, { signIn: { signInMax: 3, signInWindowMs: 60_000 } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        method: 'POST',
        headers: { origin: TEST_ORIGIN },
        url: '/api/auth/sign-in',
        payload: { email: 'a@b.test', password: 'guess' },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    const last = await app.inject({
      method: 'POST',
      headers: { origin: TEST_ORIGIN },
      url: '/api/auth/sign-in',
      payload: { email: 'A@b.test', password: 'guess' },
    });
    expect(last.json().error.code).toBe('RATE_LIMITED');
    // Another account from the same address is not locked out by these attempts.
    const other = await app.inject({
      method: 'POST',
      headers: { origin: TEST_ORIGIN },
      url: '/api/auth/sign-in',
      payload: { email: 'c@d.test', password: 'guess' },
    });
    expect(other.statusCode).toBe(401);
  });

  it('answers 401 when signed out, and sign-out ends the session', async () => {
    const app = await buildTestApp();
    expect((await app.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/dashboard' })).json().error.code).toBe('UNAUTHENTICATED');
    const user = await createUser(app, 'student');
    const cookie = await signIn(app, user);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json().user.id).toBe(user.id);
    const out = await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { origin: TEST_ORIGIN, cookie } });
    expect(out.statusCode).toBe(204);
    expect(cookieOf(out.headers)).toMatch(/tandem_session=;/);
    // The old cookie no longer works even if a client kept it.
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: 'tandem_session=forged' } })).statusCode).toBe(401);
  });

  it('refuses state-changing requests from a foreign origin', async () => {
    const app = await buildTestApp();
    const user = await createUser(app, 'mentor');
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { origin: 'https://evil.example' },
      payload: { email: user.email, password: user.password },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('BAD_ORIGIN');
    const same = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { origin: 'http://localhost:3000' },
      payload: { email: user.email, password: user.password },
    });
    expect(same.statusCode).toBe(200);
  });
});
