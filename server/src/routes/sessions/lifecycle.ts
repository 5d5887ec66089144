import { ApiRoute, type EndSessionResponseSchema, ErrorCode, type SessionRecord } from '@tandem/shared';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { requireSessionAccess } from '../../access.js';
import { loadRecord } from '../../db/records.js';
import { AppError, forbidden } from '../../lib/errors.js';
import { recordToMarkdown } from '../../sessions/exports.js';
import { endSession } from '../../sessions/finalise.js';

/** Ending, cancelling, and the saved record of a session. */
const sessionLifecycleRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);

  app.post(ApiRoute.endSession, async (request): Promise<z.input<typeof EndSessionResponseSchema>> => {
    const { row, mentor } = await requireSessionAccess(app, request);
    if (!mentor) throw forbidden('Only the mentor ends the session.');
    const result = await endSession(app, row.id, 'mentor');
    return { session: result.session, nextSession: result.nextSession };
  });

  const record = async (request: FastifyRequest): Promise<SessionRecord> => {
    const { row, mentorship } = await requireSessionAccess(app, request);
    const saved = await loadRecord(app.db, row.id, mentorship);
    if (!saved)
      throw new AppError(
        404,
        ErrorCode.NotFound,
        row.status === 'ended' ? 'This record is not saved yet.' : 'This session has not ended yet.',
      );
    return saved;
  };

  app.get(ApiRoute.sessionRecord, record);

  app.get(ApiRoute.sessionExport, async (request, reply) => {
    const r = await record(request);
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="tandem-week-${r.session.week}.md"`)
      .send(recordToMarkdown(r));
  });
};

export default sessionLifecycleRoutes;
