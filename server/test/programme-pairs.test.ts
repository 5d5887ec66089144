import { randomUUID } from 'node:crypto';
import { apiPath, ProgrammeRoute } from '@tandem/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, call, closeTestApps, createMentorship, createUser, signIn } from './helpers.js';
import { listen, newGoalsClient, newNoteClient, until } from './realtime.js';

const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await closeTestApps();
});

const slot = { weekday: 3, time: '18:30', timeZone: 'Europe/Paris', durationMinutes: 45 };
/** Weekday and time of an instant in Paris, e.g. "Wed 18:30". */
const inParis = (at: Date) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);

async function setUp() {
  const app = await buildTestApp({}, { mailPollMs: 50 });
  await app.ready();
  const admin = await createUser(app, 'admin');
  const mentor = await createUser(app, 'mentor');
  const student = await createUser(app, 'student');
  return { app, admin, mentor, student, cookie: await signIn(app, admin) };
}

describe('pairs', () => {
  it('pairing books the first session at the next slot and tells both people by email (kept in the outbox without SMTP)', async () => {
    const { app, cookie, mentor, student } = await setUp();
    const res = await call(app, 'POST', ProgrammeRoute.pairs, cookie, {
      mentorId: mentor.id,
      studentId: student.id,
      title: 'Web path',
      slot,
    });
    expect(res.statusCode).toBe(201);
    const pair = res.json().pair;
    expect(pair.mentorship).toMatchObject({ title: 'Web path', status: 'active', slot });
    const at = new Date(pair.nextSession.scheduledAt);
    expect(at.getTime()).toBeGreaterThan(Date.now());
    expect(at.getTime()).toBeLessThan(Date.now() + 7 * 24 * 3600_000 + 1);
    // Wednesday 18:30 in Paris.
    expect(inParis(at)).toBe('Wed 18:30');

    await app.mail.idle();
    await until(
      async () => (await app.db.selectFrom('mail_outbox').select('status').where('status', '=', 'kept').execute()).length === 2,
      'both mails kept',
    );
    const outbox = (await call(app, 'GET', ProgrammeRoute.outbox, cookie)).json();
    expect(outbox.smtp).toBe(false);
    expect(outbox.mail.map((m: { to: string }) => m.to).sort()).toEqual([mentor.email, student.email].sort());
    expect(outbox.mail[0].text).toContain('Web path');

    // Both see it on their dashboards.
    for (const who of [mentor, student]) {
      const dash = (await call(app, 'GET', '/api/dashboard', await signIn(app, who))).json();
      expect(dash.mentorships[0].nextSession.id).toBe(pair.nextSession.id);
    }
    // Not a mentor, not a student, or the same person twice: refused.
    const wrong = await call(app, 'POST', ProgrammeRoute.pairs, cookie, { mentorId: student.id, studentId: mentor.id, title: 'X', slot });
    expect(wrong.statusCode).toBe(422);
  });

  it('a new slot moves future sessions and leaves past ones; pause cancels what is booked, resume books the next slot, end makes it read-only', async () => {
    const { app, cookie } = await setUp();
    const pair = await createMentorship(app);
    // A past session that ended, and the future one.
    await app.db
      .updateTable('sessions')
      .set({ status: 'ended', scheduled_at: '2026-01-07T17:00:00.000Z', ended_at: '2026-01-07T18:00:00.000Z' })
      .where('id', '=', pair.session.id)
      .execute();
    const future = new Date(Date.now() + 2 * 24 * 3600_000).toISOString();
    await app.db
      .insertInto('sessions')
      .values({
        id: randomUUID(),
        mentorship_id: pair.mentorshipId,
        week: 2,
        scheduled_at: future,
        duration_minutes: 60,
        status: 'scheduled',
        room_name: `r-${randomUUID()}`,
        started_at: null,
        ended_at: null,
        empty_since: null,
        ended_reason: null,
        summary: null,
        created_at: future,
      })
      .execute();

    const moved = await call(app, 'PATCH', apiPath(ProgrammeRoute.pairSlot, { id: pair.mentorshipId }), cookie, { slot });
    expect(moved.statusCode).toBe(200);
    const sessions = await app.db
      .selectFrom('sessions')
      .selectAll()
      .where('mentorship_id', '=', pair.mentorshipId)
      .orderBy('week')
      .execute();
    expect(sessions[0]?.scheduled_at).toBe('2026-01-07T17:00:00.000Z');
    expect(sessions[1]?.duration_minutes).toBe(45);
    expect(inParis(new Date(sessions[1]?.scheduled_at ?? ''))).toBe('Wed 18:30');

    const status = (action: string) => call(app, 'POST', apiPath(ProgrammeRoute.pairStatus, { id: pair.mentorshipId }), cookie, { action });
    expect((await status('pause')).json().pair).toMatchObject({ mentorship: { status: 'paused' }, nextSession: null });
    expect((await status('pause')).statusCode).toBe(422);
    const resumed = (await status('resume')).json().pair;
    expect(resumed.mentorship.status).toBe('active');
    expect(resumed.nextSession.status).toBe('scheduled');
    expect((await status('end')).json().pair).toMatchObject({ mentorship: { status: 'ended' }, nextSession: null });

    // Ended: both still read it; nothing of it can change.
    const mentorCookie = await signIn(app, pair.mentor);
    expect((await call(app, 'GET', apiPath('/api/mentorships/:id/history', { id: pair.mentorshipId }), mentorCookie)).statusCode).toBe(200);
    const template = await call(app, 'PUT', apiPath('/api/mentorships/:id/note-template', { id: pair.mentorshipId }), mentorCookie, {
      sections: ['A'],
    });
    expect(template.statusCode).toBe(409);
    expect((await status('resume')).statusCode).toBe(422);
  });

  it('reassigning a student: a new mentorship, open goals carried, the old mentor reads the old one and nothing after', async () => {
    const { app, cookie } = await setUp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const newMentor = await createUser(app, 'mentor');
    const studentCookie = await signIn(app, pair.student);
    const goals = await newGoalsClient(url, studentCookie, pair.session.id);
    closers.push(() => goals.close());
    for (const [title, status] of [
      ['Ship the portfolio', 'open'],
      ['Learn SQL', 'in_progress'],
      ['Read the brief', 'done'],
    ] as const) {
      const r = await goals.socket.emitWithAck('goals:command', {
        sessionId: pair.session.id,
        command: { type: 'create', goalId: randomUUID(), fields: { title, status }, orderKey: title.slice(0, 1) },
      });
      expect(r.ok).toBe(true);
    }
    goals.close();

    const res = await call(app, 'POST', apiPath(ProgrammeRoute.reassign, { id: pair.mentorshipId }), cookie, { mentorId: newMentor.id });
    expect(res.statusCode).toBe(201);
    const next = res.json().pair;
    expect(next.mentorship).toMatchObject({ mentor: { id: newMentor.id }, student: { id: pair.student.id }, status: 'active' });

    const carried = await call(app, 'GET', apiPath('/api/mentorships/:id/goals', { id: next.mentorship.id }), studentCookie);
    expect(
      carried
        .json()
        .goals.map((g: { title: string }) => g.title)
        .sort(),
    ).toEqual(['Learn SQL', 'Ship the portfolio']);
    const oldGoals = await call(app, 'GET', apiPath('/api/mentorships/:id/goals', { id: pair.mentorshipId }), studentCookie);
    expect(oldGoals.json().goals).toHaveLength(3);

    const oldMentor = await signIn(app, pair.mentor);
    expect((await call(app, 'GET', apiPath('/api/mentorships/:id/history', { id: pair.mentorshipId }), oldMentor)).statusCode).toBe(200);
    expect((await call(app, 'GET', apiPath('/api/mentorships/:id/goals', { id: next.mentorship.id }), oldMentor)).statusCode).toBe(404);
    expect((await call(app, 'GET', apiPath('/api/sessions/:id', { id: next.nextSession.id }), oldMentor)).statusCode).toBe(404);
    const dash = (await call(app, 'GET', '/api/dashboard', studentCookie)).json();
    // The active one first.
    expect(dash.mentorships.map((m: { mentorship: { status: string } }) => m.mentorship.status)).toEqual(['active', 'ended']);
  });
});

describe('deactivation', () => {
  it("closes the person's open note connection within 1 s, ends their sign-ins, refuses new ones; reactivation lets them back", async () => {
    const { app, cookie } = await setUp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const studentCookie = await signIn(app, pair.student);
    const note = await newNoteClient(url, studentCookie, pair.session.id);
    closers.push(() => note.close());
    await until(() => note.sync.debug().synced, 'note synced');
    const mentorNote = await newNoteClient(url, await signIn(app, pair.mentor), pair.session.id);
    closers.push(() => mentorNote.close());

    const closed = new Promise<number>((resolve) => {
      const t0 = Date.now();
      note.socket.once('disconnect', () => resolve(Date.now() - t0));
    });
    const res = await call(app, 'POST', apiPath(ProgrammeRoute.deactivate, { id: pair.student.id }), cookie);
    expect(res.statusCode).toBe(204);
    expect(await closed).toBeLessThan(1000);
    expect(note.events.join(' ')).toMatch(/server_error/);
    // The mentor's connection is untouched.
    expect(mentorNote.socket.connected).toBe(true);

    expect((await call(app, 'GET', '/api/auth/me', studentCookie)).statusCode).toBe(401);
    const again = await call(app, 'POST', '/api/auth/sign-in', undefined, { email: pair.student.email, password: pair.student.password });
    expect(again.statusCode).toBe(403);
    expect(again.json().error.code).toBe('ACCOUNT_DEACTIVATED');
    // A wrong password still gets the ordinary answer: deactivation is not revealed to a guesser.
    const guess = await call(app, 'POST', '/api/auth/sign-in', undefined, { email: pair.student.email, password: 'wrong' });
    expect(guess.json().error.code).toBe('INVALID_CREDENTIALS');
    // Records kept.
    expect((await app.db.selectFrom('users').select('status').where('id', '=', pair.student.id).executeTakeFirstOrThrow()).status).toBe(
      'deactivated',
    );
    const people = (await call(app, 'GET', `${ProgrammeRoute.people}?status=deactivated`, cookie)).json().people;
    expect(people.map((p: { id: string }) => p.id)).toEqual([pair.student.id]);

    expect((await call(app, 'POST', apiPath(ProgrammeRoute.reactivate, { id: pair.student.id }), cookie)).statusCode).toBe(204);
    await signIn(app, pair.student);
  });
});
