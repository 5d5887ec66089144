import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Leases in the database: a job that exactly one node may run at a time (a session's
 * transcriber, the reconciler's pass). Whoever takes a free or expired lease holds it until it
 * expires, and renews it while it lives; a node that dies stops renewing, so another takes the
 * job over at most one lease length later. The database decides (one statement), so two nodes
 * never both believe they hold it.
 */
export class Leases {
  constructor(
    private readonly db: Kysely<Database>,
    /** This process, unique across the cluster and across restarts. */
    readonly holder: string,
  ) {}

  /** Takes the lease (free, expired, or already ours: renewed); true when this node holds it now. */
  async acquire(name: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    const expiresAt = new Date(now + ttlMs).toISOString();
    const taken = await this.db
      .insertInto('leases')
      .values({ name, holder: this.holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder: this.holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb('leases.holder', '=', this.holder), eb('leases.expires_at', '<', new Date(now).toISOString())])),
      )
      .returning('holder')
      .executeTakeFirst();
    return taken?.holder === this.holder;
  }

  /** Who holds a lease now (null: nobody, or it expired). */
  async holderOf(name: string, now = Date.now()): Promise<string | null> {
    const row = await this.db
      .selectFrom('leases')
      .select(['holder', 'expires_at'])
      .where('name', '=', name)
      .where('expires_at', '>=', new Date(now).toISOString())
      .executeTakeFirst();
    return row?.holder ?? null;
  }

  /** Gives a lease back at once (a job that ended here): another node may take it. */
  async release(name: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', this.holder).execute();
  }
}
