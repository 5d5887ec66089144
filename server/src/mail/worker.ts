import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import nodemailer from 'nodemailer';
import type { Database, MailOutboxTable } from '../db/schema.js';
import { isoIn, nowIso } from '../lib/time.js';

/** How a message leaves: over SMTP, or kept in the outbox table for admins to read. */
export interface MailTransport {
  readonly smtp: boolean;
  send(mail: Selectable<MailOutboxTable>): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string, from: string): MailTransport {
  const transport = nodemailer.createTransport(url);
  return {
    smtp: true,
    async send(mail) {
      await transport.sendMail({
        from,
        to: { name: mail.to_name, address: mail.to_address },
        subject: mail.subject,
        text: mail.text_body,
        html: mail.html_body,
        // One id per queued row: a receiver that sees it twice (a crash between sending and
        // marking it sent) can tell it is the same message.
        messageId: `<${mail.id}@tandem>`,
        // A calendar invitation travels as text/calendar with its METHOD, as calendar clients expect.
        ...(mail.ics ? { icalEvent: { method: /^METHOD:CANCEL/m.test(mail.ics) ? 'CANCEL' : 'REQUEST', content: mail.ics } } : {}),
      });
    },
    close: () => transport.close(),
  };
}

const MAX_ATTEMPTS = 8;
/** A claimed message that was not marked within this time (its worker died) may be taken again. */
const CLAIM_MS = 60_000;

/** 10 s, 20 s, 40 s, … up to an hour between attempts. */
export const backoffMs = (attempts: number) => Math.min(3600_000, 10_000 * 2 ** Math.max(0, attempts - 1));

/**
 * Sends queued mail: each row is claimed by one conditional UPDATE (so several server
 * processes never send the same row twice while its claim holds), sent, then marked sent;
 * a failure is retried with backoff, and given up after {@link MAX_ATTEMPTS}.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly transport: MailTransport | null,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs = 2000,
    /** Told of each message kept in the outbox (the server prints it on the console). */
    private readonly onKept?: (mail: { to: string; subject: string; links: string[] }) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks at the queue now (after a commit that queued mail). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.log.error({ err: error }, 'mail worker pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when the current pass is over (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
    this.transport?.close();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = nowIso();
      const due = await this.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
            eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
          ]),
        )
        .orderBy('created_at')
        .limit(20)
        .execute();
      if (due.length === 0 || this.stopped) return;
      for (const row of due) {
        if (this.stopped) return;
        if (await this.claim(row)) await this.deliver(row);
      }
    }
  }

  private async claim(row: Selectable<MailOutboxTable>): Promise<boolean> {
    const result = await this.db
      .updateTable('mail_outbox')
      .set({ status: 'sending', claimed_until: isoIn(CLAIM_MS), attempts: row.attempts + 1 })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private async deliver(row: Selectable<MailOutboxTable>): Promise<void> {
    const attempts = row.attempts + 1;
    if (!this.transport) {
      await this.db
        .updateTable('mail_outbox')
        .set({ status: 'kept', sent_at: nowIso(), claimed_until: null })
        .where('id', '=', row.id)
        .execute();
      // The embedded default: the whole flow works on one machine, the links are here and on the outbox page.
      const links = row.text_body.match(/https?:\/\/\S+/g) ?? [];
      this.log.info({ to: row.to_address, purpose: row.purpose }, 'mail kept in the outbox (no SMTP_URL)');
      this.onKept?.({ to: row.to_address, subject: row.subject, links });
      return;
    }
    try {
      await this.transport.send(row);
      await this.db
        .updateTable('mail_outbox')
        .set({ status: 'sent', sent_at: nowIso(), claimed_until: null })
        .where('id', '=', row.id)
        .execute();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failed = attempts >= MAX_ATTEMPTS;
      await this.db
        .updateTable('mail_outbox')
        .set({
          status: failed ? 'failed' : 'queued',
          claimed_until: null,
          last_error: message.slice(0, 500),
          next_attempt_at: isoIn(backoffMs(attempts)),
        })
        .where('id', '=', row.id)
        .execute();
      this.log.warn(
        { to: row.to_address, purpose: row.purpose, attempts, err: message },
        failed ? 'mail given up' : 'mail will be retried',
      );
    }
  }
}
