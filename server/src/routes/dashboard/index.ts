import { ApiRoute, closedSessionStatuses, type DashboardResponse } from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { listMentorshipsOf, listSessions } from '../../db/mentorships.js';
import { unauthenticated } from '../../lib/errors.js';

const dashboardRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);

  app.get(ApiRoute.dashboard, async (request): Promise<DashboardResponse> => {
    const user = request.user;
    if (!user) throw unauthenticated();
    const mentorships = await listMentorshipsOf(app.db, user);
    return {
      mentorships: await Promise.all(
        mentorships.map(async (mentorship) => {
          const sessions = await listSessions(app.db, mentorship.id);
          const open = sessions.filter((s) => !closedSessionStatuses.includes(s.status));
          return {
            mentorship,
            // listSessions is newest first: the next one is the earliest still open.
            nextSession: open.at(-1) ?? null,
            pastSessions: sessions.filter((s) => closedSessionStatuses.includes(s.status)),
          };
        }),
      ),
    };
  });
};

export default dashboardRoutes;
