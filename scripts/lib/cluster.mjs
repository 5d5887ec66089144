// @ts-check
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CLUSTER_PACKAGES, ensureAptPackages, HAPROXY } from './apt.mjs';
import { ensureLivekitServer, startLivekit } from './livekit.mjs';
import { POSTGRES_PACKAGE, startTestPostgres } from './postgres.mjs';
import { freePort, root, waitForHttp } from './proc.mjs';
import { startRedisServer } from './redis.mjs';
import { spawnTandemServer } from './stack.mjs';

/**
 * HAProxy in front of the Tandem nodes and of the LiveKit nodes. No stickiness is needed: the
 * app's realtime connection is WebSocket only (one TCP connection holds a Socket.IO session) and
 * every HTTP request carries its sign-in cookie, which every node reads from PostgreSQL. Requests
 * are spread by the routing cookie the nodes set (`tandem_route`, server/src/cluster/route.ts),
 * hashed consistently: the two people of a pair meet on one node, so a keystroke does not cross
 * Redis to reach its partner; without the cookie (or with a node down) any node serves, by round
 * robin.
 * A node is out of rotation when /api/health says so (draining, database or Redis away) or as
 * soon as a connection to it fails; a refused connection is retried on another node.
 * @param {{ dir: string, port: number, nodePorts: number[], livekitPort: number, livekitPorts: number[] }} o
 */
function haproxyConfig({ dir, port, nodePorts, livekitPort, livekitPorts }) {
  return [
    'global',
    `  stats socket ${path.join(dir, 'haproxy.sock')} mode 600 level admin`,
    '  maxconn 8000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // An open WebSocket (the app's realtime connection) lives as long as the call.
    '  timeout tunnel 2h',
    '  option redispatch',
    '  retries 3',
    'frontend tandem',
    `  bind 127.0.0.1:${port}`,
    '  default_backend tandem',
    'backend tandem',
    '  balance hash req.cook(tandem_route)',
    '  hash-type consistent sdbm avalanche',
    '  option httpchk GET /api/health',
    '  http-check expect status 200',
    '  default-server inter 1s fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down',
    ...nodePorts.map((p, i) => `  server node-${i + 1} 127.0.0.1:${p} check`),
    'frontend livekit',
    `  bind 127.0.0.1:${livekitPort}`,
    '  default_backend livekit',
    'backend livekit',
    '  balance roundrobin',
    '  option httpchk GET /',
    '  default-server inter 1s fall 2 rise 2',
    ...livekitPorts.map((p, i) => `  server livekit-${i + 1} 127.0.0.1:${p} check`),
    '',
  ].join('\n');
}

/**
 * Tandem in cluster mode on one machine: PostgreSQL, Redis (Debian's redis-server), `livekitNodes`
 * livekit-server nodes sharing that Redis, `nodes` Tandem nodes (REDIS_URL + DATABASE_URL), and
 * HAProxy in front of both. The first node seeds the demo accounts before the others start.
 * The database is a fresh one per run, kept in `dataDir` only while it runs.
 * @param {{ port: number, livekitPort: number, dataDir: string, nodes?: number, livekitNodes?: number, seedDemo?: boolean, quiet?: boolean, serverEnv?: Record<string, string> }} options
 */
export async function startCluster({
  port,
  livekitPort,
  dataDir,
  nodes = 3,
  livekitNodes = 2,
  seedDemo = true,
  quiet = true,
  serverEnv = {},
}) {
  await ensureAptPackages([POSTGRES_PACKAGE, ...CLUSTER_PACKAGES]);
  fs.mkdirSync(dataDir, { recursive: true });
  /** @type {(() => Promise<void>)[]} */
  const stops = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const postgres = await startTestPostgres(await freePort(), { durable: true });
    stops.push(async () => postgres.stop());
    const redis = await startRedisServer({ port: await freePort(), dir: path.join(dataDir, 'redis') });
    stops.push(() => redis.stop());

    const bin = await ensureLivekitServer();
    const livekitPorts = Array.from({ length: livekitNodes }, (_, i) => livekitPort + 10 * (i + 1));
    /** @type {Awaited<ReturnType<typeof startLivekit>>[]} */
    const livekits = [];
    for (const [i, p] of livekitPorts.entries()) {
      const lk = await startLivekit({
        bin,
        dir: path.join(dataDir, `livekit-${i + 1}`),
        port: p,
        webhookUrl: `http://127.0.0.1:${port}/api/livekit/webhook`,
        apiSecret: livekits[0]?.apiSecret,
        redisAddress: `127.0.0.1:${redis.port}`,
        // Its start line names the node id LiveKit's Redis uses (which node hosts a room: `room_node_map`).
        logLevel: 'info',
      });
      livekits.push(lk);
      stops.push(() => lk.stop());
    }
    const first = livekits[0];
    if (!first) throw new Error('no LiveKit node');

    const nodePorts = Array.from({ length: nodes }, (_, i) => port + i + 1);
    fs.writeFileSync(path.join(dataDir, 'haproxy.cfg'), haproxyConfig({ dir: dataDir, port, nodePorts, livekitPort, livekitPorts }));
    const haproxy = spawn(HAPROXY, ['-f', path.join(dataDir, 'haproxy.cfg'), '-db'], {
      stdio: ['ignore', 'ignore', fs.openSync(path.join(dataDir, 'haproxy.log'), 'a')],
    });
    stops.push(async () => {
      if (haproxy.exitCode !== null) return;
      await new Promise((r) => {
        haproxy.once('exit', r);
        haproxy.kill('SIGKILL');
      });
    });

    const env = (/** @type {number} */ i) => ({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(nodePorts[i]),
      HOST: '127.0.0.1',
      PUBLIC_ORIGIN: `http://localhost:${port}`,
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      NODE_NAME: `node-${i + 1}`,
      DATA_DIR: path.join(dataDir, `node-${i + 1}`),
      CLIENT_DIR: path.join(root, 'client', 'dist'),
      LIVEKIT_URL: `ws://127.0.0.1:${livekitPort}`,
      LIVEKIT_API_KEY: first.apiKey,
      LIVEKIT_API_SECRET: first.apiSecret,
      LIVEKIT_ICE_SERVERS: 'none',
      SEED_DEMO: seedDemo && i === 0 ? 'true' : 'false',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...serverEnv,
    });
    /** @type {(ReturnType<typeof spawnTandemServer> | null)[]} */
    const servers = nodePorts.map(() => null);
    const startNode = async (/** @type {number} */ i) => {
      const server = spawnTandemServer(env(i), quiet);
      servers[i] = server;
      await waitForHttp(`http://127.0.0.1:${nodePorts[i]}/api/health`, 30_000, server.died);
    };
    const stopNode = async (/** @type {number} */ i, /** @type {NodeJS.Signals} */ signal = 'SIGTERM') => {
      const server = servers[i];
      servers[i] = null;
      if (!server || server.died()) return;
      server.child.kill(signal);
      const kill = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
      await server.exit;
      clearTimeout(kill);
    };
    stops.push(async () => {
      await Promise.all(nodePorts.map((_, i) => stopNode(i)));
    });
    /** Each Tandem node's HAProxy row (`show stat`, CSV), in node order. */
    const stats = async () => {
      const csv = await haproxyCommand(path.join(dataDir, 'haproxy.sock'), 'show stat');
      return nodePorts.map(
        (_, i) =>
          csv
            .split('\n')
            .find((l) => l.startsWith(`tandem,node-${i + 1},`))
            ?.split(',') ?? [],
      );
    };
    /** Until HAProxy sends traffic to the node again (two good health checks), bounded. */
    const untilInRotation = async (/** @type {number} */ i) => {
      const deadline = Date.now() + 15_000;
      while ((await stats())[i]?.[17] !== 'UP') {
        if (Date.now() > deadline) throw new Error(`HAProxy did not take node-${i + 1} into rotation within 15 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    // The first node migrates the database and seeds the demo; the others start beside each other.
    await startNode(0);
    await Promise.all(nodePorts.slice(1).map((_, i) => startNode(i + 1)));
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 15_000, () =>
      haproxy.exitCode !== null ? `haproxy exited; see ${path.join(dataDir, 'haproxy.log')}` : null,
    );
    for (const i of nodePorts.keys()) await untilInRotation(i);

    return {
      url: `http://localhost:${port}`,
      nodePorts,
      /** Each LiveKit node's own port (the load balancer's is `livekitPort`). */
      livekitPorts,
      postgres,
      redis,
      livekit: { LIVEKIT_URL: `ws://127.0.0.1:${livekitPort}`, LIVEKIT_API_KEY: first.apiKey, LIVEKIT_API_SECRET: first.apiSecret },
      /** The process id of each Tandem node (null: not running). */
      pids: () => servers.map((s) => s?.child.pid ?? null),
      haproxyPid: () => haproxy.pid ?? null,
      /** The process id of each LiveKit node, in `livekitPorts` order. */
      livekitPids: () => livekits.map((l) => l.pid ?? null),
      /** The LiveKit id of each LiveKit node, in `livekitPorts` order. */
      livekitNodeIds: () => livekits.map((l) => l.nodeId()),
      /** Starts a node again; resolves once HAProxy sends it traffic. */
      startNode: async (/** @type {number} */ i) => {
        await startNode(i);
        await untilInRotation(i);
      },
      /** Stops a node: SIGTERM drains it, SIGKILL is a crash. */
      stopNode,
      /** The current connections HAProxy holds to each Tandem node (its stats), in node order. */
      connections: async () => (await stats()).map((row) => Number(row[4] ?? 0)),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * One command on HAProxy's admin socket; resolves with its answer.
 * @param {string} socketPath
 * @param {string} command
 * @returns {Promise<string>}
 */
function haproxyCommand(socketPath, command) {
  return new Promise((resolve, reject) => {
    let out = '';
    const socket = net.connect(socketPath, () => socket.end(`${command}\n`));
    socket.on('data', (d) => {
      out += d.toString();
    });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}
