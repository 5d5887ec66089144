import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../lib/time.js';

/**
 * Writes who did what to whom, in the transaction of the action itself: an admin action
 * without its audit line does not happen. `actorId` null = the server itself (set-up link).
 */
export async function audit(
  db: Kysely<Database>,
  actorId: string | null,
  action: string,
  target: string | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ id: randomUUID(), actor_id: actorId, action, target, detail_json: JSON.stringify(detail), created_at: nowIso() })
    .execute();
}
