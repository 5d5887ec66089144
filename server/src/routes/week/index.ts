import {
  ApiRoute,
  type Brief,
  ErrorCode,
  ExtraSessionBodySchema,
  MessagesQuerySchema,
  MoveDecisionBodySchema,
  MoveParamsSchema,
  OutcomeBodySchema,
  ProposeMoveBodySchema,
  ReadBodySchema,
  ReasonBodySchema,
  SendMessageBodySchema,
  WeekRoute,
} from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { accessTo, requireMentorshipAccess, requireSessionAccess } from '../../access.js';
import { getSessionRow, toSession } from '../../db/mentorships.js';
import { AppError, forbidden, unauthenticated } from '../../lib/errors.js';
import { limitRoutes } from '../../lib/limits.js';
import { buildBrief } from '../../week/brief.js';
import { deliverMessage, loadThread, markRead, postMessage } from '../../week/messages.js';
import { addExtraSession, cancelSession, correctOutcome, decideMove, loadSchedule, proposeMove, skipSession } from '../../week/schedule.js';

/** The week between calls: moving, skipping, adding and cancelling sessions; the pair's messages; the brief. */
const weekRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);
  await limitRoutes(app, 'week', 120);

  const sessionAfter = async (id: string) => {
    const row = await getSessionRow(app.db, id);
    if (!row) throw new Error('unreachable: the session was just read');
    app.week.kick();
    return { session: toSession(row) };
  };

  app.post(WeekRoute.moves, { config: { rateLimit: { max: 20, timeWindow: 60_000 } } }, async (request, reply) => {
    const a = await requireSessionAccess(app, request);
    const body = ProposeMoveBodySchema.parse(request.body);
    const result = await proposeMove(app.db, app.publicOrigin, a, body);
    app.mail.kick();
    app.week.kick();
    return reply.status(result.move ? 201 : 200).send({ ...result, ...(await sessionAfter(a.row.id)) });
  });

  app.post(WeekRoute.moveDecision, async (request) => {
    const user = request.user;
    if (!user) throw unauthenticated();
    const { id } = MoveParamsSchema.parse(request.params);
    const { decision } = MoveDecisionBodySchema.parse(request.body);
    const result = await decideMove(app.db, app.publicOrigin, user, id, decision, (mentorshipId) =>
      accessTo(app.db, user, { mentorshipId }),
    );
    app.mail.kick();
    return { ...result, ...(await sessionAfter(result.move.sessionId)) };
  });

  app.post(WeekRoute.skip, async (request) => {
    const a = await requireSessionAccess(app, request);
    const { reason } = ReasonBodySchema.parse(request.body);
    await skipSession(app.db, a, reason);
    await app.livekit.closeRoom(a.row.room_name).catch(() => undefined);
    return sessionAfter(a.row.id);
  });

  app.post(ApiRoute.cancelSession, async (request) => {
    const a = await requireSessionAccess(app, request);
    const { reason } = ReasonBodySchema.parse(request.body);
    await cancelSession(app.db, a, reason);
    await app.livekit.closeRoom(a.row.room_name).catch(() => undefined);
    return sessionAfter(a.row.id);
  });

  app.put(WeekRoute.outcome, async (request) => {
    const a = await requireSessionAccess(app, request);
    await correctOutcome(app.db, a, OutcomeBodySchema.parse(request.body));
    return sessionAfter(a.row.id);
  });

  app.get(WeekRoute.brief, async (request): Promise<Brief> => {
    const a = await requireSessionAccess(app, request);
    return buildBrief(app.db, a.row, a.mentorship, a.relation);
  });

  app.post(WeekRoute.extra, { config: { rateLimit: { max: 20, timeWindow: 60_000 } } }, async (request, reply) => {
    const a = await requireMentorshipAccess(app, request);
    const session = await addExtraSession(app.db, a, ExtraSessionBodySchema.parse(request.body));
    app.week.kick();
    return reply.status(201).send({ session });
  });

  app.get(WeekRoute.schedule, async (request) => loadSchedule(app.db, (await requireMentorshipAccess(app, request)).mentorship));

  app.get(WeekRoute.messages, async (request) => {
    const a = await requireMentorshipAccess(app, request);
    const { before } = MessagesQuerySchema.parse(request.query);
    return loadThread(app.db, a.mentorship, before);
  });

  app.post(WeekRoute.messages, { config: { rateLimit: { max: 30, timeWindow: 60_000 } } }, async (request, reply) => {
    const a = await requireMentorshipAccess(app, request);
    if (!a.member) throw forbidden('Only the mentor and the student write in their conversation.');
    if (!a.write) throw new AppError(409, ErrorCode.SessionClosed, 'This mentorship has ended: its conversation is read-only.');
    const { body } = SendMessageBodySchema.parse(request.body);
    const message = await postMessage(app.db, { mentorshipId: a.mentorship.id, authorId: a.user.id, body, sessionId: null });
    await deliverMessage(app, message, a.mentorship);
    return reply.status(201).send({ message });
  });

  app.post(WeekRoute.messagesRead, async (request) => {
    const a = await requireMentorshipAccess(app, request);
    if (!a.member) return { until: null };
    const { until } = ReadBodySchema.parse(request.body);
    const changed = await markRead(app.db, a.mentorship.id, a.user.id, until);
    if (changed) {
      app.realtime.messagesRead({ mentorshipId: a.mentorship.id, userId: a.user.id, until: changed }, [
        a.mentorship.mentor.id,
        a.mentorship.student.id,
      ]);
    }
    return { until: changed };
  });
};

export default weekRoutes;
