// @ts-check
// Process helpers for the start and test scripts. Plain JavaScript on purpose:
// these run before any dependency (TypeScript included) is installed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Costly things built once per machine (pnpm, livekit-server) live here, outside the checkout. */
export const cacheDir = process.env.TANDEM_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'tandem');

/**
 * A step's banner, so a long first run shows where it is.
 * @param {string} message
 */
export function step(message) {
  process.stdout.write(`\n▶ ${message}\n`);
}

/**
 * Fails the script with a clear message and no stack trace.
 * @param {string} message
 * @returns {never}
 */
export function fail(message) {
  process.stderr.write(`\n✖ ${message}\n`);
  process.exit(1);
}

/**
 * Runs a command with inherited output; rejects with a message naming it.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, quiet?: boolean }} [options]
 * @returns {Promise<void>}
 */
export function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd ?? root,
      env: options.env ?? process.env,
      stdio: options.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    });
    child.on('error', (e) => reject(new Error(`${cmd} could not start: ${e.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`\`${cmd} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** Where the full output of quiet steps goes (named when a step fails). */
export const logDir = path.join(root, '.cache', 'logs');

/**
 * Runs one step quietly: one line when it starts, one when it ends, and its full
 * output in a log file whose name (and last lines) are printed if it fails.
 * @param {string} label
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<void>}
 */
export function progress(label, cmd, args, options = {}) {
  fs.mkdirSync(logDir, { recursive: true });
  const file = path.join(
    logDir,
    `${label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60)}.log`,
  );
  const out = fs.openSync(file, 'w');
  const started = Date.now();
  process.stdout.write(`▶ ${label}\n`);
  const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['ignore', out, out] });
    const finish = (/** @type {Error | null} */ error) => {
      fs.closeSync(out);
      if (!error) {
        process.stdout.write(`  ✓ ${label} (${seconds()})\n`);
        return resolve();
      }
      const tail = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-25).join('\n');
      process.stdout.write(`  ✖ ${label} failed after ${seconds()}; last lines of ${file}:\n${tail}\n`);
      reject(new Error(`${label}: ${error.message} (full output in ${file})`));
    };
    child.on('error', (e) => finish(new Error(`${cmd} could not start: ${e.message}`)));
    child.on('exit', (code, signal) =>
      finish(code === 0 ? null : new Error(`\`${cmd} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * True when a command exists and answers.
 * @param {string} cmd
 * @param {string[]} [args]
 */
export function works(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Waits until an HTTP URL answers 200, or throws after the timeout.
 * @param {string} url
 * @param {number} timeoutMs
 * @param {() => string | null} [died] returns a reason when the process behind it has exited
 */
export async function waitForHttp(url, timeoutMs, died = () => null) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = died();
    if (reason) throw new Error(reason);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}

/**
 * A free loopback port (what the OS hands out for port 0): a test service left over by an
 * interrupted run can then never collide with the next one.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Ctrl-C or SIGTERM stops what runs, once (Ctrl-C reaches this process and its parent, which
 * forwards it), then exits.
 * @param {string} what printed as "Stopping <what>…"
 * @param {() => Promise<void>} stop
 */
export function stopOnSignal(what, stop) {
  /** @type {Promise<void> | null} */
  let stopping = null;
  const shutdown = () => {
    stopping ??= (async () => {
      process.stdout.write(`\nStopping ${what}…\n`);
      await stop();
      process.exit(0);
    })();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
