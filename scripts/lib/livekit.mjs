// @ts-check
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, run, step, waitForHttp, works } from './proc.mjs';

export const LIVEKIT_VERSION = 'v1.13.5';

/**
 * The livekit-server binary: from PATH when present, else built once with Go from
 * the module proxy into the cache folder (later tags carry replace directives and
 * cannot be `go install`ed, hence the pin).
 * @returns {Promise<string>}
 */
export async function ensureLivekitServer() {
  if (works('livekit-server', ['--version'])) return 'livekit-server';
  const dir = path.join(cacheDir, `livekit-${LIVEKIT_VERSION}`);
  const bin = path.join(dir, 'server');
  if (fs.existsSync(bin)) return bin;
  if (!works('go', ['version'])) {
    throw new Error(
      'livekit-server is not on PATH and Go is not installed to build it. Install Go 1.22+ (https://go.dev/dl) or put livekit-server on PATH.',
    );
  }
  step(`Building livekit-server ${LIVEKIT_VERSION} with Go into ${dir} (first time only; this takes a few minutes)`);
  const started = Date.now();
  const timer = setInterval(
    () => process.stdout.write(`  … still building livekit-server (${Math.round((Date.now() - started) / 1000)} s)\n`),
    20_000,
  );
  try {
    await run('go', ['install', `github.com/livekit/livekit-server/cmd/server@${LIVEKIT_VERSION}`], {
      env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    });
  } finally {
    clearInterval(timer);
  }
  if (!fs.existsSync(bin)) throw new Error(`go install finished but ${bin} is missing`);
  process.stdout.write(`  built in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return bin;
}

/**
 * @typedef {{ url: string, apiKey: string, apiSecret: string, stop: () => Promise<void> }} RunningLivekit
 */

/**
 * Starts livekit-server on loopback with a generated config and a clean environment
 * (LIVEKIT_* variables would override the YAML). Resolves once it answers HTTP.
 * @param {{ bin: string, dir: string, port: number, webhookUrl?: string }} options
 * @returns {Promise<RunningLivekit>}
 */
export async function startLivekit({ bin, dir, port, webhookUrl }) {
  fs.mkdirSync(dir, { recursive: true });
  // Something already answering there (a LiveKit left running) would be mistaken for ours.
  const taken = await fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
  if (taken) throw new Error(`port ${port} is already in use; stop what runs there (an earlier livekit-server?) or choose another port`);
  const apiKey = 'tandem';
  const apiSecret = randomBytes(24).toString('base64url');
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
    'room:',
    '  empty_timeout: 30',
    '  departure_timeout: 5',
    'logging:',
    '  level: warn',
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
  child.on('exit', (code, signal) => {
    exited = `livekit-server exited (${signal ?? `code ${code}`}); see ${path.join(dir, 'livekit.log')}`;
  });
  await waitForHttp(`http://127.0.0.1:${port}/`, 30_000, () => exited);
  return {
    url: `ws://127.0.0.1:${port}`,
    apiKey,
    apiSecret,
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
