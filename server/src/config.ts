import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { JOIN_WINDOW_MINUTES } from '@tandem/shared';
import { z } from 'zod';

/** Everything the server reads from its environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  publicOrigin: string;
  /** Origins allowed to call state-changing endpoints and to open sockets. */
  allowedOrigins: string[];
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  livekit: {
    /** Where this server reaches LiveKit's API. */
    url: string;
    /** Where browsers reach LiveKit (may differ behind a proxy). */
    publicUrl: string;
    apiKey: string;
    apiSecret: string;
    tokenTtlSeconds: number;
    /** Undefined: let LiveKit propose ICE servers. [] on a loopback-only LiveKit. */
    iceServers: { urls: string | string[]; username?: string; credential?: string }[] | undefined;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  seedDemo: boolean;
  /** The cloud speech engine, when its key is set; otherwise the offline one. */
  deepgram: { apiKey: string; url: string } | undefined;
  sessions: {
    /** An empty room's session ends after this many seconds. */
    graceSeconds: number;
    /** How often the reconciler looks for sessions to end (0 = off). */
    reconcileSeconds: number;
    /** A session opens to join this many minutes before its time. */
    joinWindowMinutes: number;
  };
  week: {
    /** How often reminders, calendar invitations, no-show checks and digests are looked at (0 = never on its own). */
    tickSeconds: number;
    /** A digest of unread messages waits this long after the first one. */
    digestDelayMinutes: number;
    /** At most one digest per person and mentorship this often. */
    digestEveryHours: number;
    /** Jobs done per pass at most (the rest wait for the next pass). */
    batch: number;
  };
  /** Directory of the built client to serve, when it exists. */
  clientDir: string | undefined;
  mail: {
    /** smtp:// or smtps:// URL; undefined keeps mail in the outbox table (shown to admins). */
    smtpUrl: string | undefined;
    from: string;
  };
  /** The organisation's OpenID Connect sign-in, when configured. */
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string } | undefined;
  /** False: only the organisation's sign-in (PASSWORD_SIGNIN=false). */
  passwordSignIn: boolean;
  /** Staff read mentors' private notes (PRIVATE_NOTES_VISIBLE_TO_ADMINS). */
  privateNotesVisibleToAdmins: boolean;
  /** The note's group-commit window (NoteHubOptions.commitWindowMs). */
  noteCommitWindowMs: number;
  /** A batch this large commits before its window ends (NoteHubOptions.commitAtWrites). */
  noteCommitBatchWrites: number;
  /** Cluster mode (REDIS_URL, on PostgreSQL): this node's name and the shared Redis. */
  cluster: { redisUrl: string; nodeName: string } | undefined;
  /** DRAIN_GRACE_SECONDS: 3 s in cluster mode (a load balancer checking every second notices), else none. */
  drainGraceMs: number;
}

/** A bad environment: the message names each variable and what it expects. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const wsUrl = z
  .string()
  .url()
  .refine((u) => /^(wss?|https?):\/\//.test(u), 'must start with ws://, wss://, http:// or https://');

const iceServers = z.string().transform((raw, ctx) => {
  if (raw === 'none' || raw === '') return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    const list = z
      .array(
        z.object({ urls: z.union([z.string(), z.array(z.string())]), username: z.string().optional(), credential: z.string().optional() }),
      )
      .parse(parsed);
    return list;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be "none" or a JSON array of {"urls": ...} objects' });
    return z.NEVER;
  }
});

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => ['1', 'true', 'yes'].includes(v));

const EnvSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be an integer between 0 and 65535' })
    .int('must be an integer between 0 and 65535')
    .min(0)
    .max(65535)
    .default(3000),
  HOST: z.string().min(1).default('localhost'),
  PUBLIC_ORIGIN: z
    .string()
    .url('must be an absolute URL like https://tandem.example.org')
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  DATABASE_URL: z
    .string()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// URL (leave it unset for the embedded SQLite)')
    .optional(),
  /** Cluster mode: several server nodes share rooms, live notes and leases through this Redis. */
  REDIS_URL: z
    .string()
    .refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL (leave it unset for one node)')
    .optional(),
  /** This node's name in the cluster (logs, leases); a random one when unset. */
  NODE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, . _ - (at most 64)')
    .optional(),
  /** After SIGTERM, how long a draining node still answers HTTP (while its load balancer takes it out). */
  DRAIN_GRACE_SECONDS: z.coerce.number().min(0).max(120).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  LIVEKIT_URL: wsUrl,
  LIVEKIT_PUBLIC_URL: wsUrl.optional(),
  LIVEKIT_API_KEY: z.string().min(1, 'must not be empty'),
  LIVEKIT_API_SECRET: z.string().min(32, 'must be at least 32 characters'),
  LIVEKIT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(900, 'must be at most 900 (15 minutes)').default(600),
  LIVEKIT_ICE_SERVERS: iceServers.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: bool.default(false),
  DEEPGRAM_API_KEY: z.string().min(1).optional(),
  DEEPGRAM_URL: wsUrl.default('wss://api.deepgram.com'),
  NOTE_COMMIT_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(250),
  NOTE_COMMIT_BATCH_WRITES: z.coerce.number().int().min(1).max(100_000).default(400),
  SESSION_END_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  SESSION_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  WEEK_TICK_SECONDS: z.coerce.number().int().min(0).max(3600).default(20),
  DIGEST_DELAY_MINUTES: z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(15),
  DIGEST_EVERY_HOURS: z.coerce.number().min(0).max(72).default(3),
  WEEK_BATCH: z.coerce.number().int().min(1).max(10_000).default(200),
  SESSION_JOIN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(JOIN_WINDOW_MINUTES),
  CLIENT_DIR: z.string().optional(),
  SMTP_URL: z
    .string()
    .refine((u) => /^smtps?:\/\//.test(u), 'must be an smtp:// or smtps:// URL (leave it unset to keep mail in the outbox)')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Tandem <tandem@localhost>'),
  OIDC_ISSUER: z.string().url('must be the issuer URL, e.g. https://accounts.example.org').optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).max(40).default('your organisation'),
  PASSWORD_SIGNIN: bool.default(true),
  /** Programme staff may read mentors' private notes (off: nobody but the mentor ever sees one). */
  PRIVATE_NOTES_VISIBLE_TO_ADMINS: bool.default(false),
});

function oidcConfig(e: z.infer<typeof EnvSchema>): Config['oidc'] {
  const set = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (set === 0) return undefined;
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) {
    throw new ConfigError(['OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together (or none of them)']);
  }
  return { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, name: e.OIDC_NAME };
}

/** Reads and validates the environment; throws {@link ConfigError} naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const got = env[name];
      const message = got === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message;
      return `${name} ${message}${got === undefined ? '' : ` (got ${JSON.stringify(name.includes('SECRET') ? '***' : got)})`}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.REDIS_URL && !e.DATABASE_URL)
    throw new ConfigError(['REDIS_URL (several nodes) needs DATABASE_URL: the nodes share one PostgreSQL, not a SQLite file each']);
  if (!e.PASSWORD_SIGNIN && !e.OIDC_ISSUER) throw new ConfigError(['PASSWORD_SIGNIN=false needs OIDC_ISSUER: nobody could sign in']);
  const publicOrigin = new URL(e.PUBLIC_ORIGIN ?? `http://localhost:${e.PORT}`).origin;
  const extra = (e.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of extra) {
    if (!URL.canParse(o)) throw new ConfigError([`ALLOWED_ORIGINS must be a comma-separated list of origins (got ${JSON.stringify(o)})`]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicOrigin,
    allowedOrigins: [publicOrigin, ...extra.map((o) => new URL(o).origin)],
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: path.resolve(e.DATA_DIR, 'tandem.sqlite') },
    livekit: {
      url: e.LIVEKIT_URL,
      publicUrl: e.LIVEKIT_PUBLIC_URL ?? e.LIVEKIT_URL,
      apiKey: e.LIVEKIT_API_KEY,
      apiSecret: e.LIVEKIT_API_SECRET,
      tokenTtlSeconds: e.LIVEKIT_TOKEN_TTL_SECONDS,
      iceServers: e.LIVEKIT_ICE_SERVERS,
    },
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO,
    deepgram: e.DEEPGRAM_API_KEY ? { apiKey: e.DEEPGRAM_API_KEY, url: e.DEEPGRAM_URL } : undefined,
    sessions: {
      graceSeconds: e.SESSION_END_GRACE_SECONDS,
      reconcileSeconds: e.SESSION_RECONCILE_SECONDS,
      joinWindowMinutes: e.SESSION_JOIN_WINDOW_MINUTES,
    },
    week: {
      tickSeconds: e.WEEK_TICK_SECONDS,
      digestDelayMinutes: e.DIGEST_DELAY_MINUTES,
      digestEveryHours: e.DIGEST_EVERY_HOURS,
      batch: e.WEEK_BATCH,
    },
    clientDir: e.CLIENT_DIR ? path.resolve(e.CLIENT_DIR) : undefined,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    oidc: oidcConfig(e),
    passwordSignIn: e.PASSWORD_SIGNIN,
    privateNotesVisibleToAdmins: e.PRIVATE_NOTES_VISIBLE_TO_ADMINS,
    noteCommitWindowMs: e.NOTE_COMMIT_WINDOW_MS,
    noteCommitBatchWrites: e.NOTE_COMMIT_BATCH_WRITES,
    drainGraceMs: (e.DRAIN_GRACE_SECONDS ?? (e.REDIS_URL ? 3 : 0)) * 1000,
    cluster: e.REDIS_URL ? { redisUrl: e.REDIS_URL, nodeName: e.NODE_NAME ?? `node-${randomBytes(4).toString('hex')}` } : undefined,
  };
}
