import {
  type ClientToServerEvents,
  CloseReason,
  PROTOCOL_VERSION,
  RealtimeLimits,
  ServerEvent,
  type ServerToClientEvents,
  type User,
} from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import { SESSION_COOKIE } from '../plugins/auth.js';
import { TokenBucket } from './rateLimit.js';

/** What the server knows about a connected socket; identity never comes from the client. */
export interface SocketData {
  user: User;
}

export type TandemServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type TandemSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A realtime domain (notes, goals, ...) hooks into the socket lifecycle here. */
export type RealtimeDomain = (io: TandemServer, socket: TandemSocket) => void;

declare module 'fastify' {
  interface FastifyInstance {
    io: TandemServer;
  }
}

export interface RealtimeOptions {
  allowedOrigins: string[];
  domains: ((app: FastifyInstance) => RealtimeDomain)[];
}

/** Closes a socket with a named reason the client can show. */
export function closeSocket(socket: TandemSocket, reason: CloseReason, message: string): void {
  socket.emit(ServerEvent.serverError.name, { reason, message });
  socket.disconnect(true);
}

/**
 * The Socket.IO hub. Every connection is checked before any event is handled:
 * WebSocket only (so every handshake carries an Origin), Origin allowed, protocol
 * version, session cookie. Each socket gets a message budget; a socket past it is
 * closed with {@link CloseReason.RateLimited} and nobody else notices.
 */
export default fp<RealtimeOptions>(
  async (app, opts) => {
    const io: TandemServer = new Server(app.server, {
      transports: ['websocket'],
      maxHttpBufferSize: RealtimeLimits.maxFrameBytes,
      serveClient: false,
      cors: { origin: opts.allowedOrigins, credentials: true },
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    });

    io.use(async (socket, next) => {
      const origin = socket.handshake.headers.origin;
      if (!origin || !opts.allowedOrigins.includes(origin)) return next(new Error(CloseReason.BadOrigin));
      const auth = socket.handshake.auth as Partial<{ protocol: unknown }>;
      if (auth.protocol !== PROTOCOL_VERSION) return next(new Error(CloseReason.ProtocolMismatch));
      const cookies = app.parseCookie(socket.handshake.headers.cookie ?? '');
      const user = await app.auth.userForToken(cookies[SESSION_COOKIE]).catch(() => null);
      if (!user) return next(new Error(CloseReason.Unauthenticated));
      socket.data.user = user;
      next();
    });

    const domains = opts.domains.map((d) => d(app));
    io.on('connection', (socket) => {
      const bucket = new TokenBucket(RealtimeLimits.messagesPerSecond, RealtimeLimits.messageBurst);
      socket.use((_packet, next) => {
        if (bucket.take()) return next();
        app.log.warn({ userId: socket.data.user.id, socketId: socket.id }, 'socket over its message budget: closed');
        closeSocket(socket, CloseReason.RateLimited, 'Too many messages; reconnect to continue.');
      });
      for (const domain of domains) domain(io, socket);
    });

    app.decorate('io', io);
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
  },
  { name: 'realtime', dependencies: ['auth'] },
);
