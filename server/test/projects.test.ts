import { randomUUID } from 'node:crypto';
import {
  apiPath,
  GoalQuoteRoute,
  type GoalTimeline,
  GoalTimelineRoute,
  type ProgressResponse,
  ProgressRoute,
  type Project,
  ProjectRoute,
  ReportRoute,
} from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { runGoalCommand } from '../src/db/goals.js';
import { insertSession } from '../src/db/mentorships.js';
import { buildTestApp, call, closeTestApps, createMentorship, createUser, insertRecord, signIn } from './helpers.js';
import { connectOutcome, listen, newNoteClient, newSocket, noteXml, until } from './realtime.js';

afterEach(closeTestApps);

async function pair(app: FastifyInstance) {
  const p = await createMentorship(app);
  return { ...p, mentorCookie: await signIn(app, p.mentor), studentCookie: await signIn(app, p.student) };
}

const list = async (app: FastifyInstance, mentorshipId: string, cookie: string) =>
  (await call(app, 'GET', apiPath(ProjectRoute.projects, { id: mentorshipId }), cookie)).json() as {
    projects: Project[];
    currentId: string | null;
  };
const mails = (app: FastifyInstance, purpose: string) =>
  app.db.selectFrom('mail_outbox').selectAll().where('purpose', '=', purpose).execute();

const portfolio = {
  title: 'Portfolio site',
  briefUrl: 'https://paths.example/portfolio',
  dueDate: '2026-12-20',
  criteria: ['Responsive down to 390 px', 'Passes axe with no serious issue', 'Deployed at a public address'],
};

describe('projects of the path', () => {
  it('the mentor (or staff) creates, edits and orders them; the student cannot; an approved one is final', async () => {
    const app = await buildTestApp();
    const p = await pair(app);
    const path = apiPath(ProjectRoute.projects, { id: p.mentorshipId });
    expect((await call(app, 'POST', path, p.studentCookie, portfolio)).statusCode).toBe(403);
    const first = await call(app, 'POST', path, p.mentorCookie, portfolio);
    expect(first.statusCode, first.body).toBe(201);
    const admin = await signIn(app, await createUser(app, 'admin'));
    const second = await call(app, 'POST', path, admin, { title: 'Data dashboard', criteria: ['Loads in under 2 s'] });
    expect(second.statusCode).toBe(201);
    let state = await list(app, p.mentorshipId, p.studentCookie);
    expect(state.projects.map((x) => [x.title, x.position, x.status])).toEqual([
      ['Portfolio site', 0, 'not_started'],
      ['Data dashboard', 1, 'not_started'],
    ]);
    expect(state.currentId).toBe(state.projects[0]?.id);
    expect(state.projects[0]?.criteria.map((c) => c.text)).toEqual(portfolio.criteria);

    // Bad input changes nothing.
    for (const body of [
      { ...portfolio, title: '' },
      { ...portfolio, criteria: [] },
      { ...portfolio, briefUrl: 'javascript:alert(1)' },
      { ...portfolio, dueDate: '20/12/2026' },
      { ...portfolio, status: 'approved' },
    ]) {
      expect((await call(app, 'POST', path, p.mentorCookie, body)).statusCode, JSON.stringify(body)).toBe(400);
    }

    const [a, b] = state.projects;
    if (!a || !b) throw new Error('two projects');
    const edited = await call(app, 'PATCH', apiPath(ProjectRoute.project, { id: a.id }), p.mentorCookie, {
      criteria: ['Responsive down to 390 px', 'Keyboard only works everywhere'],
    });
    expect(edited.statusCode).toBe(200);
    const criteria = (edited.json().projects as Project[])[0]?.criteria ?? [];
    // A criterion whose words stay keeps its id.
    expect(criteria[0]?.id).toBe(a.criteria[0]?.id);
    expect(criteria.map((c) => c.text)).toEqual(['Responsive down to 390 px', 'Keyboard only works everywhere']);
    expect((await call(app, 'PATCH', apiPath(ProjectRoute.project, { id: a.id }), p.studentCookie, { title: 'Mine' })).statusCode).toBe(
      403,
    );

    const order = apiPath(ProjectRoute.projectOrder, { id: p.mentorshipId });
    expect((await call(app, 'PUT', order, p.mentorCookie, { ids: [b.id] })).statusCode).toBe(422);
    expect((await call(app, 'PUT', order, p.mentorCookie, { ids: [b.id, b.id] })).statusCode).toBe(422);
    expect((await call(app, 'PUT', order, p.studentCookie, { ids: [b.id, a.id] })).statusCode).toBe(403);
    const reordered = await call(app, 'PUT', order, p.mentorCookie, { ids: [b.id, a.id] });
    expect((reordered.json().projects as Project[]).map((x) => x.title)).toEqual(['Data dashboard', 'Portfolio site']);
    state = await list(app, p.mentorshipId, p.mentorCookie);
    expect(state.currentId).toBe(b.id);
  });

  it('submission, criterion-by-criterion review, changes requested, v2, approval: only the pair’s mentor approves, and it is final', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const p = await pair(app);
    const created = await call(app, 'POST', apiPath(ProjectRoute.projects, { id: p.mentorshipId }), p.mentorCookie, portfolio);
    const project = (created.json().projects as Project[])[0];
    if (!project) throw new Error('no project');
    const submit = (cookie: string, body: object) => call(app, 'POST', apiPath(ProjectRoute.submissions, { id: project.id }), cookie, body);
    const review = (cookie: string, id: string, body: object) => call(app, 'POST', apiPath(ProjectRoute.review, { id }), cookie, body);
    const studentSocket = newSocket(url, { cookie: p.studentCookie });
    expect(await connectOutcome(studentSocket)).toBe('connected');
    const told: string[] = [];
    studentSocket.on('projects:changed', ({ mentorshipId }) => told.push(mentorshipId));

    expect((await submit(p.mentorCookie, { links: ['https://github.com/sol/portfolio'] })).statusCode).toBe(403);
    for (const body of [
      { links: [] },
      { links: ['ftp://x.example/a'] },
      { links: Array(6).fill('https://x.example') },
      { links: ['https://a.example'], extra: 1 },
    ]) {
      expect((await submit(p.studentCookie, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    const v1 = await submit(p.studentCookie, {
      links: ['https://github.com/sol/portfolio', 'https://sol.example'],
      note: 'First version, the contact form is missing.',
    });
    expect(v1.statusCode, v1.body).toBe(201);
    expect(v1.json().submission).toMatchObject({
      version: 1,
      status: 'pending',
      links: ['https://github.com/sol/portfolio', 'https://sol.example'],
    });
    expect((await mails(app, 'project-submitted')).map((m) => m.to_address)).toEqual([p.mentor.email]);
    expect((await submit(p.studentCookie, { links: ['https://sol.example'] })).statusCode).toBe(409);
    expect((await list(app, p.mentorshipId, p.studentCookie)).projects[0]?.status).toBe('submitted');

    const id1 = v1.json().submission.id as string;
    const all = (met: boolean) => project.criteria.map((c) => ({ criterionId: c.id, met, comment: met ? '' : 'Not yet' }));
    // Only the pair's mentor: not the student, not staff, not another mentor (who cannot even see it).
    const admin = await signIn(app, await createUser(app, 'admin'));
    const other = await createMentorship(app);
    expect((await review(p.studentCookie, id1, { decision: 'approved', criteria: all(true) })).statusCode).toBe(403);
    expect((await review(admin, id1, { decision: 'approved', criteria: all(true) })).statusCode).toBe(403);
    expect((await review(await signIn(app, other.mentor), id1, { decision: 'approved', criteria: all(true) })).statusCode).toBe(404);
    // Every criterion judged; approval needs every one met; changes need a summary.
    expect((await review(p.mentorCookie, id1, { decision: 'approved', criteria: all(true).slice(1) })).statusCode).toBe(422);
    expect((await review(p.mentorCookie, id1, { decision: 'approved', criteria: all(false) })).statusCode).toBe(422);
    expect((await review(p.mentorCookie, id1, { decision: 'changes_requested', criteria: all(false) })).statusCode).toBe(422);

    const judged = project.criteria.map((c, i) => ({
      criterionId: c.id,
      met: i !== 2,
      comment: i === 2 ? 'Deploy it somewhere public' : 'Good',
    }));
    const changes = await review(p.mentorCookie, id1, {
      decision: 'changes_requested',
      summary: 'Almost there: deploy it.',
      criteria: judged,
    });
    expect(changes.statusCode, changes.body).toBe(200);
    expect(changes.json().submission.review).toMatchObject({ summary: 'Almost there: deploy it.', by: { id: p.mentor.id } });
    expect(changes.json().submission.review.criteria[2]).toEqual({
      criterionId: project.criteria[2]?.id,
      met: false,
      comment: 'Deploy it somewhere public',
    });
    expect((await mails(app, 'project-changes-requested')).map((m) => m.to_address)).toEqual([p.student.email]);
    await until(() => told.length >= 1, 'the student told live');
    expect((await review(p.mentorCookie, id1, { decision: 'approved', criteria: all(true) })).statusCode).toBe(409);

    const v2 = await submit(p.studentCookie, { links: ['https://sol.example'], note: 'Deployed.' });
    expect(v2.json().submission.version).toBe(2);
    const approved = await review(p.mentorCookie, v2.json().submission.id, {
      decision: 'approved',
      summary: 'Great work.',
      criteria: all(true),
    });
    expect(approved.statusCode).toBe(200);
    const state = await list(app, p.mentorshipId, p.studentCookie);
    expect(state.projects[0]).toMatchObject({ status: 'approved' });
    expect(state.projects[0]?.approvedAt).toBeTruthy();
    expect(state.projects[0]?.submissions.map((s) => [s.version, s.status])).toEqual([
      [2, 'approved'],
      [1, 'changes_requested'],
    ]);
    expect(state.currentId).toBeNull();
    expect((await mails(app, 'project-approved')).map((m) => m.to_address)).toEqual([p.student.email]);
    // Final: no new version, no edit.
    expect((await submit(p.studentCookie, { links: ['https://sol.example/v3'] })).statusCode).toBe(409);
    expect(
      (await call(app, 'PATCH', apiPath(ProjectRoute.project, { id: project.id }), p.mentorCookie, { title: 'Renamed' })).statusCode,
    ).toBe(409);
    studentSocket.disconnect();
  });

  it('outsiders, the other pair’s student and signed-out visitors get nothing; staff keep template lists per path', async () => {
    const app = await buildTestApp();
    const p = await pair(app);
    const other = await createMentorship(app);
    const created = await call(app, 'POST', apiPath(ProjectRoute.projects, { id: p.mentorshipId }), p.mentorCookie, portfolio);
    const project = (created.json().projects as Project[])[0];
    if (!project) throw new Error('no project');
    const sub = await call(app, 'POST', apiPath(ProjectRoute.submissions, { id: project.id }), p.studentCookie, {
      links: ['https://sol.example'],
    });
    const subId = sub.json().submission.id as string;
    const routes: ['GET' | 'POST' | 'PUT' | 'PATCH', string, object | undefined][] = [
      ['GET', apiPath(ProjectRoute.projects, { id: p.mentorshipId }), undefined],
      ['POST', apiPath(ProjectRoute.projects, { id: p.mentorshipId }), portfolio],
      ['PUT', apiPath(ProjectRoute.projectOrder, { id: p.mentorshipId }), { ids: [project.id] }],
      ['POST', apiPath(ProjectRoute.fromTemplate, { id: p.mentorshipId }), {}],
      ['PATCH', apiPath(ProjectRoute.project, { id: project.id }), { title: 'x' }],
      ['POST', apiPath(ProjectRoute.submissions, { id: project.id }), { links: ['https://x.example'] }],
      ['POST', apiPath(ProjectRoute.review, { id: subId }), { decision: 'approved', criteria: [{ criterionId: project.id, met: true }] }],
    ];
    for (const cookie of [await signIn(app, other.student), await signIn(app, await createUser(app, 'mentor'))]) {
      for (const [method, url, body] of routes)
        expect((await call(app, method, url, cookie, body)).statusCode, `${method} ${url}`).toBe(404);
    }
    for (const [method, url, body] of routes)
      expect((await call(app, method, url, undefined, body)).statusCode, `${method} ${url}`).toBe(401);
    const state = await list(app, p.mentorshipId, p.mentorCookie);
    expect(state.projects).toHaveLength(1);
    expect(state.projects[0]).toMatchObject({ title: 'Portfolio site', status: 'submitted' });
    expect(state.projects[0]?.submissions).toHaveLength(1);

    // Templates: staff only; a pair whose path has one gets it appended in order.
    const admin = await signIn(app, await createUser(app, 'admin'));
    const pathName = (await app.db.selectFrom('mentorships').select('title').where('id', '=', p.mentorshipId).executeTakeFirstOrThrow())
      .title;
    const template = {
      path: pathName,
      projects: [
        { title: 'CV page', criteria: ['Fits one screen'] },
        { title: 'Blog', briefUrl: 'https://paths.example/blog', criteria: ['RSS feed'] },
      ],
    };
    expect((await call(app, 'PUT', ProjectRoute.templates, p.mentorCookie, template)).statusCode).toBe(403);
    expect((await call(app, 'GET', ProjectRoute.templates, p.studentCookie)).statusCode).toBe(403);
    expect((await call(app, 'PUT', ProjectRoute.templates, admin, template)).statusCode).toBe(200);
    expect((await call(app, 'GET', ProjectRoute.templates, admin)).json().paths).toEqual([
      {
        path: pathName,
        projects: [
          { title: 'CV page', briefUrl: null, criteria: ['Fits one screen'] },
          { title: 'Blog', briefUrl: 'https://paths.example/blog', criteria: ['RSS feed'] },
        ],
      },
    ]);
    const applied = await call(app, 'POST', apiPath(ProjectRoute.fromTemplate, { id: p.mentorshipId }), p.mentorCookie, {});
    expect((applied.json().projects as Project[]).map((x) => x.title)).toEqual(['Portfolio site', 'CV page', 'Blog']);
    expect(
      (await call(app, 'POST', apiPath(ProjectRoute.fromTemplate, { id: other.mentorshipId }), await signIn(app, other.mentor), {}))
        .statusCode,
    ).toBe(422);
  });

  it('tells each goal’s story from its events: set when and by whom, each change with its week, weeks carried', async () => {
    const app = await buildTestApp();
    const p = await pair(app);
    const endSession = (id: string) =>
      app.db.updateTable('sessions').set({ status: 'ended', ended_at: new Date().toISOString() }).where('id', '=', id).execute();
    const tick = () => new Promise((r) => setTimeout(r, 5));
    const goalId = randomUUID();
    const ctx = (sessionId: string | null, user = p.student) => ({
      user: { ...user, displayName: user.displayName } as never,
      mentorshipId: p.mentorshipId,
      sessionId,
    });
    // Week 1: the student sets it. Week 2: in progress. Week 3: done.
    expect(
      (await runGoalCommand(app.db, ctx(p.session.id), { type: 'create', goalId, fields: { title: 'Ship the portfolio' }, orderKey: 'a0' }))
        .ok,
    ).toBe(true);
    await tick();
    await endSession(p.session.id);
    const w2 = await insertSession(app.db, { mentorshipId: p.mentorshipId, scheduledAt: new Date().toISOString(), durationMinutes: 60 });
    expect((await runGoalCommand(app.db, ctx(w2.id, p.mentor), { type: 'update', goalId, patch: { status: 'in_progress' } })).ok).toBe(
      true,
    );
    await tick();
    await endSession(w2.id);
    const w3 = await insertSession(app.db, { mentorshipId: p.mentorshipId, scheduledAt: new Date().toISOString(), durationMinutes: 60 });
    await tick();
    expect((await runGoalCommand(app.db, ctx(w3.id), { type: 'update', goalId, patch: { status: 'done' } })).ok).toBe(true);
    await tick();
    await endSession(w3.id);

    const res = await call(app, 'GET', apiPath(GoalTimelineRoute, { id: p.mentorshipId }), p.mentorCookie);
    expect(res.statusCode).toBe(200);
    const [goal] = res.json().goals as GoalTimeline[];
    expect(goal).toMatchObject({
      title: 'Ship the portfolio',
      status: 'done',
      setBy: p.student.displayName,
      setInWeek: 1,
      weeksCarried: 2,
    });
    expect(goal?.events.map((e) => [e.week, e.detail, e.by])).toEqual([
      [1, 'created', p.student.displayName],
      [2, 'status: open → in_progress', p.mentor.displayName],
      [3, 'status: in_progress → done', p.student.displayName],
    ]);
    const other = await createMentorship(app);
    expect((await call(app, 'GET', apiPath(GoalTimelineRoute, { id: p.mentorshipId }), await signIn(app, other.student))).statusCode).toBe(
      404,
    );
    expect((await call(app, 'GET', apiPath(GoalTimelineRoute, { id: p.mentorshipId }))).statusCode).toBe(401);
  });

  it('links a goal to one of the pair’s projects, quotes transcript lines next to it, and draws the weeks (access matrix)', async () => {
    const app = await buildTestApp();
    const p = await pair(app);
    const other = await createMentorship(app);
    const otherStudent = await signIn(app, other.student);
    const outsider = await signIn(app, await createUser(app, 'mentor'));
    const admin = await signIn(app, await createUser(app, 'admin'));
    const made = await call(app, 'POST', apiPath(ProjectRoute.projects, { id: p.mentorshipId }), p.mentorCookie, portfolio);
    const projectId = (made.json().projects as Project[])[0]?.id ?? '';
    const foreign = await call(app, 'POST', apiPath(ProjectRoute.projects, { id: other.mentorshipId }), await signIn(app, other.mentor), {
      title: 'Not theirs',
      criteria: ['x'],
    });
    const foreignId = (foreign.json().projects as Project[])[0]?.id ?? '';
    const ctx = (sessionId: string, user = p.student) => ({ user: { ...user } as never, mentorshipId: p.mentorshipId, sessionId });
    const goalId = randomUUID();

    // A goal serves one of the pair's own projects; another pair's project "does not exist".
    const refused = await runGoalCommand(app.db, ctx(p.session.id), {
      type: 'create',
      goalId,
      fields: { title: 'Deploy it', projectId: foreignId },
      orderKey: 'a0',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await app.db.selectFrom('goals').select('id').where('id', '=', goalId).executeTakeFirst()).toBeUndefined();
    expect(
      (await runGoalCommand(app.db, ctx(p.session.id), { type: 'create', goalId, fields: { title: 'Deploy it' }, orderKey: 'a0' })).ok,
    ).toBe(true);
    expect((await runGoalCommand(app.db, ctx(p.session.id, p.mentor), { type: 'update', goalId, patch: { projectId } })).ok).toBe(true);
    expect((await runGoalCommand(app.db, ctx(p.session.id, p.mentor), { type: 'focus', goalId })).ok).toBe(true);

    // A line of the session's transcript and a chat message, quoted next to the goal.
    const seg = async (sessionId: string, kind: 'speech' | 'chat', text: string, startMs: number) => {
      const id = randomUUID();
      await app.db
        .insertInto('transcript_segments')
        .values({
          id,
          session_id: sessionId,
          speaker_id: p.mentor.id,
          speaker_name: p.mentor.displayName,
          kind,
          start_ms: startMs,
          end_ms: startMs + 2000,
          text,
          created_at: new Date().toISOString(),
        })
        .execute();
      return id;
    };
    const line = await seg(p.session.id, 'speech', 'Deploy it on a free host first, then buy the domain.', 125_000);
    const chat = await seg(p.session.id, 'chat', 'https://pages.example/deploy-guide', 130_000);
    const elsewhere = await seg(other.session.id, 'speech', 'Another pair’s words', 1_000);
    const quote = (cookie: string | undefined, segmentId: string, id = goalId) =>
      call(app, 'POST', apiPath(GoalQuoteRoute, { id }), cookie, { segmentId });
    expect((await quote(p.studentCookie, line)).statusCode).toBe(201);
    expect((await quote(p.studentCookie, line)).statusCode).toBe(200); // quoting twice keeps one
    expect((await quote(p.mentorCookie, chat)).statusCode).toBe(201);
    expect((await quote(p.mentorCookie, elsewhere)).statusCode).toBe(404);
    expect((await quote(otherStudent, line)).statusCode).toBe(404);
    expect((await quote(outsider, line)).statusCode).toBe(404);
    expect((await quote(admin, line)).statusCode).toBe(403);
    expect((await quote(undefined, line)).statusCode).toBe(401);
    expect(
      (await call(app, 'POST', apiPath(GoalQuoteRoute, { id: goalId }), p.mentorCookie, { segmentId: line, text: 'forged' })).statusCode,
    ).toBe(400);
    expect(await app.db.selectFrom('goal_quotes').select('id').execute()).toHaveLength(2);

    // Week 1 ends with the mentor's report (not shared); week 2 is cancelled; week 3 is held.
    await app.db
      .updateTable('sessions')
      .set({ status: 'ended', ended_at: new Date().toISOString() })
      .where('id', '=', p.session.id)
      .execute();
    await insertRecord(app, p.session.id, { durationSeconds: 2700 });
    expect(
      (
        await call(app, 'PUT', apiPath(ReportRoute.report, { id: p.session.id }), p.mentorCookie, {
          progress: 'behind',
          engagement: 3,
          comment: '',
        })
      ).statusCode,
    ).toBe(200);

    const timelines = (await call(app, 'GET', apiPath(GoalTimelineRoute, { id: p.mentorshipId }), p.studentCookie)).json()
      .goals as GoalTimeline[];
    const story = timelines.find((g) => g.goalId === goalId);
    expect(story?.project).toEqual({ id: projectId, title: 'Portfolio site' });
    expect(story?.events.map((e) => e.detail)).toContain('project: — → Portfolio site');
    expect(story?.quotes.map((q) => [q.kind, q.speaker, q.startMs, q.week, q.text])).toEqual([
      ['speech', p.mentor.displayName, 125_000, 1, 'Deploy it on a free host first, then buy the domain.'],
      ['chat', p.mentor.displayName, 130_000, 1, 'https://pages.example/deploy-guide'],
    ]);

    const progress = (cookie?: string) => call(app, 'GET', apiPath(ProgressRoute, { id: p.mentorshipId }), cookie);
    const forMentor = (await progress(p.mentorCookie)).json() as ProgressResponse;
    expect(forMentor.weeks).toHaveLength(1);
    expect(forMentor.weeks[0]).toMatchObject({ week: 1, outcome: 'held', goalsOpen: 1, goalsDone: 0, progress: 'behind' });
    expect(forMentor.focusGoals).toEqual([{ title: 'Deploy it', weeksCarried: 1, status: 'open' }]);
    // The report was not shared: the student's chart does not show it; staff's does.
    expect(((await progress(p.studentCookie)).json() as ProgressResponse).weeks[0]?.progress).toBeNull();
    expect(((await progress(admin)).json() as ProgressResponse).weeks[0]?.progress).toBe('behind');
    for (const cookie of [otherStudent, outsider]) expect((await progress(cookie)).statusCode).toBe(404);
    expect((await progress()).statusCode).toBe(401);
  });

  it('links the current project under the agenda’s project section of a new note ("Make progress on projects")', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const p = await pair(app);
    expect((await call(app, 'POST', apiPath(ProjectRoute.projects, { id: p.mentorshipId }), p.mentorCookie, portfolio)).statusCode).toBe(
      201,
    );
    const client = await newNoteClient(url, p.studentCookie, p.session.id);
    try {
      await until(() => client.sync.allSaved && noteXml(client.doc).includes('Portfolio site'), 'the note opened');
      const xml = noteXml(client.doc);
      const link = `href="${app.publicOrigin}/mentorships/${p.mentorshipId}/projects"`;
      expect(xml).toContain(link);
      // Under "Project progress", before the next section.
      expect(xml.indexOf('Project progress')).toBeLessThan(xml.indexOf('Portfolio site'));
      expect(xml.indexOf('Portfolio site')).toBeLessThan(xml.indexOf('New goals'));
    } finally {
      client.close();
    }
  });
});
