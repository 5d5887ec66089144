import { ErrorCode, type Locale } from '@tandem/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { findUserByEmail } from '../db/users.js';
import { AppError } from '../lib/errors.js';
import { hashPassword } from '../lib/password.js';
import { isoIn, nowIso } from '../lib/time.js';
import { messages } from '../mail/messages.js';
import { enqueueMail } from '../mail/outbox.js';
import { hashToken } from '../plugins/auth.js';
import { newLinkToken } from './invitations.js';

export const RESET_TTL_MS = 3600 * 1000;

/**
 * "Forgot password": for an active account, a single-use link valid one hour is mailed. The
 * caller answers the same whether or not the email exists; only the mail differs.
 */
export async function requestPasswordReset(db: Kysely<Database>, origin: string, email: string): Promise<void> {
  const user = await findUserByEmail(db, email);
  if (!user || user.status !== 'active') return;
  const { token, hash } = newLinkToken();
  await db.transaction().execute(async (trx) => {
    // One live link per person: asking again replaces the previous one.
    await trx
      .updateTable('password_resets')
      .set({ used_at: nowIso() })
      .where('user_id', '=', user.id)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .insertInto('password_resets')
      .values({ token_hash: hash, user_id: user.id, created_at: nowIso(), expires_at: isoIn(RESET_TTL_MS), used_at: null })
      .execute();
    const locale: Locale = user.locale === 'fr' ? 'fr' : 'en';
    await enqueueMail(trx, {
      to: user.email,
      toName: user.display_name,
      purpose: 'reset',
      message: messages.reset(locale, { name: user.display_name, url: `${origin}/reset/${token}` }),
    });
  });
}

/** Spends a reset link and sets the new password; every sign-in of that person ends. Returns the person's id. */
export async function resetPassword(db: Kysely<Database>, token: string, password: string): Promise<string> {
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('password_resets').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row) throw new AppError(410, ErrorCode.LinkInvalid, 'This link is not valid. Ask for a new one from the sign-in page.');
    if (row.used_at)
      throw new AppError(410, ErrorCode.LinkUsed, 'This link has been used already. Ask for a new one from the sign-in page.');
    if (row.expires_at <= nowIso())
      throw new AppError(410, ErrorCode.LinkExpired, 'This link has expired. Ask for a new one from the sign-in page.');
    const spent = await trx
      .updateTable('password_resets')
      .set({ used_at: nowIso() })
      .where('token_hash', '=', row.token_hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw new AppError(410, ErrorCode.LinkUsed, 'This link has been used already.');
    const user = await trx.selectFrom('users').select(['id', 'status']).where('id', '=', row.user_id).executeTakeFirstOrThrow();
    if (user.status !== 'active')
      throw new AppError(403, ErrorCode.AccountDeactivated, 'This account has been deactivated. Contact the programme staff.');
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', row.user_id).execute();
    await trx.deleteFrom('auth_sessions').where('user_id', '=', row.user_id).execute();
    return row.user_id;
  });
}
