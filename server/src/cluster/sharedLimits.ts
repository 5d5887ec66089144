import { RealtimeLimits } from '@tandem/shared';
import type { FastifyBaseLogger } from 'fastify';
import { within } from '../lib/time.js';
import { BLOCK_MS } from '../realtime/budgets.js';
import type { ClusterLink } from './redis.js';

/**
 * A fixed window's counter (the REST rate limits): +1, and the count and time left, in one step.
 * KEYS[1]: the counter; ARGV[1]: the window in ms.
 */
const HIT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}
`;

/**
 * A person's realtime budget, shared by every node: the token buckets of budgets.ts (messages,
 * bytes, new connections) and the time until which they are shut out, refilled by Redis's clock.
 * KEYS: one budget per person. ARGV[1]: 'connect' (take one connection, refused when none is left
 * or they are shut out; nothing else changes) or 'spend' (what each spent since the last report,
 * already let through by its node: over budget shuts them out for ARGV[8] ms); ARGV[2..7]: the
 * rates and bursts; then, when spending, messages and bytes for each key in turn.
 * Returns the indexes (from 1) of the people refused or shut out.
 */
const BUDGETS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mRate, mBurst = tonumber(ARGV[2]), tonumber(ARGV[3])
local bRate, bBurst = tonumber(ARGV[4]), tonumber(ARGV[5])
local cRate, cBurst = tonumber(ARGV[6]), tonumber(ARGV[7])
local blockMs = tonumber(ARGV[8])
local out = {}
for i, key in ipairs(KEYS) do
  local s = redis.call('HMGET', key, 'm', 'b', 'c', 't', 'until')
  local dt = math.max(0, now - (tonumber(s[4]) or now)) / 1000
  local m = math.min(mBurst, (tonumber(s[1]) or mBurst) + dt * mRate)
  local b = math.min(bBurst, (tonumber(s[2]) or bBurst) + dt * bRate)
  local c = math.min(cBurst, (tonumber(s[3]) or cBurst) + dt * cRate)
  local blockedUntil = tonumber(s[5]) or 0
  local refused = blockedUntil > now
  if ARGV[1] == 'connect' then
    if not refused and c >= 1 then c = c - 1 else refused = true end
  else
    m = m - tonumber(ARGV[7 + 2 * i])
    b = b - tonumber(ARGV[8 + 2 * i])
    if m < 0 or b < 0 then
      refused = true
      blockedUntil = now + blockMs
      m = math.max(m, 0)
      b = math.max(b, 0)
    end
  end
  redis.call('HSET', key, 'm', m, 'b', b, 'c', c, 't', now, 'until', blockedUntil)
  redis.call('PEXPIRE', key, 120000)
  if refused then out[#out + 1] = i end
end
return out
`;

/** What one person spent on a node since its last report. */
export interface Spent {
  messages: number;
  bytes: number;
}

/**
 * Limits counted by the whole cluster, not by each node (cluster mode): the REST rate limits and
 * the people's realtime budgets live in Redis, so a person spread over three nodes has one budget,
 * not three. Each call is one Redis round trip; none is made per keystroke (the nodes report what
 * was spent once a second, see Budgets). When Redis does not answer within `answerWithinMs`, the
 * caller falls back on its node's own count (null): a limit is never lifted for a Redis outage,
 * and no request waits for one.
 */
export class SharedLimits {
  constructor(
    private readonly link: ClusterLink,
    private readonly log: FastifyBaseLogger,
    private readonly answerWithinMs = 500,
  ) {}

  private async run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (!this.link.available) return null;
    const work = this.link.commands.eval(script, keys.length, ...keys, ...args);
    return within(work, this.answerWithinMs, null).catch((err: unknown) => {
      this.log.debug({ err }, 'a shared limit could not be read from redis');
      return null;
    });
  }

  /** +1 on a fixed window's counter: the count so far and the ms left in the window; null if Redis did not answer. */
  async hit(key: string, windowMs: number): Promise<{ current: number; ttl: number } | null> {
    const r = await this.run(HIT, [`tandem:rate:${key}`], [windowMs]);
    if (!Array.isArray(r)) return null;
    return { current: Number(r[0]), ttl: Number(r[1]) };
  }

  private budgets(mode: 'connect' | 'spend', userIds: string[], spent: (string | number)[]) {
    const L = RealtimeLimits;
    const args = [mode, L.messagesPerSecond, L.messageBurst, L.bytesPerSecond, L.byteBurst, L.connectionsPerSecond, L.connectionBurst];
    return this.run(
      BUDGETS,
      userIds.map((id) => `tandem:budget:${id}`),
      [...args, BLOCK_MS, ...spent],
    );
  }

  /** A new connection of this person on any node: false when refused, null when Redis did not answer. */
  async connect(userId: string): Promise<boolean | null> {
    const r = await this.budgets('connect', [userId], []);
    return Array.isArray(r) ? r.length === 0 : null;
  }

  /** What people spent on this node: the ones now over their budget (shut out everywhere); null when Redis did not answer. */
  async spend(spent: Map<string, Spent>): Promise<string[] | null> {
    const userIds = [...spent.keys()];
    if (userIds.length === 0) return [];
    const amounts = [...spent.values()].flatMap((s) => [s.messages, Math.min(s.bytes, RealtimeLimits.byteBurst)]);
    const r = await this.budgets('spend', userIds, amounts);
    if (!Array.isArray(r)) return null;
    return r.flatMap((i) => userIds[Number(i) - 1] ?? []);
  }
}
