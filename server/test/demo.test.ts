import { demoAccount, demoAccounts } from '@tandem/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/db/demo.js';
import { buildTestApp, closeTestApps, signIn } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';

afterEach(closeTestApps);

describe('demo data', () => {
  it('creates the demo pair with a session now, and a second run keeps it', async () => {
    const app = await buildTestApp();
    const first = await seedDemo(app.db);
    const second = await seedDemo(app.db);
    expect(second.sessionId).toBe(first.sessionId);
    expect(await app.db.selectFrom('users').select('id').execute()).toHaveLength(demoAccounts.length);
    expect(await app.db.selectFrom('mentorships').select('id').execute()).toHaveLength(2);

    const mentor = demoAccount('mentor');
    const outsider = demoAccount('outsider');
    const mine = await app.inject({
      method: 'POST',
      url: `/api/sessions/${first.sessionId}/token`,
      headers: { origin: TEST_ORIGIN, cookie: await signIn(app, mentor) },
    });
    expect(mine.statusCode).toBe(200);
    const theirs = await app.inject({
      method: 'POST',
      url: `/api/sessions/${first.sessionId}/token`,
      headers: { origin: TEST_ORIGIN, cookie: await signIn(app, outsider) },
    });
    // Another pair's session: the same 404 as a session that does not exist.
    expect(theirs.statusCode).toBe(404);
  });
});
