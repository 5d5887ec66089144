import { ClientEvent, ErrorCode, type GoalsChanged, type GoalsSubscribeAckSchema, type Result, ServerEvent } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { loadGoals, loadSessionEvents, runGoalCommand } from '../db/goals.js';
import { handle, sessionAccess, sessionNotFound } from './handle.js';
import type { RealtimeDomain } from './io.js';
import { Rooms } from './rooms.js';

const room = Rooms.goals;

/** The session before this one in its mentorship, if any. */
async function previousSessionId(app: FastifyInstance, mentorshipId: string, sessionId: string): Promise<string | null> {
  const current = await app.db.selectFrom('sessions').select('week').where('id', '=', sessionId).executeTakeFirstOrThrow();
  const prev = await app.db
    .selectFrom('sessions')
    .select('id')
    .where('mentorship_id', '=', mentorshipId)
    .where('week', '<', current.week)
    .orderBy('week', 'desc')
    .executeTakeFirst();
  return prev?.id ?? null;
}

/**
 * The goals panel: server-authoritative commands. Each command is one
 * transaction; its result goes back in the ack and, with the new version, to
 * everyone else who has the mentorship's goals open.
 */
export function goalsDomain() {
  return (app: FastifyInstance): RealtimeDomain =>
    (_io, socket) => {
      /** Sessions whose goals this socket has open, with their mentorship and write access. */
      const open = new Map<string, { mentorshipId: string; readOnly: boolean }>();

      socket.on(
        ClientEvent.goalsSubscribe.name,
        handle(
          app,
          socket,
          ClientEvent.goalsSubscribe.payload,
          async ({ sessionId }): Promise<Result<z.input<typeof GoalsSubscribeAckSchema>>> => {
            const access = await sessionAccess(app, socket.data.user, sessionId);
            if (!access) return sessionNotFound;
            const mentorshipId = access.mentorship.id;
            open.set(sessionId, { mentorshipId, readOnly: !access.write });
            await socket.join(room(mentorshipId));
            const previous = await previousSessionId(app, mentorshipId, sessionId);
            // Loaded after joining the room: a change racing with this answer arrives as a newer version.
            const state = await loadGoals(app.db, mentorshipId);
            return {
              ok: true,
              data: {
                ...state,
                readOnly: !access.write,
                sessionEvents: await loadSessionEvents(app.db, sessionId),
                previousSessionEvents: previous ? await loadSessionEvents(app.db, previous) : [],
                previousSessionId: previous,
              },
            };
          },
        ),
      );

      socket.on(
        ClientEvent.goalsCommand.name,
        handle(app, socket, ClientEvent.goalsCommand.payload, async ({ sessionId, command }): Promise<Result<GoalsChanged>> => {
          const sub = open.get(sessionId);
          if (!sub) return { ok: false, error: { code: ErrorCode.NotJoined, message: 'Open the session’s goals first.' } };
          // Re-checked on every command: the session may have ended since the panel opened.
          const access = await sessionAccess(app, socket.data.user, sessionId);
          if (!access) return sessionNotFound;
          if (!access.member)
            return { ok: false, error: { code: ErrorCode.Forbidden, message: 'Only the mentor and the student change goals.' } };
          if (!access.write)
            return { ok: false, error: { code: ErrorCode.SessionClosed, message: 'This session has ended; its goals are read-only.' } };
          const result = await runGoalCommand(app.db, { user: socket.data.user, mentorshipId: sub.mentorshipId, sessionId }, command);
          if (result.ok) socket.to(room(sub.mentorshipId)).emit(ServerEvent.goalsChanged.name, result.data);
          return result;
        }),
      );
    };
}
