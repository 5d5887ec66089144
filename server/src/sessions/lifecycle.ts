import { ApiRoute, closedSessionStatuses, ErrorCode } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { WebhookEvent } from 'livekit-server-sdk';
import { closeOpenAttendance } from '../db/mentorships.js';
import { AppError } from '../lib/errors.js';
import { nowIso } from '../lib/time.js';
import { endSession } from './finalise.js';

export interface LifecycleOptions {
  /** How long a room may stay empty before its session ends by itself. */
  graceMs: number;
  /** How often the reconciler runs; 0 = never on its own (tests call it). */
  reconcileEveryMs: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: {
      /** Ends sessions whose room has been empty past the grace period, and notices empty rooms whose webhook never came. */
      reconcile(now?: Date): Promise<string[]>;
    };
  }
}

const eventTime = (e: WebhookEvent) => (e.createdAt ? new Date(Number(e.createdAt) * 1000).toISOString() : nowIso());

/** Applies one LiveKit webhook. Idempotent, and safe in any order: joins and leaves are keyed by participant sid. */
export async function applyWebhook(app: FastifyInstance, event: WebhookEvent): Promise<'applied' | 'duplicate' | 'ignored'> {
  const id = event.id;
  if (!id) return 'ignored';
  const fresh = await app.db
    .insertInto('webhook_events')
    .values({ id, event: event.event, received_at: nowIso() })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (Number(fresh.numInsertedOrUpdatedRows ?? 0) === 0) return 'duplicate';
  const roomName = event.room?.name;
  if (!roomName) return 'ignored';
  const session = await app.db.selectFrom('sessions').selectAll().where('room_name', '=', roomName).executeTakeFirst();
  if (!session || closedSessionStatuses.includes(session.status)) return 'ignored';
  const at = eventTime(event);
  const sid = event.participant?.sid;
  const userId = event.participant?.identity;
  // Joins and leaves count only for people we know (not the hidden transcriber).
  const isPersonEvent = event.event === 'participant_joined' || event.event === 'participant_left';
  if (isPersonEvent && (!sid || !userId || !(await app.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()))) {
    return 'ignored';
  }

  switch (event.event) {
    case 'room_started':
      await app.db
        .updateTable('sessions')
        .set({ status: 'live', started_at: session.started_at ?? at })
        .where('id', '=', session.id)
        .execute();
      break;
    case 'participant_joined': {
      if (!sid || !userId) return 'ignored';
      const existing = await app.db
        .selectFrom('attendance')
        .select('joined_at')
        .where('session_id', '=', session.id)
        .where('participant_sid', '=', sid)
        .executeTakeFirst();
      if (!existing) {
        await app.db
          .insertInto('attendance')
          .values({ session_id: session.id, user_id: userId, participant_sid: sid, joined_at: at, left_at: null })
          .execute();
      } else if (at < existing.joined_at) {
        // The join arrived after its leave: the leave made the row, the join gives it its real start.
        await app.db
          .updateTable('attendance')
          .set({ joined_at: at })
          .where('session_id', '=', session.id)
          .where('participant_sid', '=', sid)
          .execute();
      }
      // Only a join newer than the room going empty makes it occupied again.
      const reoccupied = !session.empty_since || at > session.empty_since;
      await app.db
        .updateTable('sessions')
        .set({
          status: 'live',
          started_at: session.started_at && session.started_at < at ? session.started_at : at,
          ...(reoccupied ? { empty_since: null } : {}),
        })
        .where('id', '=', session.id)
        .execute();
      break;
    }
    case 'participant_left': {
      if (!sid || !userId) return 'ignored';
      // A leave that overtook its join still counts: the row is made closed.
      await app.db
        .insertInto('attendance')
        .values({ session_id: session.id, user_id: userId, participant_sid: sid, joined_at: at, left_at: at })
        .onConflict((oc) => oc.columns(['session_id', 'participant_sid']).doUpdateSet({ left_at: at }))
        .execute();
      const stillIn = await app.db
        .selectFrom('attendance')
        .select('user_id')
        .where('session_id', '=', session.id)
        .where('left_at', 'is', null)
        .executeTakeFirst();
      if (!stillIn)
        await app.db
          .updateTable('sessions')
          .set({ empty_since: session.empty_since ?? at })
          .where('id', '=', session.id)
          .execute();
      break;
    }
    case 'room_finished':
      await app.db
        .updateTable('sessions')
        .set({ empty_since: session.empty_since ?? at })
        .where('id', '=', session.id)
        .execute();
      break;
    default:
      return 'ignored';
  }
  return 'applied';
}

/**
 * LiveKit webhooks (signature checked on the raw body) and the reconciler that
 * ends sessions whose room stayed empty, even when a webhook was lost.
 */
export default fp<LifecycleOptions>(
  async (app, opts) => {
    await app.register(async (scope) => {
      // The signature covers the exact bytes: keep the body raw in this scope only.
      scope.addContentTypeParser(
        ['application/webhook+json', 'application/json'],
        { parseAs: 'string', bodyLimit: 64 * 1024 },
        (_req, body, done) => done(null, body),
      );
      scope.post(ApiRoute.livekitWebhook, async (request) => {
        let event: WebhookEvent;
        try {
          event = await app.livekit.receiveWebhook(String(request.body ?? ''), request.headers.authorization);
        } catch {
          throw new AppError(401, ErrorCode.Unauthenticated, 'Invalid webhook signature.');
        }
        return { result: await applyWebhook(app, event) };
      });
    });

    async function reconcile(now = new Date()): Promise<string[]> {
      const live = await app.db.selectFrom('sessions').select(['id', 'room_name', 'empty_since']).where('status', '=', 'live').execute();
      if (live.length === 0) return [];
      // A room that is gone or empty while we think people are in it: a webhook was lost.
      const rooms = await app.livekit.listRooms(live.map((s) => s.room_name)).catch((err: unknown) => {
        app.log.warn({ err }, 'reconciler could not list LiveKit rooms');
        return null;
      });
      const ended: string[] = [];
      for (const s of live) {
        let emptySince = s.empty_since;
        // What tells us the room is occupied: LiveKit when it answers; when it does not, what this
        // server knows itself (someone of the pair has the session open), so a LiveKit outage
        // neither keeps empty sessions alive forever nor ends one people are still in.
        const occupied = rooms
          ? (rooms.find((r) => r.name === s.room_name)?.participants ?? 0) > 0
          : (await app.realtime.connectedTo(s.id)).length > 0;
        if (occupied) continue;
        if (!emptySince) {
          emptySince = now.toISOString();
          await app.db
            .updateTable('sessions')
            .set({ empty_since: emptySince })
            .where('id', '=', s.id)
            .where('empty_since', 'is', null)
            .execute();
          // Without LiveKit no leave webhook comes: nobody is counted present past this moment.
          if (!rooms) await closeOpenAttendance(app.db, s.id, emptySince);
        }
        if (now.getTime() - Date.parse(emptySince) >= opts.graceMs) {
          const result = await endSession(app, s.id, 'empty_room');
          if (result.ended) ended.push(s.id);
        }
      }
      return ended;
    }

    app.decorate('sessions', { reconcile });
    if (opts.reconcileEveryMs > 0) {
      // One pass at a time across nodes: the node holding the reconciler's lease runs it (and keeps
      // it by running); if that node dies, another takes it over three periods later.
      const timer = setInterval(() => {
        app.leases
          .acquire('reconciler', 3 * opts.reconcileEveryMs)
          .then((mine) => (mine ? reconcile() : []))
          .catch((err: unknown) => app.log.error({ err }, 'reconciler failed'));
      }, opts.reconcileEveryMs);
      timer.unref();
      app.addHook('onClose', async () => clearInterval(timer));
    }
  },
  { name: 'session-lifecycle', dependencies: ['db', 'livekit', 'realtime'] },
);
