import { setImmediate as nextTurn } from 'node:timers/promises';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import {
  type CaptionsState,
  ClientEvent,
  type ClientToServerEvents,
  CloseReason,
  ErrorCode,
  type Message,
  NoteChannels,
  PROTOCOL_VERSION,
  RealtimeLimits,
  ServerEvent,
  type ServerToClientEvents,
  type TranscriptSegment,
  type User,
  wireParser,
} from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import type { ClusterLink } from '../cluster/redis.js';
import type { SharedLimits } from '../cluster/sharedLimits.js';
import { within } from '../lib/time.js';
import { SESSION_COOKIE } from '../plugins/auth.js';
import { TandemAdapter } from './adapter.js';
import { Budgets } from './budgets.js';
import { takeFrames } from './frames.js';
import { Rooms } from './rooms.js';

/** What the server knows about a connected socket; identity never comes from the client. */
export interface SocketData {
  user: User;
  /** The server-side sign-in this socket was opened with (its stored id). */
  authSessionId: string;
}

/** What nodes ask each other through the adapter (cluster mode). */
export interface ServerSideEvents {
  /** Stop this session's transcriber if it runs here, flushing its last words; answered once done. */
  'transcriber:stop': (sessionId: string, done: (stopped: boolean) => void) => void;
}

export type TandemServer = Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type TandemSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

/** A realtime domain (notes, goals, ...) hooks into the socket lifecycle here. */
export type RealtimeDomain = (io: TandemServer, socket: TandemSocket) => void;

/**
 * What services (finalisation, transcription, sign-out) tell the realtime layer. They never
 * emit on Socket.IO themselves nor know room names: this is the whole interface.
 */
export interface Realtime {
  /** A session is over and its record saved: its note and goals panels go to the record. */
  sessionEnded(sessionId: string, mentorshipId: string): void;
  /** Consent or transcription state changed. */
  captionsChanged(state: CaptionsState): void;
  /** A caption (partial or final) or a chat message. */
  captionAdded(sessionId: string, segment: TranscriptSegment, final: boolean): void;
  /** A sign-in ended: the sockets opened with it close now. */
  signedOut(authSessionId: string): void;
  /** A person lost access everywhere (deactivated): all their sockets close now. */
  userRevoked(userId: string): void;
  /** The people connected to a session's note right now (what the server knows without LiveKit). */
  connectedTo(sessionId: string): Promise<string[]>;
  /** A message of a pair's thread: both people's open pages get it now. */
  messagePosted(message: Message, userIds: string[]): void;
  /** Someone read a thread up to a message: the other sees the receipt. */
  messagesRead(read: { mentorshipId: string; userId: string; until: string }, userIds: string[]): void;
  /** True when the person has Tandem open somewhere (any socket). */
  isOnline(userId: string): Promise<boolean>;
  /** A pair's projects changed (new, edited, submitted, reviewed): their open pages read them again. */
  projectsChanged(mentorshipId: string, userIds: string[]): void;
  /** Cluster mode: whichever other node runs this session's transcriber stops it (bounded wait); one node: nothing to do. */
  stopTranscriberElsewhere(sessionId: string): Promise<void>;
  /**
   * This node is going away: no new connection is taken, and every open one is closed so that its
   * app reconnects (through the load balancer, to another node) and re-syncs.
   */
  drain(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    io: TandemServer;
    realtime: Realtime;
  }
}

export interface RealtimeOptions {
  allowedOrigins: string[];
  domains: ((app: FastifyInstance) => RealtimeDomain)[];
  /** Cluster mode: rooms and broadcasts through Redis streams; no realtime traffic while Redis is away. */
  cluster?: ClusterLink;
  /** Cluster mode: each person's budget counted by every node together. */
  sharedLimits?: SharedLimits;
}

/** Closes a socket with a named reason the client can show. */
export function closeSocket(socket: TandemSocket, reason: CloseReason, message: string): void {
  socket.emit(ServerEvent.serverError.name, { reason, message });
  socket.disconnect(true);
}

const TOO_MANY = 'Too many messages; wait a moment before reconnecting.';

/** The events of every keystroke (a note's update with its caret, a caret alone), which takeFrames reads. */
const keystrokeEvents: ReadonlySet<string> = new Set(Object.values(NoteChannels).flatMap((channel) => [channel.update, channel.awareness]));

/** Each client event's wire limit, by name. */
const maxBytesOf = new Map<string, number>(Object.values(ClientEvent).map((e) => [e.name, e.maxBytes]));

/** A cheap upper bound of a decoded payload's size: binary lengths, string lengths in UTF-8 worst case. */
export function payloadBytes(value: unknown, depth = 0): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof value === 'string') return value.length * 3;
  if (value === null || typeof value !== 'object' || depth > 8) return 8;
  let total = 2;
  if (Array.isArray(value)) {
    for (const v of value) total += payloadBytes(v, depth + 1) + 1;
  } else {
    for (const k in value) total += k.length + 2 + payloadBytes((value as Record<string, unknown>)[k], depth + 1);
  }
  return total;
}

/** The parts of an engine.io connection that {@link corkFlushes} touches (ws transport). */
interface CorkableConnection {
  transport?: { send?: (packets: unknown[]) => void; socket?: { _socket?: { cork?: () => void; uncork?: () => void } } };
}

/**
 * Wraps the connection's transport so that everything one flush sends (frames of one or several
 * packets) is written with one system call: the TCP socket is corked around it. No delay is
 * added: it is uncorked as soon as the flush has handed its frames over.
 */
export function corkFlushes(conn: unknown): void {
  const transport = (conn as CorkableConnection).transport;
  const tcp = transport?.socket?._socket;
  const send = transport?.send;
  if (!transport || !send || typeof tcp?.cork !== 'function' || typeof tcp.uncork !== 'function') return;
  const cork = tcp.cork.bind(tcp);
  const uncork = tcp.uncork.bind(tcp);
  transport.send = (packets) => {
    cork();
    try {
      send.call(transport, packets);
    } finally {
      uncork();
    }
  };
}

/**
 * How often every connected sign-in is read again, all in one query (sign-out and deactivation
 * close sockets at once; this catches a sign-in that expired or was removed elsewhere).
 */
const SIGN_IN_RECHECK_MS = 1_000;
/** How long a read is trusted by the per-event check: past it (the sweep lagging), the event reads it itself. */
const SIGN_IN_TRUST_MS = 2 * SIGN_IN_RECHECK_MS;

/**
 * The Socket.IO hub. Every connection is checked before any event is handled:
 * WebSocket only, Origin allowed AT THE UPGRADE (a foreign page never gets a 101),
 * protocol version, session cookie, and the person's connection budget. Every event is
 * then checked against its own size cap and the person's message and byte budget (shared
 * by all their sockets, kept across reconnects), and against the sign-in still being valid.
 */
export default fp<RealtimeOptions>(
  async (app, opts) => {
    /** Set once the node drains: connections are refused from then on. */
    let draining = false;
    const { cluster } = opts;
    const io: TandemServer = new Server(app.server, {
      transports: ['websocket'],
      // No compression: a keystroke is ~100 bytes, and directWrite.ts writes frames as they are.
      perMessageDeflate: false,
      // A keystroke's update and caret travel as ONE binary frame (shared/src/wire.ts).
      parser: wireParser,
      maxHttpBufferSize: RealtimeLimits.maxFrameBytes,
      serveClient: false,
      cors: { origin: opts.allowedOrigins, credentials: true },
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
      // One node: recovery without keeping every keystroke relayed (see TandemAdapter). Several:
      // Redis streams, which keep recovery working across nodes; note relays never enter them
      // (they are sent to this node's sockets only, and reach the others through NoteCluster).
      adapter: cluster ? createAdapter(cluster.adapterClient, { streamName: 'tandem:socket.io' }) : TandemAdapter,
      allowRequest: (req, callback) => {
        const origin = req.headers.origin;
        const open = !draining && (!cluster || cluster.available);
        callback(null, open && Boolean(origin && opts.allowedOrigins.includes(origin)));
      },
    });
    /** Closes every connection's transport, not its Socket.IO session: each app reconnects by itself (elsewhere, or later). */
    const closeTransports = () => {
      for (const socket of io.of('/').sockets.values()) socket.conn.close();
    };
    // Without Redis this node cannot reach the people on other nodes: rather than look live and
    // silently split, its apps show "reconnecting" (and keep their unsaved edits) until Redis is back.
    cluster?.onDown(closeTransports);
    if (cluster) {
      io.on('transcriber:stop', (sessionId, done) => {
        if (typeof sessionId !== 'string' || typeof done !== 'function') return;
        app.transcription.stopHere(sessionId).then(
          () => done(true),
          (err: unknown) => {
            app.log.warn({ err, sessionId }, 'could not stop a transcriber another node asked to stop');
            done(false);
          },
        );
      });
    }
    // Each flush of a connection goes out in ONE write: a packet with binary data is a text frame
    // and one frame per attachment, and a write per frame (on loopback the kernel's delivery is
    // charged to the writer) was the largest single cost per keystroke in the bench's profile.
    io.engine.on('connection', (conn: unknown) => corkFlushes(conn));
    // Cluster mode: one budget per person whichever nodes they are on (see Budgets); someone over it
    // is told so and closed on every node (through the adapter), and refused everywhere for a while.
    const budgets = new Budgets(
      app.log,
      undefined,
      opts.sharedLimits && {
        limits: opts.sharedLimits,
        onOver: (userId) => closeRoom(Rooms.user(userId), TOO_MANY, CloseReason.RateLimited),
      },
    );
    app.addHook('onClose', async () => budgets.stop());

    /** Sign-ins known to be valid, and when the query that said so started. */
    const validSignIns = new Map<string, number>();
    /** True when the sign-in was read as valid lately (the hot path: no await, no query per event). */
    const recentlyValid = (id: string) => {
      const checked = validSignIns.get(id);
      return checked !== undefined && performance.now() - checked < SIGN_IN_TRUST_MS;
    };
    /** Keeps what a read of these sign-ins found: the valid ones trusted from their query's start, the others not at all. */
    const keepRead = (ids: readonly string[], valid: ReadonlyMap<string, number>) => {
      // Only fresh entries matter: forget the rest rather than grow with every sign-in ever seen.
      if (validSignIns.size > 10_000) validSignIns.clear();
      for (const id of ids) {
        const readAt = valid.get(id);
        if (readAt === undefined) validSignIns.delete(id);
        else validSignIns.set(id, readAt);
      }
    };
    /** The next read of sign-ins that events are waiting for: every one asked for until it starts. */
    let nextRead: { ids: Set<string>; valid: Promise<ReadonlyMap<string, number>> } | null = null;
    /**
     * Reads a sign-in whose trust ran out, for an event waiting on it. The ones asked for in the same
     * turn of the loop are read together (validSignIns: one query per hundred), not one query per
     * socket: when a busy node's sweep fell behind, each of its 1,640 sockets (bench, 820 sessions)
     * read its own sign-in again every 2 s, on the main thread, and kept it behind.
     */
    const readSignIn = (id: string): Promise<boolean> => {
      let read = nextRead;
      if (!read) {
        const ids = new Set<string>();
        const valid = nextTurn().then(async () => {
          nextRead = null; // asked for from now on: the next read
          const list = [...ids];
          const found = await app.auth.validSignIns(list);
          keepRead(list, found);
          return found;
        });
        read = nextRead = { ids, valid };
      }
      read.ids.add(id);
      return read.valid.then((found) => found.has(id));
    };

    io.use(async (socket, next) => {
      const origin = socket.handshake.headers.origin;
      if (!origin || !opts.allowedOrigins.includes(origin)) return next(new Error(CloseReason.BadOrigin));
      const auth = socket.handshake.auth as Partial<{ protocol: unknown }>;
      if (auth.protocol !== PROTOCOL_VERSION) return next(new Error(CloseReason.ProtocolMismatch));
      const cookies = app.parseCookie(socket.handshake.headers.cookie ?? '');
      const signedIn = await app.auth.signInForToken(cookies[SESSION_COOKIE]).catch(() => null);
      if (!signedIn) return next(new Error(CloseReason.Unauthenticated));
      if (!(await budgets.connect(signedIn.user.id))) return next(new Error(CloseReason.RateLimited));
      socket.data.user = signedIn.user;
      socket.data.authSessionId = signedIn.authSessionId;
      next();
    });

    // Every second, ONE read of every connected sign-in (not one per socket): the valid ones are
    // trusted from their query's start, the others' sockets close now. A sweep that takes longer
    // than its second (the turns between its queries, on a busy node) is followed by the next at
    // once: skipping a tick left each sign-in's two reads 2 s apart, past its trust.
    let sweeping = false;
    let sweepAgain = false;
    const sweepOnce = async () => {
      const ids = [...new Set([...io.of('/').sockets.values()].map((s) => s.data.authSessionId))];
      if (ids.length === 0) return;
      const valid = await app.auth.validSignIns(ids);
      keepRead(ids, valid);
      for (const id of ids) if (!valid.has(id)) closeRoom(Rooms.signIn(id), 'You were signed out.');
    };
    const sweep = async () => {
      if (sweeping) {
        sweepAgain = true;
        return;
      }
      sweeping = true;
      try {
        do {
          sweepAgain = false;
          await sweepOnce();
        } while (sweepAgain);
      } finally {
        sweeping = false;
      }
    };
    const sweeper = setInterval(
      () => void sweep().catch((err: unknown) => app.log.warn({ err }, 'sign-in sweep failed')),
      SIGN_IN_RECHECK_MS,
    );
    sweeper.unref();
    app.addHook('onClose', async () => clearInterval(sweeper));

    const domains = opts.domains.map((d) => d(app));
    io.on('connection', (socket) => {
      const userId = socket.data.user.id;
      void socket.join([Rooms.signIn(socket.data.authSessionId), Rooms.user(userId)]);
      /** Events waiting for the sign-in to be read: they go on in the order they came (a note's updates must). */
      let waiting: Promise<void> | null = null;
      const signIn = socket.data.authSessionId;
      /** The person's budget and the event's size cap, for every event whichever way it came; false: refused (and answered). */
      const admitted = (event: string, args: unknown[], ack: unknown): boolean => {
        const size = payloadBytes(args);
        if (!budgets.spend(userId, size)) {
          closeSocket(socket, CloseReason.RateLimited, TOO_MANY);
          return false;
        }
        const max = maxBytesOf.get(event);
        if (max === undefined || size > max) {
          if (typeof ack === 'function')
            ack({
              ok: false,
              error: { code: ErrorCode.PayloadTooLarge, message: max === undefined ? 'Unknown event.' : `Larger than ${max} bytes.` },
            });
          return false;
        }
        return true;
      };
      // Keystrokes and carets: read straight from their frames and handed to their handlers (see
      // takeFrames) when nothing waits before them — the same checks, in the same order.
      takeFrames(socket, keystrokeEvents, ({ event, payload }, ack) => {
        if (waiting || !recentlyValid(signIn)) return false; // in order, behind the sign-in read (Socket.IO's path)
        if (!socket.connected || !admitted(event, [payload], ack)) return true;
        for (const listener of socket.listeners(event as keyof ClientToServerEvents) as ((...args: unknown[]) => void)[])
          listener(payload, ack);
        return true;
      });
      socket.use(([event, ...args], next) => {
        const ack = args.at(-1);
        if (!admitted(event, typeof ack === 'function' ? args.slice(0, -1) : args, ack)) return;
        if (!waiting && recentlyValid(signIn)) return next();
        const turn = (waiting ?? Promise.resolve())
          .then(() => (recentlyValid(signIn) ? true : readSignIn(signIn)))
          .then(
            (valid) => (valid ? next() : closeSocket(socket, CloseReason.Unauthenticated, 'You were signed out.')),
            () => closeSocket(socket, CloseReason.Unauthenticated, 'Could not check your sign-in.'),
          );
        waiting = turn;
        void turn.then(() => {
          if (waiting === turn) waiting = null;
        });
      });
      for (const domain of domains) domain(io, socket);
    });

    /** Closes every socket in a room, on every node, with a named reason. */
    const closeRoom = (room: string, message: string, reason: CloseReason = CloseReason.Unauthenticated) => {
      io.to(room).emit(ServerEvent.serverError.name, { reason, message });
      io.in(room).disconnectSockets(true);
    };
    /**
     * The sockets in a room on every node. In cluster mode the other nodes answer through Redis; one
     * that does not within 1.5 s (Redis away, a node that just died) leaves this node's own answer.
     */
    const socketsIn = async (room: string) => {
      if (!cluster) return io.in(room).fetchSockets();
      // Bounded here: the adapter first counts the nodes with a Redis command, which waits out an outage.
      const all = await within(io.in(room).timeout(1_500).fetchSockets(), 1_500, null).catch(() => null);
      if (all) return all;
      // This node's own sockets, read straight from its rooms (the adapter's local fetch counts the nodes first, too).
      const nsp = io.of('/');
      return [...(nsp.adapter.rooms.get(room) ?? [])].flatMap((id) => nsp.sockets.get(id) ?? []);
    };
    const realtime: Realtime = {
      sessionEnded(sessionId, mentorshipId) {
        io.to(Rooms.note(sessionId)).to(Rooms.goals(mentorshipId)).to(Rooms.captions(sessionId)).emit(ServerEvent.sessionEnded.name, {
          sessionId,
        });
      },
      captionsChanged(state) {
        io.to(Rooms.captions(state.sessionId)).emit(ServerEvent.captionsState.name, state);
      },
      captionAdded(sessionId, segment, final) {
        io.to(Rooms.captions(sessionId)).emit(ServerEvent.captionsSegment.name, { sessionId, segment, final });
      },
      signedOut(authSessionId) {
        validSignIns.delete(authSessionId);
        closeRoom(Rooms.signIn(authSessionId), 'You signed out.');
      },
      userRevoked(userId) {
        validSignIns.clear();
        closeRoom(Rooms.user(userId), 'Your access was removed.');
      },
      messagePosted(message, userIds) {
        io.to(userIds.map(Rooms.user)).emit(ServerEvent.messageNew.name, { message });
      },
      messagesRead(read, userIds) {
        io.to(userIds.map(Rooms.user)).emit(ServerEvent.messageRead.name, read);
      },
      projectsChanged(mentorshipId, userIds) {
        io.to(userIds.map(Rooms.user)).emit(ServerEvent.projectsChanged.name, { mentorshipId });
      },
      async stopTranscriberElsewhere(sessionId) {
        // With Redis away no node can be asked: the one running it stops by itself once it sees the session closed.
        if (!cluster?.available) return;
        // Bounded: a node that does not answer (it died, or Redis is away) must not hold up the end.
        const asked = io.serverSideEmitWithAck('transcriber:stop', sessionId).then(
          () => true,
          () => false,
        );
        if (!(await within(asked, 6_000, false)))
          app.log.warn({ sessionId }, 'not every node answered the transcriber stop in time (its lease lapses by itself)');
      },
      drain() {
        draining = true;
        closeTransports();
      },
      async isOnline(userId) {
        return (await socketsIn(Rooms.user(userId))).length > 0;
      },
      async connectedTo(sessionId) {
        const sockets = await socketsIn(Rooms.note(sessionId));
        return [...new Set(sockets.map((s) => s.data.user.id))];
      },
    };

    app.decorate('io', io);
    app.decorate('realtime', realtime);
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
  },
  { name: 'realtime', dependencies: ['auth'] },
);
