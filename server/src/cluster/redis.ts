import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { within } from '../lib/time.js';

/**
 * Cluster mode's link to Redis (REDIS_URL): one connection for commands and publishing, one
 * subscribed to the channels of what this node holds (live notes), and the Socket.IO adapter's
 * own (created from {@link ClusterLink.commands}). Tells its listeners when Redis goes away and
 * comes back: while it is away, this node takes no realtime traffic (see the realtime plugin).
 */
export class ClusterLink {
  /** This process's id on the wire (a restarted node is a new one). */
  readonly nodeId = randomBytes(8);
  readonly commands: Redis;
  /** For the Socket.IO Redis streams adapter (which duplicates it for its readers). */
  readonly adapterClient: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, (message: Buffer) => void>();
  private readonly downListeners: (() => void)[] = [];
  private readonly upListeners: (() => void)[] = [];
  private up = false;
  private closed = false;

  constructor(
    url: string,
    readonly nodeName: string,
    private readonly log: FastifyBaseLogger,
  ) {
    const options = {
      // Commands wait for a reconnect at most this long each, then fail (never hang a request).
      maxRetriesPerRequest: 2,
      retryStrategy: (times: number) => Math.min(times * 100, 1_000),
      connectionName: `tandem:${nodeName}`,
      lazyConnect: true,
    };
    // Publishes of one tick (keystrokes of many notes) go out in one write.
    this.commands = new Redis(url, { ...options, enableAutoPipelining: true });
    this.subscriber = new Redis(url, options);
    // The Socket.IO adapter fires commands it never awaits (a session kept for recovery when a
    // socket drops): on its own connection they wait out an outage instead of failing unheard.
    this.adapterClient = new Redis(url, { ...options, maxRetriesPerRequest: null, lazyConnect: false });
    this.adapterClient.on('error', (err: Error) => this.log.debug({ err }, 'redis connection error'));
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const handler = this.handlers.get(channel.toString());
      if (!handler || message.subarray(1, 9).equals(this.nodeId)) return;
      try {
        handler(message);
      } catch (err) {
        this.log.warn({ err, channel: channel.toString() }, 'a cluster message could not be handled');
      }
    });
    for (const client of [this.commands, this.subscriber]) {
      client.on('error', (err: Error) => this.log.debug({ err }, 'redis connection error'));
      client.on('close', () => this.changed());
      client.on('ready', () => this.changed());
    }
  }

  /** Connects both connections; throws when Redis does not answer (the node does not start). */
  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    this.changed();
  }

  /** True while both connections are ready. */
  get available(): boolean {
    return this.up;
  }

  private changed(): void {
    const now = !this.closed && this.commands.status === 'ready' && this.subscriber.status === 'ready';
    if (now === this.up) return;
    this.up = now;
    if (now) {
      this.log.info('redis is back: this node takes realtime traffic again');
      // Subscriptions are restored first (ioredis does it on reconnect; again here, idempotent),
      // so that what the listeners ask for (a re-sync of every live note) is answered to us.
      const channels = [...this.handlers.keys()];
      void (channels.length > 0 ? this.subscriber.subscribe(...channels) : Promise.resolve())
        .catch(() => undefined)
        .then(() => {
          for (const l of this.upListeners) l();
        });
    } else {
      if (!this.closed) this.log.warn('redis is unavailable: this node refuses realtime traffic until it is back');
      for (const l of this.downListeners) l();
    }
  }

  onDown(listener: () => void): void {
    this.downListeners.push(listener);
  }

  onUp(listener: () => void): void {
    this.upListeners.push(listener);
  }

  /** Receives what other nodes publish on a channel (never this node's own messages). */
  async subscribe(channel: string, handler: (message: Buffer) => void): Promise<void> {
    this.handlers.set(channel, handler);
    await this.subscriber.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.handlers.delete(channel);
    await this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  /** Publishes a message (its bytes 1–8 must be {@link nodeId}); lost while Redis is away, which re-syncs on return repair. */
  publish(channel: string, message: Uint8Array): void {
    this.commands.publish(channel, Buffer.from(message.buffer, message.byteOffset, message.byteLength)).catch((err: unknown) => {
      this.log.debug({ err, channel }, 'publish failed');
    });
  }

  /** Whether Redis answers a PING within the time given. */
  async answers(timeoutMs = 2_000): Promise<boolean> {
    if (!this.up) return false;
    const answered = this.commands.ping().then(
      () => true,
      () => false,
    );
    return within(answered, timeoutMs, false);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    // QUIT lets replies in flight arrive; bounded, since with Redis away it would wait for its return.
    await Promise.all(
      [this.commands, this.subscriber, this.adapterClient].map(async (c) => {
        await within(
          c.quit().catch(() => undefined),
          1_000,
          undefined,
        );
        c.disconnect();
      }),
    );
  }
}
