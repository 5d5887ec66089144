import { randomBytes, randomUUID } from 'node:crypto';
import { type AcceptInvitationBody, ErrorCode, type InvitationInfo, type Locale, type Role, type User } from '@tandem/shared';
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, InvitationsTable } from '../db/schema.js';
import { findUserByEmail, insertUser } from '../db/users.js';
import { AppError } from '../lib/errors.js';
import { hashPassword } from '../lib/password.js';
import { isoIn, nowIso } from '../lib/time.js';
import { messages } from '../mail/messages.js';
import { enqueueMail } from '../mail/outbox.js';
import { hashToken } from '../plugins/auth.js';
import { audit } from './audit.js';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
export const SETUP_TTL_MS = 24 * 3600 * 1000;

/** 256 random bits for a link, and the only form of it that is stored. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** Invitations (and set-up links) neither accepted nor revoked: the ones a new link replaces. A `where` filter. */
export const pending = (eb: ExpressionBuilder<Database, 'invitations'>) =>
  eb.and([eb('accepted_at', 'is', null), eb('revoked_at', 'is', null)]);

export const invitationUrl = (origin: string, token: string) => `${origin}/invite/${token}`;

const linkError = (code: ErrorCode, message: string) => new AppError(410, code, message);

/**
 * The invitation behind a link, if it can still be used. A used, expired or revoked one says
 * so (and what to do); an unknown one gets the same answer as a revoked one.
 */
export async function usableInvitation(db: Kysely<Database>, token: string): Promise<Selectable<InvitationsTable>> {
  const row = await db.selectFrom('invitations').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row || row.revoked_at)
    throw linkError(
      ErrorCode.LinkInvalid,
      'This link is not valid (it may have been replaced by a newer one). Ask the programme staff to send you a new one.',
    );
  if (row.accepted_at)
    throw linkError(ErrorCode.LinkUsed, 'This link has been used already. Sign in with your email and password, or use "Forgot password".');
  if (row.expires_at <= nowIso())
    throw linkError(ErrorCode.LinkExpired, 'This link has expired. Ask the programme staff to send you a new one.');
  return row;
}

export function invitationInfo(row: Selectable<InvitationsTable>): InvitationInfo {
  return { kind: row.kind, role: row.role, email: row.email, displayName: row.display_name, expiresAt: row.expires_at };
}

export interface NewInvitation {
  email: string;
  displayName: string;
  role: Role;
  /** The admin who sends it. */
  by: User;
}

/** Creates an invitation and queues its email, in one transaction. Refuses an email that has an account. */
export async function invite(db: Kysely<Database>, origin: string, input: NewInvitation): Promise<{ id: string; token: string }> {
  if (await findUserByEmail(db, input.email))
    throw new AppError(409, ErrorCode.Conflict, 'Someone with this email has an account already.');
  const { token, hash } = newLinkToken();
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    // One live invitation per email: a new one replaces what was pending.
    await trx.updateTable('invitations').set({ revoked_at: nowIso() }).where('email', '=', input.email).where(pending).execute();
    const row = {
      id,
      token_hash: hash,
      kind: 'invite' as const,
      email: input.email,
      display_name: input.displayName,
      role: input.role,
      invited_by: input.by.id,
      created_at: nowIso(),
      expires_at: isoIn(INVITATION_TTL_MS),
      accepted_at: null,
      accepted_user_id: null,
      revoked_at: null,
    };
    await trx.insertInto('invitations').values(row).execute();
    await queueInvitationMail(trx, origin, row, token, input.by);
    await audit(trx, input.by.id, 'invitation.sent', input.email, { role: input.role, displayName: input.displayName });
  });
  return { id, token };
}

async function queueInvitationMail(db: Kysely<Database>, origin: string, row: Selectable<InvitationsTable>, token: string, by: User) {
  if (!row.email) return;
  // The invitee has no language yet: the one of the admin who invites them.
  const locale: Locale = by.locale === 'fr' ? 'fr' : 'en';
  await enqueueMail(db, {
    to: row.email,
    toName: row.display_name ?? row.email,
    purpose: 'invite',
    message: messages.invite(locale, {
      name: row.display_name ?? row.email,
      role: row.role,
      inviter: by.displayName,
      url: invitationUrl(origin, token),
      expiresAt: new Date(row.expires_at),
      timeZone: by.timeZone,
    }),
  });
}

/** A new link for a pending (or expired) invitation: the old link stops working. */
export async function resendInvitation(db: Kysely<Database>, origin: string, id: string, by: User): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('invitations').selectAll().where('id', '=', id).where('kind', '=', 'invite').executeTakeFirst();
    if (!row || row.accepted_at || row.revoked_at) return false;
    const { token, hash } = newLinkToken();
    const updated = { ...row, token_hash: hash, expires_at: isoIn(INVITATION_TTL_MS) };
    await trx.updateTable('invitations').set({ token_hash: hash, expires_at: updated.expires_at }).where('id', '=', id).execute();
    await queueInvitationMail(trx, origin, updated, token, by);
    await audit(trx, by.id, 'invitation.resent', row.email, {});
    return true;
  });
}

export async function revokeInvitation(db: Kysely<Database>, id: string, by: User): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const res = await trx.updateTable('invitations').set({ revoked_at: nowIso() }).where('id', '=', id).where(pending).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    const row = await trx.selectFrom('invitations').select('email').where('id', '=', id).executeTakeFirstOrThrow();
    await audit(trx, by.id, 'invitation.revoked', row.email, {});
    return true;
  });
}

/**
 * A set-up link for the first admin (printed by the server, or by `npm run admin -- create`).
 * Earlier set-up links stop working.
 */
export async function createSetupLink(
  db: Kysely<Database>,
  origin: string,
  who: { email?: string; displayName?: string } = {},
): Promise<{ url: string; expiresAt: string }> {
  const { token, hash } = newLinkToken();
  const expiresAt = isoIn(SETUP_TTL_MS);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('invitations').set({ revoked_at: nowIso() }).where('kind', '=', 'setup').where(pending).execute();
    await trx
      .insertInto('invitations')
      .values({
        id: randomUUID(),
        token_hash: hash,
        kind: 'setup',
        email: who.email?.toLowerCase() ?? null,
        display_name: who.displayName ?? null,
        role: 'admin',
        invited_by: null,
        created_at: nowIso(),
        expires_at: expiresAt,
        accepted_at: null,
        accepted_user_id: null,
        revoked_at: null,
      })
      .execute();
    await audit(trx, null, 'setup.link-created', who.email ?? null, {});
  });
  return { url: invitationUrl(origin, token), expiresAt };
}

export async function hasAdmin(db: Kysely<Database>): Promise<boolean> {
  return Boolean(await db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst());
}

/**
 * Uses a link once: the account is created with the invitation's role (never the body's) and
 * the link is spent in the same transaction, so two tabs racing on one link make one account.
 */
export async function acceptInvitation(db: Kysely<Database>, token: string, body: AcceptInvitationBody): Promise<User> {
  const row = await usableInvitation(db, token);
  const email = row.email ?? body.email;
  if (!email) throw new AppError(400, ErrorCode.ValidationFailed, 'email: enter your email address');
  const passwordHash = await hashPassword(body.password);
  return db.transaction().execute(async (trx) => {
    const spent = await trx
      .updateTable('invitations')
      .set({ accepted_at: nowIso() })
      .where('id', '=', row.id)
      .where(pending)
      .where('expires_at', '>', nowIso())
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw linkError(ErrorCode.LinkUsed, 'This link has been used already.');
    if (await findUserByEmail(trx, email))
      throw new AppError(409, ErrorCode.Conflict, 'Someone with this email has an account already: sign in instead.');
    const user = await insertUser(trx, {
      email,
      displayName: body.displayName,
      role: row.role,
      passwordHash,
      locale: body.locale,
      timeZone: body.timeZone,
    });
    await trx.updateTable('invitations').set({ accepted_user_id: user.id }).where('id', '=', row.id).execute();
    await audit(trx, user.id, row.kind === 'setup' ? 'setup.first-admin' : 'invitation.accepted', email, { role: row.role });
    return user;
  });
}
