import { RealtimeLimits } from '@tandem/shared';
import type { FastifyBaseLogger } from 'fastify';
import { TokenBucket } from './rateLimit.js';

interface Budget {
  messages: TokenBucket;
  bytes: TokenBucket;
  connections: TokenBucket;
  /** When the person last went over (0: never); logged once per minute at most. */
  loggedAt: number;
  /** Messages refused since the last log line. */
  refused: number;
  /** Sockets over budget are closed; reconnecting is refused until this time. */
  blockedUntil: number;
}

/** After going over budget, a person may reconnect after this long. */
const BLOCK_MS = 5_000;
const LOG_EVERY_MS = 60_000;

/**
 * Realtime budgets per PERSON, not per socket: messages and bytes per second (so one
 * socket of 800 KB frames is as limited as many small ones), and new connections per
 * second (so reconnecting neither resets the budget nor can be a storm). Offenders are
 * logged once a minute with a count, not once a message.
 */
export class Budgets {
  private readonly budgets = new Map<string, Budget>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = () => performance.now(),
  ) {
    // A person whose buckets are full again has nothing worth remembering.
    this.sweeper = setInterval(() => {
      for (const [id, b] of this.budgets)
        if (b.messages.full && b.bytes.full && b.connections.full && b.blockedUntil < this.now()) this.budgets.delete(id);
    }, 60_000);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private of(userId: string): Budget {
    let b = this.budgets.get(userId);
    if (!b) {
      const L = RealtimeLimits;
      b = {
        messages: new TokenBucket(L.messagesPerSecond, L.messageBurst, this.now),
        bytes: new TokenBucket(L.bytesPerSecond, L.byteBurst, this.now),
        connections: new TokenBucket(L.connectionsPerSecond, L.connectionBurst, this.now),
        loggedAt: 0,
        refused: 0,
        blockedUntil: 0,
      };
      this.budgets.set(userId, b);
    }
    return b;
  }

  /** A new connection: false when the person is blocked or reconnecting too fast. */
  connect(userId: string): boolean {
    const b = this.of(userId);
    if (b.blockedUntil > this.now() || !b.connections.take()) return this.refuse(userId, b, 'connection');
    return true;
  }

  /** One message of `bytes`: false when it is over the person's budget (their sockets should close). */
  spend(userId: string, bytes: number): boolean {
    const b = this.of(userId);
    if (b.blockedUntil > this.now() || !b.messages.take() || !b.bytes.take(Math.min(bytes, RealtimeLimits.byteBurst))) {
      b.blockedUntil = this.now() + BLOCK_MS;
      return this.refuse(userId, b, 'message');
    }
    return true;
  }

  private refuse(userId: string, b: Budget, what: 'connection' | 'message'): false {
    b.refused += 1;
    const t = this.now();
    if (b.loggedAt === 0 || t - b.loggedAt >= LOG_EVERY_MS) {
      this.log.warn({ userId, refused: b.refused, last: what }, 'realtime budget exceeded: sockets closed, reconnects refused for a while');
      b.loggedAt = t;
      b.refused = 0;
    }
    return false;
  }
}
