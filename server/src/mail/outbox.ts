import { randomUUID } from 'node:crypto';
import type { Locale } from '@tandem/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../lib/time.js';
import type { MailMessage } from './messages.js';

export interface QueuedMail {
  to: string;
  toName: string;
  /** What caused it (invite, reset, paired, ...): shown on the outbox page and in logs. */
  purpose: string;
  message: MailMessage;
  /** An iCalendar invitation sent with it (METHOD:REQUEST or CANCEL). */
  ics?: string;
}

/**
 * Queues a message in the same transaction as what caused it: it is sent (or kept) if and
 * only if that commits. The worker picks it up; call `app.mail.kick()` after the commit.
 */
export async function enqueueMail(db: Kysely<Database>, mail: QueuedMail): Promise<string> {
  const id = randomUUID();
  const now = nowIso();
  await db
    .insertInto('mail_outbox')
    .values({
      id,
      to_address: mail.to,
      to_name: mail.toName,
      subject: mail.message.subject,
      text_body: mail.message.text,
      html_body: mail.message.html,
      purpose: mail.purpose,
      status: 'queued',
      attempts: 0,
      next_attempt_at: now,
      claimed_until: null,
      last_error: null,
      created_at: now,
      sent_at: null,
      ics: mail.ics ?? null,
    })
    .execute();
  return id;
}

/** Who an email goes to: their address, name, language and time zone. */
export async function recipient(
  db: Kysely<Database>,
  userId: string,
): Promise<{ email: string; name: string; locale: Locale; timeZone: string }> {
  const u = await db
    .selectFrom('users')
    .select(['email', 'display_name', 'locale', 'time_zone'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return { email: u.email, name: u.display_name, locale: u.locale === 'fr' ? 'fr' : 'en', timeZone: u.time_zone };
}
