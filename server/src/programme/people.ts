import { ErrorCode, type PeopleQuery, type PersonRow, type User } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { toUser } from '../db/users.js';
import { AppError, notFound } from '../lib/errors.js';
import { nowIso } from '../lib/time.js';
import { audit } from './audit.js';

/** People of the programme, searched by name or email and filtered by role and status. */
export async function listPeople(app: FastifyInstance, query: PeopleQuery): Promise<PersonRow[]> {
  let q = app.db.selectFrom('users').selectAll();
  if (query.role) q = q.where('role', '=', query.role);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.q) {
    // LIKE with the wildcards of the search itself escaped.
    const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['display_name']), 'like', eb.val(pattern)).$castTo<boolean>(),
        eb(eb.fn('lower', ['email']), 'like', eb.val(pattern)).$castTo<boolean>(),
      ]),
    );
  }
  const rows = await q.orderBy('display_name').limit(500).execute();
  const counts = await app.db.selectFrom('mentorships').select(['mentor_id', 'student_id']).where('status', '!=', 'ended').execute();
  const active = new Map<string, number>();
  for (const m of counts) for (const id of [m.mentor_id, m.student_id]) active.set(id, (active.get(id) ?? 0) + 1);
  return rows.map((r) => ({ ...toUser(r), status: r.status, createdAt: r.created_at, activePairs: active.get(r.id) ?? 0 }));
}

/**
 * Deactivation: every sign-in of the person ends, their open sockets close now, they leave any
 * call they are in, and new sign-ins are refused. Every record stays.
 */
export async function deactivate(app: FastifyInstance, userId: string, by: User): Promise<void> {
  if (userId === by.id) throw new AppError(422, ErrorCode.ValidationFailed, 'You cannot deactivate yourself.');
  await app.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('users')
      .set({ status: 'deactivated', deactivated_at: nowIso() })
      .where('id', '=', userId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const exists = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!exists) throw notFound('This person');
      return;
    }
    await trx.deleteFrom('auth_sessions').where('user_id', '=', userId).execute();
    await audit(trx, by.id, 'person.deactivated', userId, {});
  });
  app.realtime.userRevoked(userId);
  // Out of any call they are in: LiveKit does not re-check a token on reconnect. Every session
  // still open counts (a room can be live before its webhook has marked the session live).
  const live = await app.db
    .selectFrom('sessions as s')
    .innerJoin('mentorships as m', 'm.id', 's.mentorship_id')
    .select('s.room_name')
    .where('s.status', 'in', ['scheduled', 'live'])
    .where((eb) => eb.or([eb('m.mentor_id', '=', userId), eb('m.student_id', '=', userId)]))
    .execute();
  for (const { room_name } of live) {
    await app.livekit
      .removeParticipant(room_name, userId)
      .catch((error: unknown) => app.log.warn({ err: error, room: room_name }, 'could not remove a deactivated participant'));
  }
}

export async function reactivate(app: FastifyInstance, userId: string, by: User): Promise<void> {
  await app.db.transaction().execute(async (trx) => {
    const res = await trx.updateTable('users').set({ status: 'active', deactivated_at: null }).where('id', '=', userId).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw notFound('This person');
    await audit(trx, by.id, 'person.reactivated', userId, {});
  });
}
