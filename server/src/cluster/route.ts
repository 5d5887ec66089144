import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Cluster mode's routing cookie. The load balancer hashes it to pick a node, so both people of a
 * pair (and a mentor with all their students) open their realtime connection on the same node:
 * a keystroke is then checked, written and relayed by one node, and crosses Redis only when
 * somebody in that note sits on another node (a node that went down, a student with two mentors).
 * It is a hint, not a right: any value, or none (round robin), works — only slower.
 */
export const ROUTE_COOKIE = 'tandem_route';

/** The pair a person is routed with: a student's mentor (their oldest active mentorship), anyone else themselves. */
export async function routeKey(db: Kysely<Database>, userId: string): Promise<string> {
  const row = await db
    .selectFrom('mentorships')
    .select('mentor_id')
    .where('student_id', '=', userId)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return createHash('sha256')
    .update(`route:${row?.mentor_id ?? userId}`)
    .digest('base64url')
    .slice(0, 16);
}
