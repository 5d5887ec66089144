import { apiPath, ReportRoute } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, call, closeTestApps, createMentorship, createUser, signIn } from './helpers.js';

afterEach(closeTestApps);

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

/** A pair whose session ended `endedDaysAgo` days ago, everyone signed in. */
async function ended(app: FastifyInstance, endedDaysAgo = 0) {
  const p = await createMentorship(app);
  await app.db
    .updateTable('sessions')
    .set({ status: 'ended', ended_at: daysAgo(endedDaysAgo) })
    .where('id', '=', p.session.id)
    .execute();
  const other = await createMentorship(app);
  return {
    ...p,
    mentorCookie: await signIn(app, p.mentor),
    studentCookie: await signIn(app, p.student),
    admin: await signIn(app, await createUser(app, 'admin')),
    otherStudent: await signIn(app, other.student),
    outsider: await signIn(app, await createUser(app, 'mentor')),
  };
}

const report = { progress: 'behind', engagement: 3, comment: 'Moving house this month; keep the scope small.' };

describe('after each session: the mentor’s report and the student’s feedback', () => {
  it('the report is the mentor’s to write, staff read it, the student only when shared; nobody else sees it exists', async () => {
    const app = await buildTestApp();
    const p = await ended(app);
    const url = apiPath(ReportRoute.report, { id: p.session.id });
    expect((await call(app, 'PUT', url, p.studentCookie, report)).statusCode).toBe(403);
    expect((await call(app, 'PUT', url, p.admin, report)).statusCode).toBe(403);
    for (const body of [
      { ...report, engagement: 5 },
      { ...report, progress: 'fine' },
      { ...report, mood: 'ok' },
    ]) {
      expect((await call(app, 'PUT', url, p.mentorCookie, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    const saved = await call(app, 'PUT', url, p.mentorCookie, report);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().report).toMatchObject({ progress: 'behind', engagement: 3, shared: false });

    expect((await call(app, 'GET', url, p.admin)).json().report).toMatchObject({ comment: report.comment });
    expect((await call(app, 'GET', url, p.mentorCookie)).json()).toMatchObject({ editable: true, report: { progress: 'behind' } });
    // Not shared: the student reads nothing, not even that there is one.
    expect((await call(app, 'GET', url, p.studentCookie)).json()).toEqual({ report: null, editable: false });
    await call(app, 'PUT', url, p.mentorCookie, { ...report, progress: 'on_track', shared: true });
    expect((await call(app, 'GET', url, p.studentCookie)).json().report).toMatchObject({ progress: 'on_track', shared: true });

    for (const cookie of [p.otherStudent, p.outsider]) {
      expect((await call(app, 'GET', url, cookie)).statusCode).toBe(404);
      expect((await call(app, 'PUT', url, cookie, report)).statusCode).toBe(404);
    }
    expect((await call(app, 'GET', url)).statusCode).toBe(401);
    expect((await call(app, 'PUT', url, undefined, report)).statusCode).toBe(401);
    const row = await app.db.selectFrom('session_reports').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ progress: 'on_track', shared: 1, mentor_id: p.mentor.id });
  });

  it('the feedback is the student’s to write and the mentor’s to read; both only after the session and for 7 days', async () => {
    const app = await buildTestApp();
    const p = await ended(app);
    const url = apiPath(ReportRoute.feedback, { id: p.session.id });
    expect((await call(app, 'PUT', url, p.mentorCookie, { usefulness: 4 })).statusCode).toBe(403);
    expect((await call(app, 'PUT', url, p.studentCookie, { usefulness: 0 })).statusCode).toBe(400);
    const saved = await call(app, 'PUT', url, p.studentCookie, { usefulness: 4, comment: 'The review of my CV helped.' });
    expect(saved.statusCode).toBe(200);
    expect((await call(app, 'GET', url, p.mentorCookie)).json()).toMatchObject({ feedback: { usefulness: 4 }, editable: false });
    expect((await call(app, 'GET', url, p.studentCookie)).json()).toMatchObject({
      feedback: { comment: 'The review of my CV helped.' },
      editable: true,
    });
    for (const cookie of [p.otherStudent, p.outsider]) expect((await call(app, 'GET', url, cookie)).statusCode).toBe(404);
    expect((await call(app, 'PUT', url, undefined, { usefulness: 4 })).statusCode).toBe(401);

    // Not yet held: nothing to say. Eight days on: read-only.
    const upcoming = await createMentorship(app);
    const early = apiPath(ReportRoute.feedback, { id: upcoming.session.id });
    expect((await call(app, 'PUT', early, await signIn(app, upcoming.student), { usefulness: 3 })).statusCode).toBe(409);
    const old = await ended(app, 8);
    expect(
      (await call(app, 'PUT', apiPath(ReportRoute.feedback, { id: old.session.id }), old.studentCookie, { usefulness: 3 })).statusCode,
    ).toBe(409);
    expect((await call(app, 'PUT', apiPath(ReportRoute.report, { id: old.session.id }), old.mentorCookie, report)).statusCode).toBe(409);
    expect((await call(app, 'GET', apiPath(ReportRoute.report, { id: old.session.id }), old.mentorCookie)).json().editable).toBe(false);
  });
});
