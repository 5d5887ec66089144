import {
  type CaptionsOpenAckSchema,
  type CaptionsState,
  ClientEvent,
  ErrorCode,
  type Result,
  type TranscriptSegment,
} from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { TranscriptionService } from '../transcript/service.js';
import { deliverMessage, postMessage } from '../week/messages.js';
import { handle, sessionAccess, sessionNotFound } from './handle.js';
import type { RealtimeDomain } from './io.js';
import { Rooms } from './rooms.js';

/** Live captions, consent and in-call chat. */
export function captionsDomain(service: TranscriptionService) {
  return (app: FastifyInstance): RealtimeDomain =>
    (_io, socket) => {
      socket.on(
        ClientEvent.captionsOpen.name,
        handle(
          app,
          socket,
          ClientEvent.captionsOpen.payload,
          async ({ sessionId }): Promise<Result<z.input<typeof CaptionsOpenAckSchema>>> => {
            const a = await sessionAccess(app, socket.data.user, sessionId);
            if (!a) return sessionNotFound;
            await socket.join(Rooms.captions(sessionId));
            // Both agreed for all sessions already: this one's captions start as it opens.
            if (a.write) await service.resume(sessionId);
            return { ok: true, data: { ...(await service.state(sessionId)), segments: await service.segments(sessionId) } };
          },
        ),
      );

      socket.on(
        ClientEvent.captionsConsent.name,
        handle(app, socket, ClientEvent.captionsConsent.payload, async ({ sessionId, consent, scope }): Promise<Result<CaptionsState>> => {
          const a = await sessionAccess(app, socket.data.user, sessionId);
          if (!a) return sessionNotFound;
          if (!a.member)
            return { ok: false, error: { code: ErrorCode.Forbidden, message: 'Only the mentor and the student give consent.' } };
          // Withdrawing is always allowed; agreeing only while the session is open.
          if (!a.write && consent) return { ok: false, error: { code: ErrorCode.SessionClosed, message: 'This session has ended.' } };
          return { ok: true, data: await service.setConsent(sessionId, socket.data.user.id, consent, scope) };
        }),
      );

      socket.on(
        ClientEvent.chatSend.name,
        handle(app, socket, ClientEvent.chatSend.payload, async ({ sessionId, text }): Promise<Result<TranscriptSegment>> => {
          const a = await sessionAccess(app, socket.data.user, sessionId);
          if (!a) return sessionNotFound;
          if (!a.member) return { ok: false, error: { code: ErrorCode.Forbidden, message: 'Only the mentor and the student write here.' } };
          if (!a.write)
            return { ok: false, error: { code: ErrorCode.SessionClosed, message: 'This session has ended; its chat is read-only.' } };
          const at = await service.now(sessionId);
          const segment = await service.record(
            sessionId,
            { speakerId: socket.data.user.id, speakerName: socket.data.user.displayName, kind: 'chat', startMs: at, endMs: at, text },
            true,
          );
          // The call's chat and the conversation between sessions are one thread.
          const message = await postMessage(app.db, {
            mentorshipId: a.mentorship.id,
            authorId: socket.data.user.id,
            body: text,
            sessionId,
          });
          await deliverMessage(app, message, a.mentorship);
          return { ok: true, data: segment };
        }),
      );
    };
}
