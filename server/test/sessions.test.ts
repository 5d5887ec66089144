import { randomUUID } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, closeTestApps, createMentorship, createUser, signIn, TEST_LIVEKIT } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';

afterEach(closeTestApps);

function decodePayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('LiveKit tokens', () => {
  it('mints a join-only token for the mentor and the student with the right claims', async () => {
    const app = await buildTestApp({ LIVEKIT_PUBLIC_URL: 'wss://media.example.org', LIVEKIT_ICE_SERVERS: 'none' });
    const { mentor, student, session } = await createMentorship(app);
    const room = await app.db.selectFrom('sessions').select('room_name').where('id', '=', session.id).executeTakeFirstOrThrow();
    for (const person of [mentor, student]) {
      const cookie = await signIn(app, person);
      const before = Math.floor(Date.now() / 1000);
      const res = await app.inject({ method: 'POST', url: `/api/sessions/${session.id}/token`, headers: { origin: TEST_ORIGIN, cookie } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.url).toBe('wss://media.example.org');
      expect(body.roomName).toBe(room.room_name);
      expect(body.identity).toBe(person.id);
      expect(body.iceServers).toEqual([]);

      // Signed with our secret: a verifier with another secret must refuse it.
      const claims = await new TokenVerifier(TEST_LIVEKIT.key, TEST_LIVEKIT.secret).verify(body.token);
      await expect(new TokenVerifier(TEST_LIVEKIT.key, 'another-secret-of-at-least-32-characters').verify(body.token)).rejects.toThrow();
      expect(claims.sub).toBe(person.id);
      expect(claims.name).toBe(person.displayName);
      expect(claims.video).toMatchObject({ room: room.room_name, roomJoin: true, canPublish: true, canSubscribe: true });
      for (const grant of ['roomAdmin', 'roomCreate', 'roomList', 'roomRecord', 'ingressAdmin', 'hidden', 'recorder']) {
        expect(claims.video?.[grant as keyof typeof claims.video] ?? false).toBe(false);
      }
      const raw = decodePayload(body.token);
      const exp = Number(raw.exp);
      expect(exp - before).toBeGreaterThan(60);
      expect(exp - before).toBeLessThanOrEqual(15 * 60 + 1);
      expect(raw.iss).toBe(TEST_LIVEKIT.key);
    }
  });

  it('answers 401 when signed out', async () => {
    const app = await buildTestApp();
    const { session } = await createMentorship(app);
    const res = await app.inject({ method: 'POST', headers: { origin: TEST_ORIGIN }, url: `/api/sessions/${session.id}/token` });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('answers an outsider and the other pair the same 404 as a random id, and an admin 403, with no token', async () => {
    const app = await buildTestApp();
    const { session } = await createMentorship(app);
    const other = await createMentorship(app);
    const outsider = await createUser(app, 'student');
    const admin = await createUser(app, 'admin');
    const random = await app.inject({
      method: 'POST',
      url: `/api/sessions/${randomUUID()}/token`,
      headers: { origin: TEST_ORIGIN, cookie: await signIn(app, outsider) },
    });
    expect(random.statusCode).toBe(404);
    for (const person of [outsider, other.mentor, other.student]) {
      const cookie = await signIn(app, person);
      const res = await app.inject({ method: 'POST', url: `/api/sessions/${session.id}/token`, headers: { origin: TEST_ORIGIN, cookie } });
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: random.statusCode, body: random.json() });
    }
    // An admin may know the session exists, and still never joins the room.
    const res = await app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/token`,
      headers: { origin: TEST_ORIGIN, cookie: await signIn(app, admin) },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.stringMatching(/Only the mentor and the student/) } });
  });

  it('hides a session from non-members (404) and shows it to the pair and to an admin', async () => {
    const app = await buildTestApp();
    const { mentor, session, mentorshipId } = await createMentorship(app);
    const other = await createMentorship(app);
    const admin = await createUser(app, 'admin');
    const hidden = await app.inject({
      method: 'GET',
      url: `/api/sessions/${session.id}`,
      headers: { cookie: await signIn(app, other.mentor) },
    });
    expect(hidden.statusCode).toBe(404);
    const missing = await app.inject({
      method: 'GET',
      url: '/api/sessions/does-not-exist',
      headers: { cookie: await signIn(app, mentor) },
    });
    expect(missing.statusCode).toBe(404);
    const invalid = await app.inject({
      method: 'GET',
      url: `/api/sessions/${encodeURIComponent('../etc')}`,
      headers: { cookie: await signIn(app, mentor) },
    });
    expect(invalid.statusCode).toBe(400);
    for (const person of [mentor, admin]) {
      const res = await app.inject({ method: 'GET', url: `/api/sessions/${session.id}`, headers: { cookie: await signIn(app, person) } });
      expect(res.statusCode).toBe(200);
      expect(res.json().mentorship.id).toBe(mentorshipId);
      expect(res.json().session.status).toBe('scheduled');
    }
  });

  it('refuses a token for a session that is over', async () => {
    const app = await buildTestApp();
    const { mentor, session } = await createMentorship(app);
    await app.db
      .updateTable('sessions')
      .set({ status: 'ended', ended_at: new Date().toISOString() })
      .where('id', '=', session.id)
      .execute();
    const res = await app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/token`,
      headers: { origin: TEST_ORIGIN, cookie: await signIn(app, mentor) },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('SESSION_CLOSED');
  });
});

describe('dashboard', () => {
  it('shows each person only their own mentorships with the next session', async () => {
    const app = await buildTestApp();
    const a = await createMentorship(app);
    await createMentorship(app);
    const res = await app.inject({ method: 'GET', url: '/api/dashboard', headers: { cookie: await signIn(app, a.student) } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.mentorships).toHaveLength(1);
    expect(body.mentorships[0].mentorship.id).toBe(a.mentorshipId);
    expect(body.mentorships[0].mentorship.mentor.displayName).toBe(a.mentor.displayName);
    expect(body.mentorships[0].nextSession.id).toBe(a.session.id);
    expect(body.mentorships[0].pastSessions).toEqual([]);
  });
});
