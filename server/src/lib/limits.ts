import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

/**
 * Every route of the calling plugin is rate-limited: per signed-in person, or per address for
 * visitors. Routes may tighten it with their own `config.rateLimit`.
 */
export async function limitRoutes(app: FastifyInstance, max: number, timeWindowMs = 60_000): Promise<void> {
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
  });
}
