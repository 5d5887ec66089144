import { randomUUID } from 'node:crypto';
import {
  EditProjectBodySchema,
  ErrorCode,
  GoalQuoteBodySchema,
  GoalQuoteRoute,
  GoalQuotesMax,
  GoalTimelineRoute,
  NewProjectBodySchema,
  ProgressRoute,
  ProjectOrderBodySchema,
  ProjectParamsSchema,
  ProjectRoute,
  type ProjectsResponse,
  ReviewBodySchema,
  SubmitBodySchema,
  TemplateBodySchema,
} from '@tandem/shared';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireAccess, requireAdmin, requireMentorshipAccess } from '../../access.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { limitRoutes } from '../../lib/limits.js';
import { nowIso } from '../../lib/time.js';
import {
  createProject,
  editProject,
  listProjects,
  listTemplates,
  orderProjects,
  projectsFromTemplate,
  reviewSubmission,
  saveTemplate,
  submitProject,
} from '../../projects/projects.js';
import { goalTimelines, progressOf } from '../../projects/timeline.js';

/** The projects of a pair's path: set by the mentor (or staff), submitted by the student, reviewed by the mentor. */
const projectRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);
  await limitRoutes(app, 'projects', 120);

  /** A project by id, through the one access rule of its mentorship (404 for anyone outside it). */
  const projectAccess = async (request: FastifyRequest) => {
    const { id } = ProjectParamsSchema.parse(request.params);
    const row = await app.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('This project');
    return { row, ...(await requireAccess(app, request, { mentorshipId: row.mentorship_id }, 'This project')) };
  };
  /** Both people's open pages (dashboard, the call's Project tab) read the projects again. */
  const changed = (mentorship: { id: string; mentor: { id: string }; student: { id: string } }) =>
    app.realtime.projectsChanged(mentorship.id, [mentorship.mentor.id, mentorship.student.id]);

  app.get(
    ProjectRoute.projects,
    async (request): Promise<ProjectsResponse> => listProjects(app.db, (await requireMentorshipAccess(app, request)).mentorship),
  );

  app.post(ProjectRoute.projects, async (request, reply) => {
    const a = await requireMentorshipAccess(app, request);
    const id = await createProject(app.db, a, NewProjectBodySchema.parse(request.body));
    changed(a.mentorship);
    return reply.status(201).send({ id, ...(await listProjects(app.db, a.mentorship)) });
  });

  app.put(ProjectRoute.projectOrder, async (request) => {
    const a = await requireMentorshipAccess(app, request);
    await orderProjects(app.db, a, ProjectOrderBodySchema.parse(request.body).ids);
    changed(a.mentorship);
    return listProjects(app.db, a.mentorship);
  });

  app.post(ProjectRoute.fromTemplate, async (request) => {
    const a = await requireMentorshipAccess(app, request);
    await projectsFromTemplate(app.db, a);
    changed(a.mentorship);
    return listProjects(app.db, a.mentorship);
  });

  app.patch(ProjectRoute.project, async (request) => {
    const a = await projectAccess(request);
    await editProject(app.db, a, a.row, EditProjectBodySchema.parse(request.body));
    changed(a.mentorship);
    return listProjects(app.db, a.mentorship);
  });

  app.post(ProjectRoute.submissions, { config: { rateLimit: { max: 20, timeWindow: 60_000 } } }, async (request, reply) => {
    const a = await projectAccess(request);
    const submission = await submitProject(app.db, app.publicOrigin, a, a.row, SubmitBodySchema.parse(request.body));
    app.mail.kick();
    changed(a.mentorship);
    return reply.status(201).send({ submission });
  });

  app.post(ProjectRoute.review, { config: { rateLimit: { max: 20, timeWindow: 60_000 } } }, async (request) => {
    const { id } = ProjectParamsSchema.parse(request.params);
    const sub = await app.db
      .selectFrom('submissions as s')
      .innerJoin('projects as p', 'p.id', 's.project_id')
      .select(['s.id', 'p.mentorship_id'])
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!sub) throw notFound('This submission');
    const a = await requireAccess(app, request, { mentorshipId: sub.mentorship_id }, 'This submission');
    const submission = await reviewSubmission(app.db, app.publicOrigin, a, sub.id, ReviewBodySchema.parse(request.body));
    app.mail.kick();
    changed(a.mentorship);
    return { submission };
  });

  app.get(GoalTimelineRoute, async (request) => ({
    goals: await goalTimelines(app.db, (await requireMentorshipAccess(app, request)).mentorship.id),
  }));

  // What the mentorship page draws; reports not shared stay with the mentor and staff.
  app.get(ProgressRoute, async (request) => {
    const { mentorship, mentor, relation } = await requireMentorshipAccess(app, request);
    return progressOf(app.db, mentorship.id, mentor || relation === 'admin');
  });

  // A transcript line or chat message of the pair's own sessions, quoted next to one of their goals.
  app.post(GoalQuoteRoute, async (request, reply) => {
    const { id } = ProjectParamsSchema.parse(request.params);
    const goal = await app.db.selectFrom('goals').select(['id', 'mentorship_id', 'deleted']).where('id', '=', id).executeTakeFirst();
    if (!goal || goal.deleted) throw notFound('This goal');
    const access = await requireAccess(app, request, { mentorshipId: goal.mentorship_id }, 'This goal');
    if (!access.write) throw forbidden('Only the pair can quote next to their goals, while the mentorship lasts.');
    const { segmentId } = GoalQuoteBodySchema.parse(request.body);
    const segment = await app.db
      .selectFrom('transcript_segments as t')
      .innerJoin('sessions as s', 's.id', 't.session_id')
      .select(['t.id', 't.session_id'])
      .where('t.id', '=', segmentId)
      .where('s.mentorship_id', '=', goal.mentorship_id)
      .executeTakeFirst();
    if (!segment) throw notFound('That line');
    const count = await app.db
      .selectFrom('goal_quotes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('goal_id', '=', goal.id)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= GoalQuotesMax)
      throw new AppError(409, ErrorCode.ValidationFailed, `A goal keeps at most ${GoalQuotesMax} quotes.`);
    const quoteId = randomUUID();
    const inserted = await app.db
      .insertInto('goal_quotes')
      .values({
        id: quoteId,
        goal_id: goal.id,
        segment_id: segment.id,
        session_id: segment.session_id,
        quoted_by: access.user.id,
        created_at: nowIso(),
      })
      .onConflict((oc) => oc.columns(['goal_id', 'segment_id']).doNothing())
      .executeTakeFirst();
    return reply.status(Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 ? 201 : 200).send({ quoted: true });
  });

  app.get(ProjectRoute.templates, async (request) => {
    requireAdmin(request);
    return listTemplates(app.db);
  });

  app.put(ProjectRoute.templates, async (request) => {
    requireAdmin(request);
    const body = TemplateBodySchema.parse(request.body);
    await saveTemplate(app.db, body.path, body.projects);
    return listTemplates(app.db);
  });
};

export default projectRoutes;
