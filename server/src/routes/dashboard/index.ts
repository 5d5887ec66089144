import { ApiRoute, type DashboardResponse } from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { listMentorshipsOf, listSessions, nextAndPast } from '../../db/mentorships.js';
import { unauthenticated } from '../../lib/errors.js';
import { projectSummary } from '../../projects/projects.js';
import { unreadCounts } from '../../week/messages.js';
import { pendingMoves } from '../../week/schedule.js';

const dashboardRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);

  app.get(ApiRoute.dashboard, async (request): Promise<DashboardResponse> => {
    const user = request.user;
    if (!user) throw unauthenticated();
    const mentorships = await listMentorshipsOf(app.db, user);
    const unread = await unreadCounts(
      app.db,
      user.id,
      mentorships.map((m) => m.id),
    );
    return {
      mentorships: await Promise.all(
        mentorships.map(async (mentorship) => ({
          mentorship,
          ...nextAndPast(await listSessions(app.db, mentorship.id)),
          unread: unread.get(mentorship.id) ?? 0,
          pendingMoves: await pendingMoves(app.db, mentorship),
          projects: await projectSummary(app.db, mentorship.id),
        })),
      ),
    };
  });
};

export default dashboardRoutes;
