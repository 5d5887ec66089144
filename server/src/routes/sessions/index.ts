import {
  ApiRoute,
  closedSessionStatuses,
  ErrorCode,
  type Mentorship,
  type Session,
  type SessionDetailResponse,
  SessionParamsSchema,
  type SessionTokenResponse,
  type User,
} from '@tandem/shared';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { getMentorship, getSessionRow, isMember, toSession } from '../../db/mentorships.js';
import { AppError, forbidden, notFound, unauthenticated } from '../../lib/errors.js';

interface Loaded {
  user: User;
  session: Session;
  roomName: string;
  mentorship: Mentorship;
}

/** Loads a session the caller may see: its pair or an admin. Others get 404, not a hint that it exists. */
async function loadVisibleSession(app: FastifyInstance, request: FastifyRequest): Promise<Loaded | { user: User; hidden: true }> {
  const user = request.user;
  if (!user) throw unauthenticated();
  const { id } = SessionParamsSchema.parse(request.params);
  const row = await getSessionRow(app.db, id);
  const mentorship = row && (await getMentorship(app.db, row.mentorship_id));
  if (!row || !mentorship) throw notFound('This session');
  if (!isMember(mentorship, user) && user.role !== 'admin') return { user, hidden: true };
  return { user, session: toSession(row), roomName: row.room_name, mentorship };
}

const sessionRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);

  app.get(ApiRoute.session, async (request): Promise<SessionDetailResponse> => {
    const loaded = await loadVisibleSession(app, request);
    if ('hidden' in loaded) throw notFound('This session');
    return { session: loaded.session, mentorship: loaded.mentorship };
  });

  app.post(ApiRoute.sessionToken, async (request): Promise<SessionTokenResponse> => {
    const loaded = await loadVisibleSession(app, request);
    // Joining is stricter than seeing: only the pair is ever in the room, never an admin or an outsider.
    if ('hidden' in loaded || !isMember(loaded.mentorship, loaded.user)) {
      throw forbidden('Only the mentor and the student of this mentorship can join its sessions.');
    }
    if (closedSessionStatuses.includes(loaded.session.status)) {
      throw new AppError(409, ErrorCode.SessionClosed, 'This session is over; its record is read-only.');
    }
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
