import {
  ApiRoute,
  closedSessionStatuses,
  ErrorCode,
  joinOpensAt,
  type SessionDetailResponse,
  type SessionTokenResponse,
} from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { requireSessionAccess } from '../../access.js';
import { toSession } from '../../db/mentorships.js';
import { AppError, forbidden } from '../../lib/errors.js';

const sessionRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);

  app.get(ApiRoute.session, async (request): Promise<SessionDetailResponse> => {
    const { row, mentorship } = await requireSessionAccess(app, request);
    return { session: toSession(row), mentorship, joinOpensAt: joinOpensAt(row.scheduled_at, app.joinWindowMinutes) };
  });

  app.post(ApiRoute.sessionToken, async (request): Promise<SessionTokenResponse> => {
    // An outsider gets the same 404 as for a session that does not exist.
    const a = await requireSessionAccess(app, request);
    const { row } = a;
    // Joining is stricter than seeing: only the pair is ever in the room, never an admin.
    if (!a.member) throw forbidden('Only the mentor and the student of this mentorship can join its sessions.');
    if (closedSessionStatuses.includes(row.status)) {
      throw new AppError(409, ErrorCode.SessionClosed, 'This session is over; its record is read-only.');
    }
    const opensAt = joinOpensAt(row.scheduled_at, app.joinWindowMinutes);
    if (row.status === 'scheduled' && Date.now() < Date.parse(opensAt)) {
      throw new AppError(409, ErrorCode.NotYetOpen, `This session opens to join at ${opensAt}.`);
    }
    const loaded = { user: a.user, roomName: row.room_name, session: toSession(row) };
    const { token, expiresAt } = await app.livekit.mintToken({
      identity: loaded.user.id,
      name: loaded.user.displayName,
      roomName: loaded.roomName,
    });
    const lk = app.livekit.config;
    request.log.info({ sessionId: loaded.session.id, userId: loaded.user.id }, 'livekit token minted');
    return {
      url: lk.publicUrl,
      token,
      roomName: loaded.roomName,
      identity: loaded.user.id,
      expiresAt,
      ...(lk.iceServers ? { iceServers: lk.iceServers } : {}),
    };
  });
};

export default sessionRoutes;
