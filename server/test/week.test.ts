import { randomUUID } from 'node:crypto';
import { ApiRoute, apiPath, type Brief, type Message, ProgrammeRoute, WeekRoute } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { runGoalCommand } from '../src/db/goals.js';
import { insertSession, toSession } from '../src/db/mentorships.js';
import { noteText } from '../src/notes/template.js';
import { WeekWorker } from '../src/week/worker.js';
import { buildTestApp, call, closeTestApps, createMentorship, createUser, insertRecord, signIn } from './helpers.js';
import { connectOutcome, listen, newNoteClient, newSocket, until } from './realtime.js';
import { startSmtp } from './smtp.js';

afterEach(closeTestApps);

const HOUR = 3600_000;
/** A time `h` hours from now, on the minute (as calendars keep it). */
const inHours = (h: number) => new Date(Math.floor((Date.now() + h * HOUR) / 60_000) * 60_000).toISOString();

/** A pair whose first session is `hours` from now, both signed in. */
async function pair(app: FastifyInstance, hours = 48) {
  const p = await createMentorship(app);
  const scheduledAt = inHours(hours);
  await app.db
    .updateTable('sessions')
    .set({ scheduled_at: scheduledAt, timed_at: new Date().toISOString() })
    .where('id', '=', p.session.id)
    .execute();
  return { ...p, scheduledAt, mentorCookie: await signIn(app, p.mentor), studentCookie: await signIn(app, p.student) };
}

const sessionRow = (app: FastifyInstance, id: string) =>
  app.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const mails = (app: FastifyInstance, purpose?: string) => {
  let q = app.db.selectFrom('mail_outbox').selectAll().orderBy('created_at');
  if (purpose) q = q.where('purpose', '=', purpose);
  return q.execute();
};
const sessionsOf = (app: FastifyInstance, mentorshipId: string) =>
  app.db.selectFrom('sessions').selectAll().where('mentorship_id', '=', mentorshipId).orderBy('scheduled_at').execute();

describe('moving one session', () => {
  it('the student proposes, the mentor accepts: the session moves, both dashboards show it, the slot stays', async () => {
    const app = await buildTestApp();
    const p = await pair(app);
    const to = inHours(72);
    const proposed = await call(app, 'POST', apiPath(WeekRoute.moves, { id: p.session.id }), p.studentCookie, {
      to,
      message: 'Dentist on Tuesday',
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const move = proposed.json().move;
    expect(move).toMatchObject({ status: 'pending', to, message: 'Dentist on Tuesday', proposedBy: { id: p.student.id } });
    // The mentor is told by email, and sees it waiting on the dashboard.
    expect((await mails(app, 'move-proposed')).map((m) => m.to_address)).toEqual([p.mentor.email]);
    const dash = await call(app, 'GET', ApiRoute.dashboard, p.mentorCookie);
    expect(dash.json().mentorships[0].pendingMoves).toEqual([expect.objectContaining({ id: move.id })]);

    // The proposer cannot accept their own proposal; an outsider cannot see it.
    expect(
      (await call(app, 'POST', apiPath(WeekRoute.moveDecision, { id: move.id }), p.studentCookie, { decision: 'accept' })).statusCode,
    ).toBe(403);
    const outsider = await signIn(app, await createUser(app, 'mentor'));
    expect((await call(app, 'POST', apiPath(WeekRoute.moveDecision, { id: move.id }), outsider, { decision: 'accept' })).statusCode).toBe(
      404,
    );
    expect((await call(app, 'POST', apiPath(WeekRoute.moveDecision, { id: move.id }), undefined, { decision: 'accept' })).statusCode).toBe(
      401,
    );

    const accepted = await call(app, 'POST', apiPath(WeekRoute.moveDecision, { id: move.id }), p.mentorCookie, { decision: 'accept' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().move.status).toBe('accepted');
    const row = await sessionRow(app, p.session.id);
    expect(row.scheduled_at).toBe(to);
    expect(row.sequence).toBe(1);
    for (const cookie of [p.mentorCookie, p.studentCookie]) {
      const d = (await call(app, 'GET', ApiRoute.dashboard, cookie)).json().mentorships[0];
      expect(d.nextSession.scheduledAt).toBe(to);
      expect(d.pendingMoves).toEqual([]);
      expect(d.mentorship.slot).toMatchObject({ weekday: 2, time: '18:00' });
    }
    // Answered once: a second answer is a conflict.
    expect(
      (await call(app, 'POST', apiPath(WeekRoute.moveDecision, { id: move.id }), p.mentorCookie, { decision: 'decline' })).statusCode,
    ).toBe(409);
  });

  it('declines, withdraws, refuses the student a direct move, and lets the mentor move directly', async () => {
    const app = await buildTestApp();
    const p = await pair(app);
    const propose = (cookie: string, body: object) => call(app, 'POST', apiPath(WeekRoute.moves, { id: p.session.id }), cookie, body);
    const decide = (cookie: string, id: string, decision: string) =>
      call(app, 'POST', apiPath(WeekRoute.moveDecision, { id }), cookie, { decision });

    const a = (await propose(p.mentorCookie, { to: inHours(50) })).json().move;
    expect((await decide(p.studentCookie, a.id, 'decline')).json().move.status).toBe('declined');
    expect((await mails(app, 'move-declined')).map((m) => m.to_address)).toEqual([p.mentor.email]);
    expect((await sessionRow(app, p.session.id)).sequence).toBe(0);

    const b = (await propose(p.studentCookie, { to: inHours(51) })).json().move;
    expect((await decide(p.mentorCookie, b.id, 'withdraw')).statusCode).toBe(403);
    expect((await decide(p.studentCookie, b.id, 'withdraw')).json().move.status).toBe('withdrawn');

    // Bad input changes nothing: a time in the past, too far, not a time, an unknown field, the student moving directly.
    for (const body of [{ to: inHours(-1) }, { to: inHours(24 * 200) }, { to: 'tomorrow' }, { to: inHours(60), when: 1 }]) {
      const res = await propose(p.studentCookie, body);
      expect([400, 422], JSON.stringify(body)).toContain(res.statusCode);
    }
    expect((await propose(p.studentCookie, { to: inHours(60), direct: true })).statusCode).toBe(403);

    // A proposal pending when the mentor moves the session directly no longer applies.
    const c = (await propose(p.studentCookie, { to: inHours(55) })).json().move;
    const direct = await propose(p.mentorCookie, { to: inHours(53), direct: true });
    expect(direct.statusCode).toBe(200);
    expect(direct.json().session.scheduledAt).toBe(inHours(53).slice(0, 13) + direct.json().session.scheduledAt.slice(13));
    expect((await sessionRow(app, p.session.id)).sequence).toBe(1);
    expect((await decide(p.mentorCookie, c.id, 'accept')).statusCode).toBe(409);
    // Another session of the pair at the same time: refused.
    await insertSession(app.db, { mentorshipId: p.mentorshipId, scheduledAt: inHours(100), durationMinutes: 60 });
    expect(
      (await propose(p.mentorCookie, { to: new Date(Date.parse(inHours(100)) + 30 * 60_000).toISOString(), direct: true })).statusCode,
    ).toBe(409);
  });
});

describe('skipping, extra sessions, cancelling, and the no-show rule', () => {
  it('skips a week (mentor, with a reason) and books the next weekly session; adds an extra one between', async () => {
    const app = await buildTestApp();
    const p = await pair(app);
    const skip = (cookie: string, body: object) => call(app, 'POST', apiPath(WeekRoute.skip, { id: p.session.id }), cookie, body);
    expect((await skip(p.studentCookie, { reason: 'Holidays' })).statusCode).toBe(403);
    expect((await skip(p.mentorCookie, {})).statusCode).toBe(400);
    const skipped = await skip(p.mentorCookie, { reason: 'Holidays' });
    expect(skipped.statusCode, skipped.body).toBe(200);
    expect(skipped.json().session).toMatchObject({ status: 'cancelled', outcome: 'skipped', outcomeReason: 'Holidays' });
    const all = await sessionsOf(app, p.mentorshipId);
    expect(all).toHaveLength(2);
    const next = all.find((s) => s.id !== p.session.id);
    expect(next?.status).toBe('scheduled');
    expect(Date.parse(next?.scheduled_at ?? '')).toBeGreaterThan(Date.parse(all[0]?.scheduled_at ?? ''));

    // An extra session before the next weekly one: the mentor only, not on top of another.
    const extraAt = inHours(30);
    const extra = (cookie: string, at: string) =>
      call(app, 'POST', apiPath(WeekRoute.extra, { id: p.mentorshipId }), cookie, { at, durationMinutes: 45 });
    expect((await extra(p.studentCookie, extraAt)).statusCode).toBe(403);
    const added = await extra(p.mentorCookie, extraAt);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().session).toMatchObject({ kind: 'extra', durationMinutes: 45 });
    expect((await extra(p.mentorCookie, new Date(Date.parse(extraAt) + 10 * 60_000).toISOString())).statusCode).toBe(409);
    const dash = (await call(app, 'GET', ApiRoute.dashboard, p.studentCookie)).json().mentorships[0];
    expect(dash.nextSession.id).toBe(added.json().session.id);
    const schedule = (await call(app, 'GET', apiPath(WeekRoute.schedule, { id: p.mentorshipId }), p.studentCookie)).json();
    expect(schedule.upcoming.map((s: { kind: string }) => s.kind)).toEqual(['extra', 'weekly']);
    expect(schedule.outcomes).toMatchObject({ skipped: 1, cancelled_early: 0 });
  });

  it('cancels with a reason: in time (more than 24 h before) or late; refused once someone joined', async () => {
    const app = await buildTestApp();
    const p = await pair(app, 30);
    const cancel = (cookie: string, id: string) => call(app, 'POST', apiPath(ApiRoute.cancelSession, { id }), cookie, { reason: 'Sick' });
    const early = await cancel(p.studentCookie, p.session.id);
    expect(early.statusCode, early.body).toBe(200);
    expect(early.json().session).toMatchObject({ status: 'cancelled', outcome: 'cancelled_early', outcomeReason: 'Sick' });
    const next = (await sessionsOf(app, p.mentorshipId)).find((s) => s.status === 'scheduled');
    if (!next) throw new Error('the next weekly session was not booked');
    await app.db
      .updateTable('sessions')
      .set({ scheduled_at: inHours(5) })
      .where('id', '=', next.id)
      .execute();
    expect((await cancel(p.mentorCookie, next.id)).json().session.outcome).toBe('cancelled_late');
    expect((await cancel(p.mentorCookie, next.id)).statusCode).toBe(409);

    const third = (await sessionsOf(app, p.mentorshipId)).find((s) => s.status === 'scheduled');
    if (!third) throw new Error('no third session');
    await app.db
      .insertInto('attendance')
      .values({ session_id: third.id, user_id: p.mentor.id, participant_sid: 'PA_x', joined_at: new Date().toISOString(), left_at: null })
      .execute();
    expect((await cancel(p.studentCookie, third.id)).statusCode).toBe(409);
    const outcomes = (await call(app, 'GET', apiPath(WeekRoute.schedule, { id: p.mentorshipId }), p.mentorCookie)).json().outcomes;
    expect(outcomes).toMatchObject({ cancelled_early: 1, cancelled_late: 1, no_show: 0 });
  });

  it('marks a no-show from attendance a third of the way in, books the next week, and lets the mentor correct it', async () => {
    const app = await buildTestApp();
    const p = await pair(app, 1);
    const other = await createMentorship(app);
    const otherSession = other.session;
    await app.db
      .updateTable('sessions')
      .set({ scheduled_at: inHours(1), status: 'live' })
      .where('id', '=', otherSession.id)
      .execute();
    // In the second pair only the mentor came (within the first third).
    await app.db
      .insertInto('attendance')
      .values({ session_id: otherSession.id, user_id: other.mentor.id, participant_sid: 'PA_m', joined_at: inHours(1.1), left_at: null })
      .execute();
    // Before a third of the hour has passed: nothing is decided.
    await app.week.tick(new Date(Date.now() + 1.2 * HOUR));
    expect((await sessionRow(app, p.session.id)).outcome).toBeNull();
    await app.week.tick(new Date(Date.now() + 1.4 * HOUR));
    const nobody = await sessionRow(app, p.session.id);
    expect(nobody).toMatchObject({ status: 'no_show', outcome: 'no_show', absent_user_id: null });
    expect((await sessionsOf(app, p.mentorshipId)).filter((s) => s.status === 'scheduled')).toHaveLength(1);
    const one = await sessionRow(app, otherSession.id);
    expect(one).toMatchObject({ status: 'live', outcome: 'no_show', absent_user_id: other.student.id });
    // Running again changes nothing (the job is done once).
    await app.week.tick(new Date(Date.now() + 1.5 * HOUR));
    expect((await sessionsOf(app, p.mentorshipId)).filter((s) => s.status === 'scheduled')).toHaveLength(1);

    // The mentor corrects it (it was a connection problem); the student cannot; not while it is open.
    const outcome = (cookie: string, body: object) => call(app, 'PUT', apiPath(WeekRoute.outcome, { id: p.session.id }), cookie, body);
    expect((await outcome(p.studentCookie, { outcome: null })).statusCode).toBe(403);
    expect((await outcome(p.mentorCookie, { outcome: 'no_show', absentUserId: randomUUID() })).statusCode).toBe(422);
    expect((await outcome(p.mentorCookie, { outcome: 'other' })).json().session.outcome).toBe('other');
    const stillLive = await call(app, 'PUT', apiPath(WeekRoute.outcome, { id: otherSession.id }), await signIn(app, other.mentor), {
      outcome: null,
    });
    expect(stillLive.statusCode).toBe(409);
  });
});

describe('reminders and calendar invitations', () => {
  it('reminds each person a day and an hour before, once, in their zone, with the agenda so far; not when turned off or moved', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const p = await pair(app, 30);
    await app.db.updateTable('users').set({ time_zone: 'America/New_York', locale: 'fr' }).where('id', '=', p.student.id).execute();
    // A talking point added before the call.
    const client = await newNoteClient(url, p.studentCookie, p.session.id);
    await until(() => client.sync.allSaved, 'note synced');
    const fragment = client.doc.getXmlFragment('default');
    const para = new Y.XmlElement('paragraph');
    para.insert(0, [new Y.XmlText('Talk about the portfolio review')]);
    client.doc.transact(() => fragment.insert(2, [para]));
    await until(() => client.sync.allSaved, 'talking point saved');
    client.close();

    const at = Date.parse((await sessionRow(app, p.session.id)).scheduled_at);
    await app.week.tick(new Date(at - 30 * HOUR));
    expect(await mails(app, 'reminder-day')).toHaveLength(0);
    await app.week.tick(new Date(at - 24 * HOUR + 60_000));
    await app.week.tick(new Date(at - 24 * HOUR + 120_000));
    const day = await mails(app, 'reminder-day');
    expect(day.map((m) => m.to_address).sort()).toEqual([p.mentor.email, p.student.email].sort());
    const toStudent = day.find((m) => m.to_address === p.student.email);
    expect(toStudent?.subject).toMatch(/^Demain/);
    // The time in the student's zone (New York), the join link, the talking point.
    const ny = new Intl.DateTimeFormat('fr-FR', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(at);
    expect(toStudent?.text_body).toContain(ny);
    expect(toStudent?.text_body).toContain(`/sessions/${p.session.id}`);
    expect(toStudent?.text_body).toContain('Talk about the portfolio review');

    // The student turns hour reminders off on the profile.
    const profile = await call(app, 'PATCH', ProgrammeRoute.profile, p.studentCookie, {
      reminders: { dayBefore: true, hourBefore: false },
    });
    expect(profile.statusCode, profile.body).toBe(200);
    expect(profile.json().user.reminders).toEqual({ dayBefore: true, hourBefore: false });
    await app.week.tick(new Date(at - HOUR + 1000));
    await app.week.tick(new Date(at - HOUR + 2000));
    expect((await mails(app, 'reminder-hour')).map((m) => m.to_address)).toEqual([p.mentor.email]);

    // Moved: reminders follow the new time (the old ones are not sent).
    const second = await createMentorship(app);
    await app.db
      .updateTable('sessions')
      .set({ scheduled_at: inHours(30), timed_at: new Date().toISOString() })
      .where('id', '=', second.session.id)
      .execute();
    const before = (await mails(app, 'reminder-day')).length;
    await app.week.tick(new Date(Date.now() + 5 * HOUR));
    const moved = await call(app, 'POST', apiPath(WeekRoute.moves, { id: second.session.id }), await signIn(app, second.mentor), {
      to: inHours(60),
      direct: true,
    });
    expect(moved.statusCode).toBe(200);
    await app.week.tick(new Date(Date.now() + 6.5 * HOUR));
    expect((await mails(app, 'reminder-day')).length).toBe(before);
    await app.week.tick(new Date(Date.parse(inHours(60)) - 24 * HOUR + 1000));
    expect((await mails(app, 'reminder-day')).length).toBe(before + 2);
  });

  it('plans each session’s jobs once, not again on every pass; a moved session’s new jobs are planned', async () => {
    const app = await buildTestApp();
    // The inserts into the jobs table the worker makes (its database, counted by a Kysely plugin).
    let inserts = 0;
    const counted = app.db.withPlugin({
      transformQuery: ({ node }) => {
        if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === 'jobs') inserts += 1;
        return node;
      },
      transformResult: async ({ result }) => result,
    });
    const options = {
      origin: 'http://x.test',
      mailFrom: 'x@x.test',
      agendaOf: async () => [],
      onMail: () => {},
      batch: 50,
    };
    const worker = new WeekWorker(counted, app.log, options);
    // Three sessions 20 h ahead, booked now: an hour reminder each for both people and a no-show check, three jobs each.
    const pairs = [await pair(app, 20), await pair(app, 20), await pair(app, 20)];
    const jobs = () => app.db.selectFrom('jobs').select(['key']).execute();
    const now = new Date();
    await worker.tick(now);
    expect(inserts).toBe(9);
    expect(await jobs()).toHaveLength(9);
    await worker.tick(new Date(now.getTime() + 20_000));
    await worker.tick(new Date(now.getTime() + 40_000));
    expect(inserts).toBe(9);
    // One session moves two hours later: its three new jobs, and nothing for the two others.
    const moved = pairs[0]?.session.id ?? '';
    await app.db
      .updateTable('sessions')
      .set({ scheduled_at: inHours(22) })
      .where('id', '=', moved)
      .execute();
    await worker.tick(new Date(now.getTime() + 60_000));
    expect(inserts).toBe(12);
    expect((await jobs()).filter((j) => j.key.includes(moved))).toHaveLength(6);
    // Another process (its own worker) plans them again: nothing changes in the table.
    const other = new WeekWorker(app.db, app.log, options);
    await other.tick(new Date(now.getTime() + 80_000));
    expect(await jobs()).toHaveLength(12);
  });

  it('sends each booked, moved and cancelled session as an iCalendar invitation a strict parser accepts', async () => {
    const app = await buildTestApp();
    const p = await pair(app, 72);
    await app.week.tick();
    const booked = await mails(app, 'calendar-booked');
    expect(booked.map((m) => m.to_address).sort()).toEqual([p.mentor.email, p.student.email].sort());
    await app.week.tick();
    expect(await mails(app, 'calendar-booked')).toHaveLength(2);

    const movedTo = inHours(96);
    const moved = await call(app, 'POST', apiPath(WeekRoute.moves, { id: p.session.id }), p.mentorCookie, { to: movedTo, direct: true });
    expect(moved.statusCode).toBe(200);
    await app.week.tick();
    const cancelled = await call(app, 'POST', apiPath(ApiRoute.cancelSession, { id: p.session.id }), p.studentCookie, {
      reason: 'Moving house',
    });
    expect(cancelled.statusCode).toBe(200);
    await app.week.tick();

    const parse = (ics: string | null) => {
      const root = new ICAL.Component(ICAL.parse(ics ?? ''));
      const zone = root.getFirstSubcomponent('vtimezone');
      if (zone) ICAL.TimezoneService.register(zone);
      const event = new ICAL.Event(root.getFirstSubcomponent('vevent') ?? undefined);
      const out = {
        method: root.getFirstPropertyValue('method'),
        uid: event.uid,
        sequence: event.sequence,
        start: event.startDate.toJSDate().toISOString(),
        status: event.component.getFirstPropertyValue('status'),
        zone: zone?.getFirstPropertyValue('tzid'),
      };
      ICAL.TimezoneService.reset();
      return out;
    };
    const forMentor = async (purpose: string) => (await mails(app, purpose)).find((m) => m.to_address === p.mentor.email)?.ics ?? null;
    const uid = `session-${p.session.id}@tandem`;
    const bookedAt = new Date(p.scheduledAt).toISOString();
    expect(parse(await forMentor('calendar-booked'))).toMatchObject({
      method: 'REQUEST',
      uid,
      sequence: 0,
      start: bookedAt,
      zone: 'Europe/Berlin',
      status: 'CONFIRMED',
    });
    expect(parse(await forMentor('calendar-moved'))).toMatchObject({
      method: 'REQUEST',
      uid,
      sequence: 1,
      start: movedTo,
      zone: 'Europe/Berlin',
    });
    expect(parse(await forMentor('calendar-cancelled'))).toMatchObject({ method: 'CANCEL', uid, sequence: 2, status: 'CANCELLED' });
    const cancelMail = (await mails(app, 'calendar-cancelled')).find((m) => m.to_address === p.student.email);
    expect(cancelMail?.text_body).toContain('Moving house');
    // The next weekly session, booked by the cancellation, gets its own invitation.
    const next = (await sessionsOf(app, p.mentorshipId)).find((s) => s.status === 'scheduled');
    expect((await mails(app, 'calendar-booked')).some((m) => m.ics?.includes(`session-${next?.id}@tandem`))).toBe(true);
  });

  it('delivers the invitation over SMTP as a text/calendar part with its METHOD, as calendar clients expect', async () => {
    const smtp = await startSmtp();
    try {
      const app = await buildTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Tandem <calendar@example.test>' });
      const p = await pair(app, 72);
      await app.week.tick();
      app.mail.kick();
      await expect.poll(() => smtp.to(p.student.email).length).toBe(1);
      const mail = smtp.to(p.student.email)[0];
      const calendar = mail?.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      expect(calendar, 'a text/calendar part').toBeDefined();
      const ics = calendar?.content.toString('utf8') ?? '';
      expect(ics).toContain('METHOD:REQUEST');
      expect(ics).toContain(`UID:session-${p.session.id}@tandem`);
      expect(ics).toContain('ORGANIZER;CN="Tandem":mailto:calendar@example.test');
    } finally {
      await smtp.close();
    }
  });
});

describe('messages between sessions', () => {
  it('delivers live, shows read receipts and unread counts, and threads the call’s chat in with its session', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const p = await pair(app);
    const studentSocket = newSocket(url, { cookie: p.studentCookie });
    const mentorSocket = newSocket(url, { cookie: p.mentorCookie });
    expect(await connectOutcome(studentSocket)).toBe('connected');
    expect(await connectOutcome(mentorSocket)).toBe('connected');
    const received: Message[] = [];
    studentSocket.on('message:new', ({ message }) => received.push(message));
    const receipts: string[] = [];
    mentorSocket.on('message:read', ({ userId, until: u }) => receipts.push(`${userId}:${u}`));

    const sent = await call(app, 'POST', apiPath(WeekRoute.messages, { id: p.mentorshipId }), p.mentorCookie, {
      body: 'Have a look at <b>this</b>: https://example.test/a11y',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const message = sent.json().message as Message;
    await until(() => received.length === 1, 'live delivery');
    expect(received[0]).toMatchObject({ id: message.id, body: 'Have a look at <b>this</b>: https://example.test/a11y', sessionId: null });
    const unread = async () => (await call(app, 'GET', ApiRoute.dashboard, p.studentCookie)).json().mentorships[0].unread;
    expect(await unread()).toBe(1);
    // The author's own message is never unread for them.
    expect((await call(app, 'GET', ApiRoute.dashboard, p.mentorCookie)).json().mentorships[0].unread).toBe(0);

    const read = await call(app, 'POST', apiPath(WeekRoute.messagesRead, { id: p.mentorshipId }), p.studentCookie, {
      until: message.createdAt,
    });
    expect(read.json().until).toBe(message.createdAt);
    await until(() => receipts.length === 1, 'read receipt');
    expect(receipts[0]).toBe(`${p.student.id}:${message.createdAt}`);
    expect(await unread()).toBe(0);
    const thread = (await call(app, 'GET', apiPath(WeekRoute.messages, { id: p.mentorshipId }), p.mentorCookie)).json();
    expect(thread.readUntil[p.student.id]).toBe(message.createdAt);

    // A message in the call's chat lands in the same thread, marked with its session.
    await app.db.updateTable('sessions').set({ status: 'live' }).where('id', '=', p.session.id).execute();
    const chat = await studentSocket.emitWithAck('chat:send', { sessionId: p.session.id, text: 'Sharing my screen now' });
    expect(chat.ok).toBe(true);
    await until(
      async () =>
        (await call(app, 'GET', apiPath(WeekRoute.messages, { id: p.mentorshipId }), p.mentorCookie)).json().messages.length === 2,
      'chat in thread',
    );
    const last = (await call(app, 'GET', apiPath(WeekRoute.messages, { id: p.mentorshipId }), p.mentorCookie)).json().messages[1];
    expect(last).toMatchObject({ body: 'Sharing my screen now', sessionId: p.session.id, sessionWeek: 1, author: { id: p.student.id } });
    studentSocket.disconnect();
    mentorSocket.disconnect();
  });

  it('only the pair writes, an admin reads, everyone else gets 401/404; size and rate limits', async () => {
    const app = await buildTestApp();
    const p = await pair(app);
    const other = await createMentorship(app);
    const path = apiPath(WeekRoute.messages, { id: p.mentorshipId });
    const admin = await signIn(app, await createUser(app, 'admin'));
    const otherStudent = await signIn(app, other.student);
    const outsider = await signIn(app, await createUser(app, 'mentor'));
    // A proposal of the pair, and a past session whose outcome could be corrected.
    const move = (await call(app, 'POST', apiPath(WeekRoute.moves, { id: p.session.id }), p.studentCookie, { to: inHours(60) })).json()
      .move;
    const past = await insertSession(app.db, { mentorshipId: p.mentorshipId, scheduledAt: inHours(-100), durationMinutes: 60 });
    await app.db.updateTable('sessions').set({ status: 'no_show', outcome: 'no_show' }).where('id', '=', past.id).execute();
    for (const cookie of [otherStudent, outsider]) {
      expect((await call(app, 'POST', apiPath(WeekRoute.moveDecision, { id: move.id }), cookie, { decision: 'accept' })).statusCode).toBe(
        404,
      );
      expect((await call(app, 'PUT', apiPath(WeekRoute.outcome, { id: past.id }), cookie, { outcome: null })).statusCode).toBe(404);
      expect((await call(app, 'GET', path, cookie)).statusCode).toBe(404);
      expect((await call(app, 'POST', path, cookie, { body: 'hi' })).statusCode).toBe(404);
      expect(
        (await call(app, 'POST', apiPath(WeekRoute.messagesRead, { id: p.mentorshipId }), cookie, { until: new Date().toISOString() }))
          .statusCode,
      ).toBe(404);
      expect((await call(app, 'GET', apiPath(WeekRoute.schedule, { id: p.mentorshipId }), cookie)).statusCode).toBe(404);
      expect((await call(app, 'GET', apiPath(WeekRoute.brief, { id: p.session.id }), cookie)).statusCode).toBe(404);
      expect((await call(app, 'POST', apiPath(WeekRoute.moves, { id: p.session.id }), cookie, { to: inHours(60) })).statusCode).toBe(404);
      expect((await call(app, 'POST', apiPath(WeekRoute.skip, { id: p.session.id }), cookie, { reason: 'x' })).statusCode).toBe(404);
      expect((await call(app, 'POST', apiPath(ApiRoute.cancelSession, { id: p.session.id }), cookie, { reason: 'x' })).statusCode).toBe(
        404,
      );
      expect(
        (await call(app, 'POST', apiPath(WeekRoute.extra, { id: p.mentorshipId }), cookie, { at: inHours(60), durationMinutes: 30 }))
          .statusCode,
      ).toBe(404);
    }
    for (const [method, url] of [
      ['GET', path],
      ['POST', path],
      ['GET', apiPath(WeekRoute.brief, { id: p.session.id })],
      ['POST', apiPath(WeekRoute.moves, { id: p.session.id })],
      ['POST', apiPath(WeekRoute.moveDecision, { id: move.id })],
      ['POST', apiPath(WeekRoute.skip, { id: p.session.id })],
      ['POST', apiPath(ApiRoute.cancelSession, { id: p.session.id })],
      ['POST', apiPath(WeekRoute.extra, { id: p.mentorshipId })],
      ['POST', apiPath(WeekRoute.messagesRead, { id: p.mentorshipId })],
      ['GET', apiPath(WeekRoute.schedule, { id: p.mentorshipId })],
      ['PUT', apiPath(WeekRoute.outcome, { id: past.id })],
    ] as const) {
      expect((await call(app, method, url, undefined, method === 'GET' ? undefined : { body: 'x' })).statusCode, url).toBe(401);
    }
    // Nothing changed for the pair.
    expect((await app.db.selectFrom('session_moves').select('status').where('id', '=', move.id).executeTakeFirstOrThrow()).status).toBe(
      'pending',
    );
    expect((await sessionRow(app, past.id)).outcome).toBe('no_show');
    expect((await sessionRow(app, p.session.id)).status).toBe('scheduled');
    expect((await call(app, 'GET', path, admin)).statusCode).toBe(200);
    expect((await call(app, 'POST', path, admin, { body: 'hi' })).statusCode).toBe(403);
    expect((await call(app, 'POST', apiPath(WeekRoute.moves, { id: p.session.id }), admin, { to: inHours(60) })).statusCode).toBe(403);

    expect((await call(app, 'POST', path, p.studentCookie, { body: 'x'.repeat(2001) })).statusCode).toBe(400);
    expect((await call(app, 'POST', path, p.studentCookie, { body: '   ' })).statusCode).toBe(400);
    expect((await call(app, 'POST', path, p.studentCookie, { body: 'hi', html: true })).statusCode).toBe(400);
    expect((await call(app, 'GET', `${path}?before=yesterday`, p.studentCookie)).statusCode).toBe(400);
    expect((await app.db.selectFrom('messages').select('id').execute()).length).toBe(0);
    const codes: number[] = [];
    for (let i = 0; i < 32; i++) codes.push((await call(app, 'POST', path, p.studentCookie, { body: `message ${i}` })).statusCode);
    // 30 a minute; three were spent on the refused ones above.
    expect(codes.filter((c) => c === 201)).toHaveLength(27);
    expect(codes.at(-1)).toBe(429);
  });

  it('emails an offline person one digest at most every few hours, not one per message, and none once read', async () => {
    const app = await buildTestApp({ DIGEST_DELAY_MINUTES: '15', DIGEST_EVERY_HOURS: '3' });
    const p = await pair(app);
    const path = apiPath(WeekRoute.messages, { id: p.mentorshipId });
    for (const body of ['First', 'Second', 'Third']) expect((await call(app, 'POST', path, p.mentorCookie, { body })).statusCode).toBe(201);
    const pending = await app.db.selectFrom('jobs').selectAll().where('kind', '=', 'digest').execute();
    expect(pending).toHaveLength(1);
    await app.week.tick(new Date(Date.now() + 10 * 60_000));
    expect(await mails(app, 'messages-digest')).toHaveLength(0);
    await app.week.tick(new Date(Date.now() + 16 * 60_000));
    const first = await mails(app, 'messages-digest');
    expect(first).toHaveLength(1);
    expect(first[0]?.to_address).toBe(p.student.email);
    expect(first[0]?.text_body).toMatch(/First[\s\S]*Second[\s\S]*Third/);
    expect(first[0]?.text_body).toContain(`/mentorships/${p.mentorshipId}/messages`);

    // A fourth message: the next digest waits three hours after the first one.
    expect((await call(app, 'POST', path, p.mentorCookie, { body: 'Fourth' })).statusCode).toBe(201);
    await app.week.tick(new Date(Date.now() + 60 * 60_000));
    expect(await mails(app, 'messages-digest')).toHaveLength(1);
    await app.week.tick(new Date(Date.now() + 3.5 * HOUR));
    const second = await mails(app, 'messages-digest');
    expect(second).toHaveLength(2);
    expect(second[1]?.text_body).toContain('Fourth');
    expect(second[1]?.text_body).not.toContain('Third');

    // Read before its digest is due: no email.
    const fifth = (await call(app, 'POST', path, p.mentorCookie, { body: 'Fifth' })).json().message as Message;
    await call(app, 'POST', apiPath(WeekRoute.messagesRead, { id: p.mentorshipId }), p.studentCookie, { until: fifth.createdAt });
    await app.week.tick(new Date(Date.now() + 8 * HOUR));
    expect(await mails(app, 'messages-digest')).toHaveLength(2);
  });
});

describe('preparing the next session together', () => {
  it('opens the next note before the call with last week’s unchecked to-dos, and a brief of what changed since', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const p = await pair(app);
    // Last week's session, held and saved: one to-do done, one left open.
    const last = await insertSession(app.db, { mentorshipId: p.mentorshipId, scheduledAt: inHours(-7 * 24), durationMinutes: 60 });
    await app.db
      .updateTable('sessions')
      .set({ status: 'ended', ended_at: inHours(-7 * 24 + 1) })
      .where('id', '=', last.id)
      .execute();
    const todo = (text: string, checked: boolean) => ({
      type: 'taskItem',
      attrs: { checked },
      content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
    });
    await insertRecord(app, last.id, {
      noteJson: {
        type: 'doc',
        content: [{ type: 'taskList', content: [todo('Fix the navbar contrast', false), todo('Read the brief', true)] }],
      },
      finalisedAt: inHours(-7 * 24 + 1),
    });
    // Since then: a goal set and made the focus by the student, a message, a proposal accepted.
    const goalId = randomUUID();
    const ctx = { user: { ...p.student, displayName: p.student.displayName }, mentorshipId: p.mentorshipId, sessionId: null };
    expect(
      (await runGoalCommand(app.db, ctx as never, { type: 'create', goalId, fields: { title: 'Ship the portfolio' }, orderKey: 'a0' })).ok,
    ).toBe(true);
    expect((await runGoalCommand(app.db, ctx as never, { type: 'focus', goalId })).ok).toBe(true);
    await call(app, 'POST', apiPath(WeekRoute.messages, { id: p.mentorshipId }), p.mentorCookie, { body: 'See you Tuesday' });

    // Both open the next note before the call and see each other's talking points.
    const mentor = await newNoteClient(url, p.mentorCookie, p.session.id);
    const student = await newNoteClient(url, p.studentCookie, p.session.id);
    await until(() => mentor.sync.allSaved && student.sync.allSaved, 'both synced');
    expect(noteText(mentor.doc)).toMatch(/Check-in\nFix the navbar contrast/);
    expect(noteText(mentor.doc)).not.toContain('Read the brief');
    const add = (c: typeof mentor, text: string) => {
      const para = new Y.XmlElement('paragraph');
      para.insert(0, [new Y.XmlText(text)]);
      c.doc.transact(() => c.doc.getXmlFragment('default').push([para]));
    };
    add(mentor, 'Mentor point: accessibility');
    add(student, 'Student point: job search');
    await until(
      () => noteText(student.doc).includes('Mentor point') && noteText(mentor.doc).includes('Student point'),
      'each sees the other',
    );
    mentor.close();
    student.close();

    const brief = (await call(app, 'GET', apiPath(WeekRoute.brief, { id: p.session.id }), p.mentorCookie)).json() as Brief;
    expect(brief.since?.sessionId).toBe(last.id);
    expect(brief.openTodos).toEqual(['Fix the navbar contrast']);
    expect(brief.goalChanges.map((c) => [c.title, c.detail, c.by])).toEqual([
      ['Ship the portfolio', 'created', p.student.displayName],
      ['Ship the portfolio', 'made the focus', p.student.displayName],
    ]);
    expect(brief.focus).toMatchObject({ title: 'Ship the portfolio', weeksCarried: 0 });
    expect(brief.nudge).toBe(false);
    expect(brief.messages.count).toBe(1);
    expect(brief.frozenAt).toBeNull();

    // Three sessions held since the goal became the focus, and it is still open: the mentor is nudged, the student is not.
    for (const weeks of [3, 2, 1]) {
      const s = await insertSession(app.db, { mentorshipId: p.mentorshipId, scheduledAt: inHours(-weeks * 24 + 0.5), durationMinutes: 60 });
      await app.db
        .updateTable('sessions')
        .set({ status: 'ended', ended_at: inHours(-weeks * 24 + 1) })
        .where('id', '=', s.id)
        .execute();
    }
    const focusedAt = inHours(-4 * 24);
    await app.db.updateTable('goal_events').set({ created_at: focusedAt }).where('goal_id', '=', goalId).execute();
    const forMentor = (await call(app, 'GET', apiPath(WeekRoute.brief, { id: p.session.id }), p.mentorCookie)).json() as Brief;
    expect(forMentor.focus?.weeksCarried).toBe(3);
    expect(forMentor.nudge).toBe(true);
    expect(((await call(app, 'GET', apiPath(WeekRoute.brief, { id: p.session.id }), p.studentCookie)).json() as Brief).nudge).toBe(false);

    // Once the call has started the brief stays as it was at the start.
    await app.db
      .updateTable('sessions')
      .set({ status: 'live', started_at: new Date().toISOString() })
      .where('id', '=', p.session.id)
      .execute();
    const frozen = (await call(app, 'GET', apiPath(WeekRoute.brief, { id: p.session.id }), p.mentorCookie)).json() as Brief;
    expect(frozen.frozenAt).not.toBeNull();
    await call(app, 'POST', apiPath(WeekRoute.messages, { id: p.mentorshipId }), p.mentorCookie, { body: 'Late message' });
    const later = (await call(app, 'GET', apiPath(WeekRoute.brief, { id: p.session.id }), p.mentorCookie)).json() as Brief;
    expect(later.messages.count).toBe(frozen.messages.count);
    expect(toSession(await sessionRow(app, p.session.id)).status).toBe('live');
  });
});
