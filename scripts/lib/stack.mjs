// @ts-check
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { ensureLivekitServer, startLivekit } from './livekit.mjs';
import { root, waitForHttp } from './proc.mjs';

/** pino's numeric levels, for one readable line per log record. */
const LEVELS = /** @type {Record<number, string>} */ ({ 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' });

/**
 * Prints the server's output for people: pino's JSON records become
 * `12:04:05 WARN message (key=value …)`; anything else passes through.
 * @param {NodeJS.ReadableStream} stream
 * @param {NodeJS.WritableStream} to
 */
function readableLog(stream, to) {
  readline.createInterface({ input: stream }).on('line', (line) => {
    if (!line.startsWith('{')) return void to.write(`${line}\n`);
    try {
      const { level, time, msg, pid: _pid, hostname: _host, err, ...rest } = JSON.parse(line);
      const when = new Date(time).toTimeString().slice(0, 8);
      const extra = Object.entries(rest)
        .filter(([, v]) => typeof v !== 'object')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const error = err && typeof err === 'object' ? ` — ${err.message ?? ''}` : '';
      to.write(`${when} ${LEVELS[level] ?? level} ${msg ?? ''}${error}${extra ? ` (${extra})` : ''}\n`);
    } catch {
      to.write(`${line}\n`);
    }
  });
}

/**
 * The built Tandem server as its own process, its log made readable (stdout only unless `quiet`).
 * @param {NodeJS.ProcessEnv} env
 * @param {boolean} quiet
 */
export function spawnTandemServer(env, quiet) {
  const child = spawn(process.execPath, [path.join(root, 'server', 'dist', 'server.js')], {
    cwd: root,
    env,
    stdio: ['ignore', quiet ? 'ignore' : 'pipe', 'pipe'],
  });
  if (child.stdout) readableLog(child.stdout, process.stdout);
  if (child.stderr) readableLog(child.stderr, process.stderr);
  /** @type {string | null} */
  let exited = null;
  /** @type {Promise<string>} */
  const exit = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = `the Tandem server exited (${signal ?? `code ${code}`})`;
      resolve(exited);
    }),
  );
  return { child, exit, died: () => exited };
}

/** A process that keeps dying this often is broken, not unlucky: stop restarting it. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * Starts what Tandem needs: a local LiveKit (unless LIVEKIT_URL points elsewhere)
 * and the server serving the built client. With `supervise`, a LiveKit or server that
 * dies is restarted (with a log line) instead of leaving a half-running app; `failed`
 * resolves when one keeps dying. Returns a stop() that ends both.
 * @param {{ port: number, dataDir: string, livekitPort: number, seedDemo: boolean, logLevel?: string, quietServer?: boolean, supervise?: boolean, serverEnv?: Record<string, string> }} options
 */
export async function startStack({
  port,
  dataDir,
  livekitPort,
  seedDemo,
  logLevel = 'info',
  quietServer = false,
  supervise = false,
  serverEnv = {},
}) {
  let stopping = false;
  /** @type {(reason: string) => void} */
  let giveUp = () => {};
  /** @type {Promise<string>} */
  const failed = new Promise((resolve) => {
    giveUp = resolve;
  });
  const note = (/** @type {string} */ message) => process.stdout.write(`${new Date().toTimeString().slice(0, 8)} ${message}\n`);
  /** @param {string} what */
  const restarts = (what) => {
    /** @type {number[]} */
    const times = [];
    return () => {
      const now = Date.now();
      times.push(now);
      while (times.length && (times[0] ?? now) < now - RESTART_WINDOW_MS) times.shift();
      if (times.length > MAX_RESTARTS) {
        giveUp(`${what} died ${times.length} times within a minute`);
        return false;
      }
      return true;
    };
  };

  /** @type {Record<string, string>} */
  let livekitEnv = {};
  /** @type {Awaited<ReturnType<typeof startLivekit>> | null} */
  let livekit = null;
  if (!process.env.LIVEKIT_URL) {
    const bin = await ensureLivekitServer();
    const options = {
      bin,
      dir: path.join(dataDir, 'livekit'),
      port: livekitPort,
      // LiveKit tells the server who joins and leaves (attendance, ending an empty session).
      webhookUrl: `http://127.0.0.1:${port}/api/livekit/webhook`,
    };
    livekit = await startLivekit(options);
    const again = restarts('livekit-server');
    const watch = (/** @type {NonNullable<typeof livekit>} */ lk) =>
      void lk.exited.then(async (reason) => {
        if (stopping || !supervise) return;
        note(`${reason}; restarting it`);
        if (!again()) return;
        try {
          const back = await startLivekit({ ...options, apiSecret: lk.apiSecret });
          // Stopped while it was restarting: this one must not outlive the stack.
          if (stopping) return void (await back.stop());
          livekit = back;
          note('livekit-server is back');
          watch(livekit);
        } catch (error) {
          giveUp(`livekit-server could not restart: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    watch(livekit);
    // A loopback-only LiveKit: public STUN servers are unreachable and only slow ICE down.
    livekitEnv = {
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      LIVEKIT_ICE_SERVERS: 'none',
    };
  }

  const env = {
    ...process.env,
    ...livekitEnv,
    PORT: String(port),
    DATA_DIR: dataDir,
    CLIENT_DIR: path.join(root, 'client', 'dist'),
    SEED_DEMO: seedDemo ? 'true' : 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? logLevel,
    ...serverEnv,
  };
  const startServer = () => spawnTandemServer(env, quietServer);

  let server = startServer();
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 30_000, server.died);
  } catch (error) {
    server.child.kill('SIGKILL');
    stopping = true;
    await livekit?.stop();
    throw error;
  }
  const again = restarts('the Tandem server');
  const watch = (/** @type {ReturnType<typeof startServer>} */ s) =>
    void s.exit.then(async (reason) => {
      if (stopping) return;
      if (!supervise) return giveUp(reason);
      note(`${reason}; restarting it`);
      if (!again()) return;
      server = startServer();
      // stop() kills whatever `server` is when it runs, so a restart cannot outlive the stack.
      watch(server);
      await waitForHttp(`http://127.0.0.1:${port}/api/health`, 30_000, server.died).then(
        () => note('the Tandem server is back'),
        () => undefined, // its exit is watched and counted
      );
    });
  watch(server);

  return {
    url: `http://localhost:${port}`,
    /** How the server reaches LiveKit (for tests that check rooms). */
    livekit: livekitEnv,
    /** The running processes' ids (tests of the supervision kill them). */
    pids: () => ({ server: server.child.pid, livekit: livekit?.pid }),
    /** Resolves with a reason when a process stops for good (it died too often, or unsupervised). */
    failed,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (!server.died()) {
        server.child.kill('SIGTERM');
        const kill = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
        await server.exit;
        clearTimeout(kill);
      }
      await livekit?.stop();
    },
  };
}

/**
 * A second Tandem server on an empty database (no demo data) beside a running stack, using its
 * LiveKit: the journeys that start from nothing (the first administrator) run against it.
 * Resolves once it prints its one-time set-up link.
 * @param {{ port: number, livekitEnv: Record<string, string> }} options
 */
export async function startEmptyServer({ port, livekitEnv }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-empty-'));
  const child = spawn(process.execPath, [path.join(root, 'server', 'dist', 'server.js')], {
    cwd: root,
    env: {
      ...process.env,
      ...livekitEnv,
      PORT: String(port),
      DATA_DIR: dataDir,
      CLIENT_DIR: path.join(root, 'client', 'dist'),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  /** @type {string | null} */
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = `the empty-programme server exited (${signal ?? `code ${code}`}): ${output.slice(-2000)}`;
  });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 30_000, () => exited);
    const deadline = Date.now() + 10_000;
    const printed = () => /https?:\/\/\S+\/invite\/[\w-]{43}/.exec(output)?.[0];
    let link = printed();
    while (!link) {
      if (Date.now() > deadline) throw new Error(`no set-up link printed: ${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
      link = printed();
    }
    return { url: `http://localhost:${port}`, setupLink: link, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
