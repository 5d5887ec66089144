import { ChangePasswordBodySchema, ErrorCode, type MeResponse, ProfileBodySchema, ProgrammeRoute } from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import { toUser } from '../../db/users.js';
import { AppError, unauthenticated } from '../../lib/errors.js';
import { limitRoutes } from '../../lib/limits.js';
import { hashPassword, verifyPassword } from '../../lib/password.js';

/** Everyone's own profile: name, time zone, language, password. */
const profileRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);
  await limitRoutes(app, 'profile', 60);

  app.patch(ProgrammeRoute.profile, async (request): Promise<MeResponse> => {
    const user = request.user;
    if (!user) throw unauthenticated();
    const body = ProfileBodySchema.parse(request.body);
    await app.db
      .updateTable('users')
      .set({
        ...(body.displayName !== undefined && { display_name: body.displayName }),
        ...(body.timeZone !== undefined && { time_zone: body.timeZone }),
        ...(body.locale !== undefined && { locale: body.locale }),
        ...(body.reminders !== undefined && {
          remind_day: body.reminders.dayBefore ? 1 : 0,
          remind_hour: body.reminders.hourBefore ? 1 : 0,
        }),
      })
      .where('id', '=', user.id)
      .execute();
    const row = await app.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    return { user: toUser(row) };
  });

  app.post(ProgrammeRoute.password, { config: { rateLimit: { max: 10, timeWindow: 15 * 60_000 } } }, async (request, reply) => {
    const user = request.user;
    if (!user) throw unauthenticated();
    const body = ChangePasswordBodySchema.parse(request.body);
    const row = await app.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    if (!(await verifyPassword(body.currentPassword, row.password_hash)))
      throw new AppError(403, ErrorCode.InvalidCredentials, 'Your current password is not right.');
    await app.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(body.newPassword) })
      .where('id', '=', user.id)
      .execute();
    // Every other device is signed out; this one stays.
    await app.auth.endOtherSignIns(request, user.id);
    return reply.status(204).send();
  });
};

export default profileRoutes;
