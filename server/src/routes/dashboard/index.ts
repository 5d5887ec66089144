import { ApiRoute, type DashboardResponse } from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { listMentorshipsOf, listSessions, nextAndPast } from '../../db/mentorships.js';
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
          return { mentorship, ...nextAndPast(await listSessions(app.db, mentorship.id)) };
        }),
      ),
    };
  });
};

export default dashboardRoutes;
