// @ts-check
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { waitForParentBuild } from './node.mjs';
import { cacheDir, progress, waitForHttp, works } from './proc.mjs';

export const LIVEKIT_VERSION = 'v1.13.5';

/** Where the pinned build lives in the cache folder. */
const cachedBinary = () => path.join(cacheDir, `livekit-${LIVEKIT_VERSION}`, 'server');

/**
 * The livekit-server binary if it is already here (PATH, or the cache folder), without
 * building anything: tests use this, the test command builds it before any runner starts.
 * @returns {string | null}
 */
export function findLivekitServer() {
  if (process.env.TANDEM_LIVEKIT_BIN && fs.existsSync(process.env.TANDEM_LIVEKIT_BIN)) return process.env.TANDEM_LIVEKIT_BIN;
  if (works('livekit-server', ['--version'])) return 'livekit-server';
  return fs.existsSync(cachedBinary()) ? cachedBinary() : null;
}

/**
 * The livekit-server binary: from PATH when present, else built once with Go from
 * the module proxy into the cache folder (later tags carry replace directives and
 * cannot be `go install`ed, hence the pin). The Go output goes to a log file.
 * @returns {Promise<string>}
 */
export async function ensureLivekitServer() {
  // Under `requireNode24`, the parent process may be building it already.
  await waitForParentBuild();
  const found = findLivekitServer();
  if (found) return found;
  if (!works('go', ['version'])) {
    throw new Error(
      'livekit-server is not on PATH and Go is not installed to build it. Install Go 1.22+ (https://go.dev/dl) or put livekit-server on PATH.',
    );
  }
  const bin = cachedBinary();
  // Built into a folder of its own, then moved: an interrupted build leaves no half binary behind.
  fs.mkdirSync(cacheDir, { recursive: true });
  const building = fs.mkdtempSync(path.join(cacheDir, 'livekit-build-'));
  try {
    await progress(
      `Building livekit-server ${LIVEKIT_VERSION} with Go (first time only)`,
      'go',
      // Without inlining (-l): the first build takes 109 s instead of 155 s on 2 cores, for about
      // 17% more CPU in a two-person call (4.5 → 5.3 s over 35 s). A deployment brings its own
      // optimised livekit-server on PATH; this one serves the local start and the tests.
      ['install', '-trimpath', '-ldflags=-s -w', '-gcflags=all=-l', `github.com/livekit/livekit-server/cmd/server@${LIVEKIT_VERSION}`],
      { env: { ...process.env, GOBIN: building, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } },
    );
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.renameSync(path.join(building, 'server'), bin);
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
  return bin;
}

/**
 * @typedef {{ url: string, apiKey: string, apiSecret: string, pid: number | undefined, nodeId: () => string | null, exited: Promise<string>, stop: () => Promise<void> }} RunningLivekit
 */

/**
 * Starts livekit-server on loopback with a generated config and a clean environment
 * (LIVEKIT_* variables would override the YAML). Resolves once it answers HTTP.
 * `exited` resolves (with the reason) if it stops by itself; pass `apiSecret` to restart with the same keys.
 * @param {{ bin: string, dir: string, port: number, webhookUrl?: string, apiSecret?: string, redisAddress?: string, logLevel?: string }} options
 * @returns {Promise<RunningLivekit>}
 */
export async function startLivekit({
  bin,
  dir,
  port,
  webhookUrl,
  apiSecret = randomBytes(24).toString('base64url'),
  redisAddress,
  logLevel = 'warn',
}) {
  fs.mkdirSync(dir, { recursive: true });
  // Something already answering there (a LiveKit left running) would be mistaken for ours.
  const taken = await fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
  if (taken) throw new Error(`port ${port} is already in use; stop what runs there (an earlier livekit-server?) or choose another port`);
  const apiKey = 'tandem';
  const yaml = [
    `port: ${port}`,
    'bind_addresses: [127.0.0.1]',
    'rtc:',
    `  tcp_port: ${port + 1}`,
    `  udp_port: ${port + 2}`,
    '  node_ip: 127.0.0.1',
    '  use_external_ip: false',
    '  enable_loopback_candidate: true',
    'keys:',
    `  ${apiKey}: ${apiSecret}`,
    ...(webhookUrl ? ['webhook:', `  api_key: ${apiKey}`, `  urls: [${webhookUrl}]`] : []),
    // Several livekit-server nodes share one Redis: rooms are placed, and reached, across them.
    ...(redisAddress ? ['redis:', `  address: ${redisAddress}`] : []),
    'room:',
    '  empty_timeout: 30',
    '  departure_timeout: 5',
    'logging:',
    `  level: ${logLevel}`,
    '',
  ].join('\n');
  const configFile = path.join(dir, 'livekit.yaml');
  fs.writeFileSync(configFile, yaml, { mode: 0o600 });
  const log = fs.openSync(path.join(dir, 'livekit.log'), 'a');
  const child = spawn(bin, ['--config', configFile], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? dir },
    stdio: ['ignore', log, log],
  });
  /** @type {string | null} */
  let exited = null;
  const exit = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = `livekit-server exited (${signal ?? `code ${code}`}); see ${path.join(dir, 'livekit.log')}`;
      resolve(exited);
    }),
  );
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 30_000, () => exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `ws://127.0.0.1:${port}`,
    apiKey,
    apiSecret,
    pid: child.pid,
    /** The node's id in a multi-node setup (what LiveKit's Redis names it by); needs `logLevel` info, else null. */
    nodeId: () => /"nodeID": "(ND_\w+)"/.exec(fs.readFileSync(path.join(dir, 'livekit.log'), 'utf8'))?.[1] ?? null,
    exited: /** @type {Promise<string>} */ (exit),
    async stop() {
      if (exited) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      // The first SIGTERM waits for participants to leave; the second forces the exit.
      const force = setTimeout(() => child.kill('SIGTERM'), 2_000);
      const kill = setTimeout(() => child.kill('SIGKILL'), 6_000);
      await done;
      clearTimeout(force);
      clearTimeout(kill);
    },
  };
}
