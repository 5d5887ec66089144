import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { ApiRoute, ErrorCode, type HealthResponse, Limits } from '@tandem/shared';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import { Leases } from './cluster/leases.js';
import { ClusterLink } from './cluster/redis.js';
import { SharedLimits } from './cluster/sharedLimits.js';
import type { Config } from './config.js';
import { within } from './lib/time.js';
import { NoteHub } from './notes/noteHub.js';
import { NoteStore } from './notes/noteStore.js';
import { SqliteNoteWriter } from './notes/sqliteWriter.js';
import authPlugin from './plugins/auth.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin from './plugins/errors.js';
import livekitPlugin from './plugins/livekit.js';
import mailPlugin from './plugins/mail.js';
import weekPlugin from './plugins/week.js';
import { captionsDomain } from './realtime/captions.js';
import { goalsDomain } from './realtime/goals.js';
import realtime from './realtime/io.js';
import { NoteCluster } from './realtime/noteCluster.js';
import { notesDomain, privateNote, sharedNote } from './realtime/notes.js';
import authRoutes, { type AuthRoutesOptions } from './routes/auth/index.js';
import dashboardRoutes from './routes/dashboard/index.js';
import mentorshipRoutes from './routes/mentorships/index.js';
import adminRoutes from './routes/programme/admin.js';
import linkRoutes from './routes/programme/links.js';
import oidcRoutes from './routes/programme/oidc.js';
import profileRoutes from './routes/programme/profile.js';
import projectRoutes from './routes/projects/index.js';
import reportRoutes from './routes/reports/index.js';
import sessionRoutes from './routes/sessions/index.js';
import sessionLifecycleRoutes from './routes/sessions/lifecycle.js';
import weekRoutes from './routes/week/index.js';
import lifecycle from './sessions/lifecycle.js';
import { DeepgramEngine } from './transcript/deepgram.js';
import { PocketsphinxEngine } from './transcript/pocketsphinx.js';
import { TranscriptionService } from './transcript/service.js';

export const VERSION = '0.1.0';

declare module 'fastify' {
  interface FastifyInstance {
    /** Cluster mode: limits counted in Redis by every node together; null on one node. */
    sharedLimits: SharedLimits | null;
    notes: NoteHub;
    /** Mentors' private notes, one per mentorship. */
    privateNotes: NoteHub;
    privateNotesVisibleToAdmins: boolean;
    transcription: TranscriptionService;
    /** Jobs one node runs at a time (a session's transcriber, the reconciler's pass). */
    leases: Leases;
    /** The origin browsers use, for links in exports. */
    publicOrigin: string;
    /** Minutes before its time that a session opens to join. */
    joinWindowMinutes: number;
    /**
     * Before a node stops (SIGTERM): health says draining, new connections are refused, open ones
     * move to another node, and everything this node took is made durable.
     */
    drain(): Promise<void>;
  }
}

/** How long the health check waits for the database. */
const DATABASE_PING_MS = 2_000;

/** True when the database answers a trivial query in time. */
function databaseAnswers(db: FastifyInstance['db']): Promise<boolean> {
  const answered = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  return within(answered, DATABASE_PING_MS, false);
}

/**
 * Exactly what the app needs: its own scripts and styles (React sets style attributes),
 * Socket.IO on its own origin, LiveKit's signalling (ws) and HTTP API, camera and microphone
 * streams and blob previews. Nothing may frame it.
 */
export function contentSecurityPolicy(config: Config): Record<string, string[] | null> {
  const own = new URL(config.publicOrigin);
  const ownWs = `${own.protocol === 'https:' ? 'wss' : 'ws'}://${own.host}`;
  const livekit = new URL(config.livekit.publicUrl);
  const lkHttp = `${livekit.protocol === 'wss:' ? 'https' : 'http'}://${livekit.host}`;
  const lkWs = `${livekit.protocol === 'wss:' || livekit.protocol === 'https:' ? 'wss' : 'ws'}://${livekit.host}`;
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    mediaSrc: ["'self'", 'blob:', 'mediastream:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", ownWs, lkWs, lkHttp],
    workerSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    // Only where the app is served over https (on http it would break every request).
    upgradeInsecureRequests: own.protocol === 'https:' ? [] : null,
  };
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  /** Compact a note's log into a snapshot after this many updates. */
  snapshotEvery?: number;
  /** SQLite: how often the hot log of note updates moves into the notes' own logs. */
  noteLogMoveEveryMs?: number;
  signIn?: Partial<AuthRoutesOptions>;
  /** "Forgot password" requests per address and email per 15 minutes. */
  forgotMax?: number;
  /** How often the mail worker looks at the queue. */
  mailPollMs?: number;
  /** Told of each message kept in the outbox when no SMTP is configured. */
  onMailKept?: (mail: { to: string; subject: string; links: string[] }) => void;
}

/** The whole app as a plugin tree, not listening: tests inject into it or listen on port 0. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: Limits.httpBodyBytes,
    trustProxy: false,
  });

  await app.register(helmet, {
    contentSecurityPolicy: { directives: contentSecurityPolicy(config) },
    hsts: config.publicOrigin.startsWith('https://'),
  });
  app.decorate('publicOrigin', config.publicOrigin);
  app.decorate('joinWindowMinutes', config.sessions.joinWindowMinutes);
  await app.register(errorsPlugin);
  await app.register(dbPlugin, { database: config.database });
  await app.register(authPlugin, {
    secureCookies: config.publicOrigin.startsWith('https://'),
    allowedOrigins: config.allowedOrigins,
    routeCookie: Boolean(config.cluster),
  });
  await app.register(livekitPlugin, { livekit: config.livekit });

  // Cluster mode (REDIS_URL): the node does not start without Redis; afterwards it follows Redis's comings and goings.
  const cluster = config.cluster ? new ClusterLink(config.cluster.redisUrl, config.cluster.nodeName, app.log) : undefined;
  if (cluster) {
    await cluster.connect();
    app.log.info({ node: cluster.nodeName }, 'cluster mode: rooms, live notes and leases shared through Redis');
  }
  // Cluster mode: rate limits and realtime budgets counted by the whole cluster (lib/limits.ts, realtime/budgets.ts).
  const sharedLimits = cluster ? new SharedLimits(cluster, app.log) : undefined;
  app.decorate('sharedLimits', sharedLimits ?? null);

  // What a load balancer asks: ready (200) only while the database (and Redis) answer and the node is not draining.
  const node = { draining: false };
  app.get(ApiRoute.health, async (_request, reply) => {
    const [database, redis] = node.draining ? [true, true] : await Promise.all([databaseAnswers(app.db), cluster?.answers() ?? true]);
    const status: HealthResponse['status'] = node.draining
      ? 'draining'
      : !database
        ? 'database_unavailable'
        : !redis
          ? 'redis_unavailable'
          : 'ready';
    const body: HealthResponse = { ok: status === 'ready', version: VERSION, status };
    return reply.code(status === 'ready' ? 200 : 503).send(body);
  });
  await app.register(mailPlugin, { mail: config.mail, pollMs: options.mailPollMs, onKept: options.onMailKept });
  await app.register(authRoutes, { signInMax: 10, signInWindowMs: 60_000, passwordSignIn: config.passwordSignIn, ...options.signIn });
  await app.register(linkRoutes, {
    passwordSignIn: config.passwordSignIn,
    oidcName: config.oidc?.name ?? null,
    forgotMax: options.forgotMax ?? 5,
  });
  await app.register(profileRoutes);
  await app.register(adminRoutes);
  if (config.oidc) await app.register(oidcRoutes, { oidc: config.oidc });
  await app.register(dashboardRoutes);
  await app.register(sessionRoutes);
  await app.register(mentorshipRoutes);

  const writer =
    config.database.kind === 'sqlite' ? new SqliteNoteWriter(config.database.file, { moveEveryMs: options.noteLogMoveEveryMs }) : undefined;
  const hubOptions = {
    snapshotEvery: options.snapshotEvery ?? 500,
    commitWindowMs: config.noteCommitWindowMs,
    commitAtWrites: config.noteCommitBatchWrites,
    log: app.log,
  };
  // Cluster mode: the other nodes holding the same notes, one channel per note.
  const [notePeers, privatePeers] = cluster ? [new NoteCluster(cluster, 'session'), new NoteCluster(cluster, 'private')] : [];
  await notePeers?.start();
  await privatePeers?.start();
  app.addHook('onClose', async () => {
    notePeers?.stop();
    privatePeers?.stop();
  });
  const notes = new NoteHub(new NoteStore(app.db, writer), { ...hubOptions, peers: notePeers });
  app.decorate('notes', notes);
  // Mentors' private notes: the same hub and relay on tables and events of their own (one writer thread for both).
  const privateNotes = new NoteHub(new NoteStore(app.db, writer, 'private'), { ...hubOptions, peers: privatePeers });
  app.decorate('privateNotes', privateNotes);
  app.decorate('privateNotesVisibleToAdmins', config.privateNotesVisibleToAdmins);
  // The cloud engine when its key is set, else the offline one when installed; without either,
  // consent is still recorded but nothing is transcribed (and the log says so).
  const engine = config.deepgram
    ? new DeepgramEngine(config.deepgram.apiKey, config.deepgram.url)
    : PocketsphinxEngine.available()
      ? new PocketsphinxEngine()
      : null;
  if (!engine) app.log.warn('no speech engine: install pocketsphinx (npm start does) or set DEEPGRAM_API_KEY');
  const leases = new Leases(app.db, `${cluster?.nodeName ?? 'node'}:${process.pid}:${randomBytes(4).toString('hex')}`);
  app.decorate('leases', leases);
  const transcription = new TranscriptionService(app, engine, leases, { cluster: Boolean(cluster) });
  app.decorate('transcription', transcription);
  await app.register(realtime, {
    allowedOrigins: config.allowedOrigins,
    cluster,
    sharedLimits,
    domains: [
      notesDomain(notes, sharedNote, notePeers),
      notesDomain(privateNotes, privateNote(config.privateNotesVisibleToAdmins), privatePeers),
      goalsDomain(),
      captionsDomain(transcription),
    ],
  });
  app.decorate('drain', async () => {
    if (node.draining) return;
    node.draining = true;
    app.realtime.drain();
    // Whatever arrived before the connections closed is committed before the node stops.
    await notes.drain();
    await privateNotes.drain();
  });
  app.addHook('preClose', async () => transcription.stopAll());
  // Runs before the database closes (hooks run in reverse order of registration).
  app.addHook('onClose', async () => {
    await notes.drain();
    await privateNotes.drain();
    await writer?.close();
    await cluster?.close();
  });
  await app.register(sessionLifecycleRoutes);
  await app.register(weekPlugin, { week: config.week, origin: config.publicOrigin, mailFrom: config.mail.from });
  await app.register(weekRoutes);
  await app.register(projectRoutes);
  await app.register(reportRoutes);
  await app.register(lifecycle, {
    graceMs: config.sessions.graceSeconds * 1000,
    reconcileEveryMs: config.sessions.reconcileSeconds * 1000,
  });

  const serveClient = Boolean(config.clientDir && fs.existsSync(path.join(config.clientDir, 'index.html')));
  if (serveClient && config.clientDir) {
    await app.register(fastifyStatic, { root: config.clientDir, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    // Client routes (/sessions/...) survive a reload: unknown non-API GETs get the app.
    if (serveClient && request.method === 'GET' && !request.url.startsWith('/api/')) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply
      .status(404)
      .send({ error: { code: ErrorCode.NotFound, message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });
  return app;
}
