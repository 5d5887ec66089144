import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, PostgresAdapter, type Selectable } from 'kysely';
import type { Database, JobsTable } from '../db/schema.js';

/** What a job did: its effect was written (done), or there was nothing to do any more (skipped). */
export type JobResult = 'done' | 'skipped';
/** Runs one job INSIDE the transaction that marks it done: its effect and its "done" commit together. */
export type JobHandler = (trx: Kysely<Database>, payload: Record<string, unknown>, now: Date) => Promise<JobResult>;

const MAX_ATTEMPTS = 5;
/** This process, as written on the jobs it did (which process did what, for tests and operators). */
export const WORKER_ID = `${hostname()}:${process.pid}`;

/** Plans a job once: a second plan with the same key (another process, a second pass) changes nothing. */
export async function planJob(
  db: Kysely<Database>,
  job: { key: string; kind: string; payload: Record<string, unknown>; runAt: string },
): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: randomUUID(),
      key: job.key,
      kind: job.kind,
      payload_json: JSON.stringify(job.payload),
      run_at: job.runAt,
      status: 'pending',
      attempts: 0,
      last_error: null,
      created_at: new Date().toISOString(),
      done_at: null,
      done_by: null,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/**
 * Durable jobs, each done exactly once. A job is taken and done in ONE transaction with its
 * effect (the mail it queues, the session it marks): a crash (kill -9) before the commit leaves
 * it pending and undone, after it done and never again. On PostgreSQL several processes share
 * the table: each takes the next due row with FOR UPDATE SKIP LOCKED, so none waits on, or
 * doubles, another's job. On SQLite (one process) the transaction's write lock does the same.
 */
export class JobRunner {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly handlers: Record<string, JobHandler>,
    private readonly log: FastifyBaseLogger,
  ) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** Does every job due at `now` (at most `limit`); answers how many it did or skipped. */
  async runDue(now: Date, limit = 200): Promise<number> {
    let count = 0;
    while (count < limit) {
      const outcome = await this.runOne(now);
      if (outcome === 'none') break;
      count += 1;
    }
    return count;
  }

  private async runOne(now: Date): Promise<'ran' | 'failed' | 'none'> {
    const at = now.toISOString();
    let taken: Selectable<JobsTable> | undefined;
    try {
      return await this.db.transaction().execute(async (trx) => {
        let q = trx.selectFrom('jobs').selectAll().where('status', '=', 'pending').where('run_at', '<=', at).orderBy('run_at').limit(1);
        if (this.postgres) q = q.forUpdate().skipLocked();
        taken = await q.executeTakeFirst();
        if (!taken) return 'none';
        const handler = this.handlers[taken.kind];
        const result: JobResult = handler ? await handler(trx, JSON.parse(taken.payload_json) as Record<string, unknown>, now) : 'skipped';
        const marked = await trx
          .updateTable('jobs')
          .set({ status: result, done_at: new Date().toISOString(), done_by: WORKER_ID, attempts: taken.attempts + 1 })
          .where('id', '=', taken.id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        // Taken by another process in between (SQLite without row locks): undo this one's effect.
        if (Number(marked.numUpdatedRows) !== 1) throw new Error('job taken meanwhile');
        return 'ran';
      });
    } catch (error) {
      if (!taken) throw error;
      await this.failed(taken, error);
      return 'failed';
    }
  }

  /** A job whose handler threw is tried again later (its effect was rolled back), then given up. */
  private async failed(job: Selectable<JobsTable>, error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    if (message === 'job taken meanwhile') return;
    const attempts = job.attempts + 1;
    const giveUp = attempts >= MAX_ATTEMPTS;
    await this.db
      .updateTable('jobs')
      .set({
        attempts,
        last_error: message.slice(0, 500),
        status: giveUp ? 'failed' : 'pending',
        run_at: new Date(Date.now() + 30_000 * 2 ** attempts).toISOString(),
      })
      .where('id', '=', job.id)
      .where('status', '=', 'pending')
      .execute();
    this.log.warn({ job: job.key, attempts, err: message }, giveUp ? 'job given up' : 'job will be retried');
  }
}
