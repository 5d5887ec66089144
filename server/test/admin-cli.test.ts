import { apiPath, ProgrammeRoute } from '@tandem/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/admin.js';
import { buildTestApp, closeTestApps, envOf } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await closeTestApps();
});

function captured() {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  return out;
}

describe('npm run admin -- create', () => {
  it('prints a one-time link that makes an administrator with that email and name', async () => {
    const app = await buildTestApp();
    const out = captured();
    const code = await main(['create', '--email', 'Boss@Example.test', '--name', 'Bea Boss'], {
      ...envOf(app),
      PUBLIC_ORIGIN: TEST_ORIGIN,
    });
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const link = /http:\/\/localhost:3000\/invite\/([\w-]{43})/.exec(out.join(''));
    expect(link, out.join('')).not.toBeNull();
    const token = link?.[1] ?? '';
    const info = await app.inject({ method: 'GET', url: apiPath(ProgrammeRoute.invitation, { token }) });
    expect(info.json()).toMatchObject({ kind: 'setup', role: 'admin', email: 'boss@example.test', displayName: 'Bea Boss' });
    const accepted = await app.inject({
      method: 'POST',
      url: apiPath(ProgrammeRoute.acceptInvitation, { token }),
      headers: { origin: TEST_ORIGIN },
      payload: { displayName: 'Bea Boss', password: 'bea-boss-password', timeZone: 'UTC', locale: 'en' },
    });
    expect(accepted.json().user).toMatchObject({ role: 'admin', email: 'boss@example.test' });

    // An email with an account, or a bad one, is refused with a message and a non-zero code.
    const again = captured();
    expect(await main(['create', '--email', 'boss@example.test', '--name', 'B'], envOf(app))).toBe(65);
    expect(await main(['create', '--email', 'nope', '--name', 'B'], envOf(app))).toBe(64);
    expect(await main(['delete'], envOf(app))).toBe(64);
    vi.restoreAllMocks();
    expect(again.join('')).toMatch(/has an account already/);
    expect(again.join('')).toMatch(/--email must be an email address/);
  });
});
