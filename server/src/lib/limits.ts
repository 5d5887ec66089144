import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { SharedLimits } from '../cluster/sharedLimits.js';

/** Counters this node keeps itself, one fixed window each (at most `size` keys: the oldest go first). */
class WindowCounts {
  private readonly counts = new Map<string, { current: number; endsAt: number }>();
  constructor(private readonly size = 10_000) {}

  hit(key: string, windowMs: number): { current: number; ttl: number } {
    const now = Date.now();
    let c = this.counts.get(key);
    if (!c || c.endsAt <= now) {
      this.counts.delete(key);
      if (this.counts.size >= this.size) this.counts.delete(this.counts.keys().next().value ?? '');
      c = { current: 0, endsAt: now + windowMs };
      this.counts.set(key, c);
    }
    c.current += 1;
    return { current: c.current, ttl: c.endsAt - now };
  }
}

/**
 * Cluster mode's store for @fastify/rate-limit: Redis, so a person's requests count once whichever
 * node answers them; when Redis does not answer in time, this node's own count decides (a limit is
 * never lifted for an outage, and no request waits for one).
 */
class SharedStore implements FastifyRateLimitStore {
  private readonly local = new WindowCounts();
  constructor(
    private readonly limits: SharedLimits,
    private readonly prefix: string,
  ) {}

  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
    void this.limits.hit(`${this.prefix}${key}`, timeWindow).then((r) => callback(null, r ?? this.local.hit(key, timeWindow)));
  }

  /** A route's own limit counts apart from its plugin's (as the memory store does). */
  child(routeOptions: object): FastifyRateLimitStore {
    const route = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
    return new SharedStore(this.limits, `${this.prefix}${String(route?.method)} ${String(route?.url)}:`);
  }
}

/**
 * Where @fastify/rate-limit counts: one node's memory (the plugin's own store), or in cluster mode
 * Redis ({@link SharedStore}). `scope` keeps each registration's counters apart, as memory does.
 */
export function rateLimitStore(app: FastifyInstance, scope: string): { store?: FastifyRateLimitStoreCtor } {
  const shared: SharedLimits | null = app.sharedLimits;
  if (shared === null) return {};
  const limits = shared;
  return {
    store: class extends SharedStore {
      constructor() {
        super(limits, `${scope}:`);
      }
    },
  };
}

/**
 * Every route of the calling plugin is rate-limited: per signed-in person, or per address for
 * visitors. Routes may tighten it with their own `config.rateLimit`. `scope` names the plugin's
 * counters (cluster mode counts them in Redis, see {@link rateLimitStore}).
 */
export async function limitRoutes(app: FastifyInstance, scope: string, max: number, timeWindowMs = 60_000): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: timeWindowMs,
    hook: 'preHandler',
    keyGenerator: (req) => (req.user ? `u:${req.user.id}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      message: `Too many requests. Try again in ${Math.ceil(ctx.ttl / 1000)} seconds.`,
    }),
    ...rateLimitStore(app, scope),
  });
}
