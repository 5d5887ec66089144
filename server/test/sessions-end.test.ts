import { createHash, randomUUID } from 'node:crypto';
import { ServerEvent } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { AccessToken } from 'livekit-server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildTestApp, closeTestApps, createMentorship, createUser, signIn, TEST_LIVEKIT } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';
import { listen, newGoalsClient, newNoteClient, until } from './realtime.js';

const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await closeTestApps();
});

/** Types into the first empty paragraph (under the first agenda heading). */
function write(doc: Y.Doc, text: string) {
  const para = doc.getXmlFragment('default').get(1) as Y.XmlElement;
  const t = new Y.XmlText();
  para.insert(0, [t]);
  t.insert(0, text);
}

async function signedWebhook(body: object, secret = TEST_LIVEKIT.secret) {
  const raw = JSON.stringify(body);
  const at = new AccessToken(TEST_LIVEKIT.key, secret);
  at.sha256 = createHash('sha256').update(raw).digest('base64');
  return { raw, auth: await at.toJwt() };
}

async function postWebhook(app: FastifyInstance, body: object, options: { secret?: string; tamper?: boolean } = {}) {
  const { raw, auth } = await signedWebhook(body, options.secret);
  return app.inject({
    method: 'POST',
    url: '/api/livekit/webhook',
    headers: { origin: TEST_ORIGIN, 'content-type': 'application/webhook+json', authorization: auth },
    payload: options.tamper ? raw.replace('participant_joined', 'participant_left') : raw,
  });
}

async function roomOf(app: FastifyInstance, sessionId: string) {
  return (await app.db.selectFrom('sessions').select('room_name').where('id', '=', sessionId).executeTakeFirstOrThrow()).room_name;
}

const event = (kind: string, room: string, participant?: { sid: string; identity: string }, at = Math.floor(Date.now() / 1000)) => ({
  id: `EV_${randomUUID()}`,
  event: kind,
  room: { name: room, sid: 'RM_1' },
  ...(participant ? { participant } : {}),
  createdAt: String(at),
});

describe('ending a session', () => {
  it('saves notes and goals in one record, freezes them, tells both clients and schedules next week', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const cookies = { mentor: await signIn(app, pair.mentor), student: await signIn(app, pair.student) };
    const note = await newNoteClient(url, cookies.student, pair.session.id);
    const goals = await newGoalsClient(url, cookies.mentor, pair.session.id);
    closers.push(note.close, goals.close);
    await until(() => note.sync.allSaved, 'note synced');
    write(note.doc, 'Finished the landing page');
    const made = await goals.sync.run({ type: 'create', goalId: randomUUID(), fields: { title: 'Add form validation' }, orderKey: 'V' });
    expect(made.ok).toBe(true);
    await until(() => note.sync.allSaved, 'note saved');
    const endedEvents: string[] = [];
    note.socket.on(ServerEvent.sessionEnded.name, (p) => endedEvents.push(p.sessionId));

    const byStudent = await app.inject({
      method: 'POST',
      url: `/api/sessions/${pair.session.id}/end`,
      headers: { origin: TEST_ORIGIN, cookie: cookies.student },
    });
    expect(byStudent.statusCode).toBe(403);
    const outsider = await createUser(app, 'mentor');
    const byOutsider = await app.inject({
      method: 'POST',
      url: `/api/sessions/${pair.session.id}/end`,
      headers: { origin: TEST_ORIGIN, cookie: await signIn(app, outsider) },
    });
    expect(byOutsider.statusCode).toBe(404);

    const res = await app.inject({
      method: 'POST',
      url: `/api/sessions/${pair.session.id}/end`,
      headers: { origin: TEST_ORIGIN, cookie: cookies.mentor },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.session.status).toBe('ended');
    expect(body.nextSession).toMatchObject({ week: 2, status: 'scheduled' });
    // Tuesday 18:00 Berlin, at least a day away.
    const next = new Date(body.nextSession.scheduledAt);
    expect(next.getTime() - Date.now()).toBeGreaterThan(24 * 3600 * 1000);
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(next),
    ).toBe('Tue 18:00');
    await until(() => endedEvents.length === 1, 'session:ended received');

    const record = await app.inject({
      method: 'GET',
      url: `/api/sessions/${pair.session.id}/record`,
      headers: { cookie: cookies.student },
    });
    expect(record.statusCode).toBe(200);
    const r = record.json();
    expect(r.noteHtml).toContain('<p>Finished the landing page</p>');
    expect(r.noteMarkdown).toContain('Finished the landing page');
    expect(r.summary).toBe('Finished the landing page');
    expect(r.goals.map((g: { title: string }) => g.title)).toEqual(['Add form validation']);
    expect(r.goalEvents).toEqual([expect.objectContaining({ kind: 'created', sessionId: pair.session.id })]);

    // Read-only afterwards: the note and the goals refuse changes with a clear code.
    const edit = await note.socket.emitWithAck('notes:update', { sessionId: pair.session.id, update: Y.encodeStateAsUpdate(note.doc) });
    expect(edit).toMatchObject({ ok: false, error: { code: 'SESSION_CLOSED' } });
    expect(
      await goals.sync.run({ type: 'update', goalId: made.ok ? (made.data.goals[0]?.id ?? '') : '', patch: { status: 'done' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'SESSION_CLOSED' },
    });
    const token = await app.inject({
      method: 'POST',
      url: `/api/sessions/${pair.session.id}/token`,
      headers: { origin: TEST_ORIGIN, cookie: cookies.mentor },
    });
    expect(token.statusCode).toBe(409);

    // Ending twice is harmless: one record, one next session.
    const again = await app.inject({
      method: 'POST',
      url: `/api/sessions/${pair.session.id}/end`,
      headers: { origin: TEST_ORIGIN, cookie: cookies.mentor },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().nextSession.id).toBe(body.nextSession.id);
    expect(await app.db.selectFrom('session_records').select('session_id').execute()).toHaveLength(1);
    expect(await app.db.selectFrom('sessions').select('id').where('mentorship_id', '=', pair.mentorshipId).execute()).toHaveLength(2);

    // Export carries the notes and the goals.
    const md = await app.inject({ method: 'GET', url: `/api/sessions/${pair.session.id}/export.md`, headers: { cookie: cookies.mentor } });
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    expect(md.body).toContain('Finished the landing page');
    expect(md.body).toContain('- [ ] Add form validation (open, student)');
    expect(md.body).toContain('added “Add form validation”');
    const all = await app.inject({
      method: 'GET',
      url: `/api/mentorships/${pair.mentorshipId}/export.md`,
      headers: { cookie: cookies.student },
    });
    expect(all.body).toContain('Finished the landing page');
  });
});

describe('LiveKit webhooks', () => {
  it('refuses a bad signature or a tampered body and changes nothing', async () => {
    const app = await buildTestApp();
    const pair = await createMentorship(app);
    const room = await roomOf(app, pair.session.id);
    const joined = event('participant_joined', room, { sid: 'PA_1', identity: pair.mentor.id });
    const wrongKey = await postWebhook(app, joined, { secret: 'another-secret-that-is-at-least-32-chars' });
    expect(wrongKey.statusCode).toBe(401);
    const tampered = await postWebhook(app, joined, { tamper: true });
    expect(tampered.statusCode).toBe(401);
    const unsigned = await app.inject({
      method: 'POST',
      url: '/api/livekit/webhook',
      headers: { origin: TEST_ORIGIN, 'content-type': 'application/webhook+json' },
      payload: JSON.stringify(joined),
    });
    expect(unsigned.statusCode).toBe(401);
    expect(await app.db.selectFrom('attendance').selectAll().execute()).toEqual([]);
    expect((await app.db.selectFrom('sessions').select('status').where('id', '=', pair.session.id).executeTakeFirstOrThrow()).status).toBe(
      'scheduled',
    );
  });

  it('turns duplicate and out-of-order events into exactly one end after the grace period', async () => {
    const app = await buildTestApp({ SESSION_END_GRACE_SECONDS: '60' });
    const pair = await createMentorship(app);
    const room = await roomOf(app, pair.session.id);
    const t0 = Math.floor(Date.now() / 1000) - 600;
    const mentorIn = event('participant_joined', room, { sid: 'PA_m', identity: pair.mentor.id }, t0);
    const studentIn = event('participant_joined', room, { sid: 'PA_s', identity: pair.student.id }, t0 + 5);
    const studentOut = event('participant_left', room, { sid: 'PA_s', identity: pair.student.id }, t0 + 300);
    const mentorOut = event('participant_left', room, { sid: 'PA_m', identity: pair.mentor.id }, t0 + 310);
    const finished = event('room_finished', room, undefined, t0 + 340);
    // Out of order (a leave before its join), with duplicates.
    const deliveries = [mentorIn, studentOut, mentorIn, studentIn, finished, studentOut, mentorOut, finished, mentorOut];
    const results = [];
    for (const e of deliveries) results.push((await postWebhook(app, e)).json().result);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(4);

    // Not yet: the room has been empty for less than the grace period at this moment.
    expect(await app.sessions.reconcile(new Date((t0 + 350) * 1000))).toEqual([]);
    const [first, second] = await Promise.all([
      app.sessions.reconcile(new Date((t0 + 420) * 1000)),
      app.sessions.reconcile(new Date((t0 + 420) * 1000)),
    ]);
    expect([...first, ...second]).toEqual([pair.session.id]);
    expect(await app.sessions.reconcile()).toEqual([]);

    expect(await app.db.selectFrom('session_records').select('session_id').execute()).toHaveLength(1);
    const sessions = await app.db
      .selectFrom('sessions')
      .select(['week', 'status', 'ended_reason'])
      .where('mentorship_id', '=', pair.mentorshipId)
      .orderBy('week')
      .execute();
    expect(sessions).toEqual([
      { week: 1, status: 'ended', ended_reason: 'empty_room' },
      { week: 2, status: 'scheduled', ended_reason: null },
    ]);
    const record = await app.inject({
      method: 'GET',
      url: `/api/sessions/${pair.session.id}/record`,
      headers: { cookie: await signIn(app, pair.mentor) },
    });
    const attendance = record.json().attendance as { displayName: string; seconds: number }[];
    expect(attendance.map((a) => a.displayName).sort()).toEqual([pair.mentor.displayName, pair.student.displayName].sort());
    expect(attendance.find((a) => a.displayName === pair.student.displayName)?.seconds).toBe(295);

    // A late duplicate after the end changes nothing.
    expect((await postWebhook(app, { ...mentorIn, id: `EV_${randomUUID()}` })).json().result).toBe('ignored');
  });
});

describe('review: history, search, calendar and who may see them', () => {
  it('lists, searches and exports only for the pair; others get 404', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const mine = await createMentorship(app);
    const theirs = await createMentorship(app);
    for (const [pair, text] of [
      [mine, 'We talked about accessibility audits'],
      [theirs, 'Secret accessibility plans of another pair'],
    ] as const) {
      const c = await newNoteClient(url, await signIn(app, pair.student), pair.session.id);
      await until(() => c.sync.allSaved, 'synced');
      write(c.doc, text);
      await until(() => c.sync.allSaved, 'saved');
      c.close();
      await app.inject({
        method: 'POST',
        url: `/api/sessions/${pair.session.id}/end`,
        headers: { origin: TEST_ORIGIN, cookie: await signIn(app, pair.mentor) },
      });
    }
    const cookie = await signIn(app, mine.student);
    const search = await app.inject({ method: 'GET', url: `/api/mentorships/${mine.mentorshipId}/search?q=accessib`, headers: { cookie } });
    expect(search.statusCode).toBe(200);
    const results = search.json().results;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ sessionId: mine.session.id, kind: 'note', week: 1 });
    expect(results[0].snippet).toContain('<mark>accessibility</mark>');
    expect(JSON.stringify(results)).not.toContain('Secret');
    const injection = await app.inject({
      method: 'GET',
      url: `/api/mentorships/${mine.mentorshipId}/search?q=${encodeURIComponent('"a" OR *')}`,
      headers: { cookie },
    });
    expect(injection.statusCode).toBe(200);
    const empty = await app.inject({ method: 'GET', url: `/api/mentorships/${mine.mentorshipId}/search?q=%20`, headers: { cookie } });
    expect(empty.statusCode).toBe(400);

    const history = await app.inject({ method: 'GET', url: `/api/mentorships/${mine.mentorshipId}/history`, headers: { cookie } });
    expect(history.json().sessions).toEqual([expect.objectContaining({ summary: 'We talked about accessibility audits' })]);

    const ics = await app.inject({ method: 'GET', url: `/api/mentorships/${mine.mentorshipId}/calendar.ics`, headers: { cookie } });
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    expect(ics.body).toContain('BEGIN:VTIMEZONE');
    expect(ics.body).toContain('TZID:Europe/Berlin');
    expect(ics.body).toContain('DTSTART;TZID=Europe/Berlin:');
    expect(ics.body).toContain(`UID:session-${mine.session.id}@tandem`);

    // The other pair's mentor and an outsider: 404 everywhere, as if it did not exist.
    for (const who of [theirs.mentor, await createUser(app, 'student')]) {
      const c = await signIn(app, who);
      for (const path of [
        `/api/sessions/${mine.session.id}/record`,
        `/api/sessions/${mine.session.id}/export.md`,
        `/api/mentorships/${mine.mentorshipId}/search?q=accessibility`,
        `/api/mentorships/${mine.mentorshipId}/history`,
        `/api/mentorships/${mine.mentorshipId}/export.md`,
        `/api/mentorships/${mine.mentorshipId}/calendar.ics`,
      ]) {
        const res = await app.inject({ method: 'GET', url: path, headers: { cookie: c } });
        expect(res.statusCode, path).toBe(404);
      }
    }
  });
});
