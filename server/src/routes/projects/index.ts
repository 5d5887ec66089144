import {
  EditProjectBodySchema,
  GoalTimelineRoute,
  NewProjectBodySchema,
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
import { notFound } from '../../lib/errors.js';
import { limitRoutes } from '../../lib/limits.js';
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
import { goalTimelines } from '../../projects/timeline.js';

/** The projects of a pair's path: set by the mentor (or staff), submitted by the student, reviewed by the mentor. */
const projectRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);
  await limitRoutes(app, 120);

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
