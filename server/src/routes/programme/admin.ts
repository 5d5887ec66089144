import {
  type AuditResponse,
  CreatePairBodySchema,
  IdParamsSchema,
  type InvitationsResponse,
  InviteBodySchema,
  localDate,
  type OutboxResponse,
  type PairResponse,
  PairSlotBodySchema,
  PairStatusBodySchema,
  type PairsResponse,
  PeopleQuerySchema,
  type PeopleResponse,
  ProgrammeRoute,
  ReassignBodySchema,
  type WeekResponse,
  zonedTimeToInstant,
} from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { requireAdmin } from '../../access.js';
import { getMentorship, listMentorshipsOf, toSession } from '../../db/mentorships.js';
import { notFound } from '../../lib/errors.js';
import { limitRoutes } from '../../lib/limits.js';
import { nowIso } from '../../lib/time.js';
import { invite, resendInvitation, revokeInvitation } from '../../programme/invitations.js';
import { changeSlot, createPair, listPairs, reassign, setPairStatus } from '../../programme/pairs.js';
import { deactivate, listPeople, reactivate } from '../../programme/people.js';

/** The programme's pages: programme staff only (requireAdmin on every route), every action audited. */
const adminRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', async (request) => {
    requireAdmin(request);
  });
  await limitRoutes(app, 'admin', 240);

  const pairOf = async (id: string): Promise<PairResponse> => {
    const mentorship = await getMentorship(app.db, id);
    if (!mentorship) throw notFound('This mentorship');
    const [pair] = await listPairs(app.db, [mentorship]);
    if (!pair) throw new Error('unreachable: one mentorship in, one pair out');
    return { pair };
  };

  app.get(
    ProgrammeRoute.people,
    async (request): Promise<PeopleResponse> => ({
      people: await listPeople(app, PeopleQuerySchema.parse(request.query)),
    }),
  );

  app.post(ProgrammeRoute.deactivate, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    await deactivate(app, id, requireAdmin(request));
    return reply.status(204).send();
  });

  app.post(ProgrammeRoute.reactivate, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    await reactivate(app, id, requireAdmin(request));
    return reply.status(204).send();
  });

  app.get(ProgrammeRoute.invitations, async (): Promise<InvitationsResponse> => {
    const rows = await app.db
      .selectFrom('invitations as i')
      .leftJoin('users as u', 'u.id', 'i.invited_by')
      .select([
        'i.id',
        'i.email',
        'i.display_name',
        'i.role',
        'i.created_at',
        'i.expires_at',
        'i.accepted_at',
        'i.revoked_at',
        'u.display_name as inviter',
      ])
      .where('i.kind', '=', 'invite')
      .orderBy('i.created_at', 'desc')
      .limit(500)
      .execute();
    const now = nowIso();
    return {
      invitations: rows.map((r) => ({
        id: r.id,
        email: r.email,
        displayName: r.display_name,
        role: r.role,
        state: r.accepted_at ? 'accepted' : r.revoked_at ? 'revoked' : r.expires_at <= now ? 'expired' : 'pending',
        invitedBy: r.inviter,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
      })),
    };
  });

  app.post(ProgrammeRoute.invitations, async (request, reply) => {
    const body = InviteBodySchema.parse(request.body);
    const { id } = await invite(app.db, app.publicOrigin, { ...body, by: requireAdmin(request) });
    app.mail.kick();
    return reply.status(201).send({ id });
  });

  app.post(ProgrammeRoute.resendInvitation, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    if (!(await resendInvitation(app.db, app.publicOrigin, id, requireAdmin(request)))) throw notFound('This pending invitation');
    app.mail.kick();
    return reply.status(204).send();
  });

  app.post(ProgrammeRoute.revokeInvitation, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    if (!(await revokeInvitation(app.db, id, requireAdmin(request)))) throw notFound('This pending invitation');
    return reply.status(204).send();
  });

  app.get(
    ProgrammeRoute.pairs,
    async (request): Promise<PairsResponse> => ({
      pairs: await listPairs(app.db, await listMentorshipsOf(app.db, requireAdmin(request))),
    }),
  );

  app.post(ProgrammeRoute.pairs, async (request, reply) => {
    const body = CreatePairBodySchema.parse(request.body);
    const id = await createPair(app.db, app.publicOrigin, body, requireAdmin(request));
    app.mail.kick();
    return reply.status(201).send(await pairOf(id));
  });

  app.patch(ProgrammeRoute.pairSlot, async (request): Promise<PairResponse> => {
    const { id } = IdParamsSchema.parse(request.params);
    const { slot } = PairSlotBodySchema.parse(request.body);
    await changeSlot(app.db, id, slot, requireAdmin(request));
    return pairOf(id);
  });

  app.post(ProgrammeRoute.pairStatus, async (request): Promise<PairResponse> => {
    const { id } = IdParamsSchema.parse(request.params);
    const { action } = PairStatusBodySchema.parse(request.body);
    await setPairStatus(app.db, id, action, requireAdmin(request));
    return pairOf(id);
  });

  app.post(ProgrammeRoute.reassign, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    const { mentorId } = ReassignBodySchema.parse(request.body);
    const newId = await reassign(app.db, app.publicOrigin, id, mentorId, requireAdmin(request));
    app.mail.kick();
    return reply.status(201).send(await pairOf(newId));
  });

  app.get(ProgrammeRoute.week, async (request): Promise<WeekResponse> => {
    const admin = requireAdmin(request);
    // "Today" is the admin's own day.
    const d = localDate(new Date(), admin.timeZone);
    const start = zonedTimeToInstant(d, '00:00', admin.timeZone).toISOString();
    const end = new Date(Date.parse(start) + 24 * 3600_000).toISOString();
    const weekAgo = new Date(Date.now() - 7 * 24 * 3600_000).toISOString();
    const mentorships = new Map((await listMentorshipsOf(app.db, admin)).map((m) => [m.id, m]));
    const withMentorship = (rows: Parameters<typeof toSession>[0][]) =>
      rows.flatMap((r) => {
        const mentorship = mentorships.get(r.mentorship_id);
        return mentorship ? [{ session: toSession(r), mentorship }] : [];
      });
    const today = await app.db
      .selectFrom('sessions')
      .selectAll()
      .where('scheduled_at', '>=', start)
      .where('scheduled_at', '<', end)
      .orderBy('scheduled_at')
      .execute();
    const noShows = await app.db
      .selectFrom('sessions')
      .selectAll()
      // Nobody came (status no_show), or one person did not (the rule marks the outcome).
      .where((eb) => eb.or([eb('status', '=', 'no_show'), eb('outcome', '=', 'no_show')]))
      .where('scheduled_at', '>=', weekAgo)
      .orderBy('scheduled_at', 'desc')
      .execute();
    const booked = new Set(
      (await app.db.selectFrom('sessions').select('mentorship_id').where('status', 'in', ['scheduled', 'live']).execute()).map(
        (r) => r.mentorship_id,
      ),
    );
    return {
      today: withMentorship(today),
      noShows: withMentorship(noShows),
      unbooked: [...mentorships.values()].filter((m) => m.status === 'active' && !booked.has(m.id)),
    };
  });

  app.get(ProgrammeRoute.outbox, async (): Promise<OutboxResponse> => {
    const rows = await app.db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').limit(200).execute();
    return {
      smtp: app.mail.smtp,
      mail: rows.map((r) => ({
        id: r.id,
        to: r.to_address,
        subject: r.subject,
        text: r.text_body,
        purpose: r.purpose,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: r.created_at,
        sentAt: r.sent_at,
      })),
    };
  });

  app.get(ProgrammeRoute.audit, async (): Promise<AuditResponse> => {
    const rows = await app.db
      .selectFrom('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .select(['a.id', 'a.action', 'a.target', 'a.detail_json', 'a.created_at', 'u.display_name as actor'])
      .orderBy('a.created_at', 'desc')
      .limit(300)
      .execute();
    // Targets are ids (a person, a pair) or an email: shown by name where there is one.
    const ids = [...new Set(rows.flatMap((r) => (r.target ? [r.target] : [])))];
    const names = new Map<string, string>();
    if (ids.length > 0) {
      for (const u of await app.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute())
        names.set(u.id, u.display_name);
      for (const m of await app.db.selectFrom('mentorships').select(['id', 'title']).where('id', 'in', ids).execute())
        names.set(m.id, m.title);
    }
    return {
      entries: rows.map((r) => ({
        id: r.id,
        actor: r.actor,
        action: r.action,
        target: r.target ? (names.get(r.target) ?? r.target) : null,
        detail: r.detail_json,
        createdAt: r.created_at,
      })),
    };
  });
};

export default adminRoutes;
