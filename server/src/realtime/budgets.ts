import { RealtimeLimits } from '@tandem/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { SharedLimits, Spent } from '../cluster/sharedLimits.js';
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
export const BLOCK_MS = 5_000;
const LOG_EVERY_MS = 60_000;
/** Cluster mode: how often a node tells Redis what each person spent on it. */
export const SHARED_REPORT_MS = 1_000;
/**
 * Cluster mode: a person is reported only when they spent at least this share of their budget's
 * rate on this node within the report's second. Someone typing (5 to 10 messages a second) costs
 * Redis nothing; someone spreading a flood over nodes so that no node sees this much sends, on up
 * to 1 / SHARED_REPORT_FLOOR nodes, less than one budget in all.
 */
export const SHARED_REPORT_FLOOR = 0.1;

/** Cluster mode: the budgets every node shares, and what to do when a person goes over them. */
export interface SharedBudgets {
  limits: SharedLimits;
  /** The person went over their budget (counted on every node): close their sockets. */
  onOver(userId: string): void;
}

/**
 * Realtime budgets per PERSON, not per socket: messages and bytes per second (so one
 * socket of 800 KB frames is as limited as many small ones), and new connections per
 * second (so reconnecting neither resets the budget nor can be a storm). Offenders are
 * logged once a minute with a count, not once a message.
 *
 * In cluster mode (`shared`) the person's budget is also counted by the whole cluster: each node
 * still decides every message on its own buckets (no Redis round trip per message), and tells Redis
 * once a second what each person spent on it (past a floor, {@link SHARED_REPORT_FLOOR}); someone
 * over the shared budget is shut out on every node, as here. A new connection takes a token from both.
 */
export class Budgets {
  private readonly budgets = new Map<string, Budget>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly reporter?: NodeJS.Timeout;
  /** Cluster mode: what each person spent here since the last report. */
  private readonly spent = new Map<string, Spent>();

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = () => performance.now(),
    private readonly shared?: SharedBudgets,
  ) {
    // A person whose buckets are full again has nothing worth remembering.
    this.sweeper = setInterval(() => {
      for (const [id, b] of this.budgets)
        if (b.messages.full && b.bytes.full && b.connections.full && b.blockedUntil < this.now()) this.budgets.delete(id);
    }, 60_000);
    this.sweeper.unref();
    if (shared) {
      this.reporter = setInterval(() => void this.report(shared), SHARED_REPORT_MS);
      this.reporter.unref();
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    clearInterval(this.reporter);
  }

  /** Tells Redis what was spent here; whoever is now over the shared budget is shut out here too. */
  private async report(shared: SharedBudgets): Promise<void> {
    const L = RealtimeLimits;
    const floor = { messages: L.messagesPerSecond * SHARED_REPORT_FLOOR, bytes: L.bytesPerSecond * SHARED_REPORT_FLOOR };
    const spent = new Map([...this.spent].filter(([, s]) => s.messages >= floor.messages || s.bytes >= floor.bytes));
    this.spent.clear();
    if (spent.size === 0) return;
    // Unanswered (Redis away): the report is dropped; this node's own buckets still hold.
    for (const userId of (await shared.limits.spend(spent)) ?? []) {
      const b = this.of(userId);
      b.blockedUntil = this.now() + BLOCK_MS;
      this.refuse(userId, b, 'message');
      shared.onOver(userId);
    }
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

  /** A new connection: false when the person is blocked or reconnecting too fast (here, or in the cluster). */
  async connect(userId: string): Promise<boolean> {
    const b = this.of(userId);
    if (b.blockedUntil > this.now() || !b.connections.take()) return this.refuse(userId, b, 'connection');
    // Unanswered (Redis away): this node's own count decides.
    if ((await this.shared?.limits.connect(userId)) === false) return this.refuse(userId, b, 'connection');
    return true;
  }

  /** One message of `bytes`: false when it is over the person's budget (their sockets should close). */
  spend(userId: string, bytes: number): boolean {
    const b = this.of(userId);
    if (this.shared) {
      const s = this.spent.get(userId);
      if (s) {
        s.messages += 1;
        s.bytes += bytes;
      } else this.spent.set(userId, { messages: 1, bytes });
    }
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
