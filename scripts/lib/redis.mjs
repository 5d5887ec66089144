// @ts-check
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { REDIS_SERVER } from './apt.mjs';

/**
 * Debian's redis-server on loopback (no persistence: cluster mode keeps nothing in Redis that
 * PostgreSQL does not have), which may be stopped and started again on the same port (the
 * cluster's fault tests do).
 * @param {{ port: number, dir: string, bin?: string }} options
 */
export async function startRedisServer({ port, dir, bin = REDIS_SERVER }) {
  fs.mkdirSync(dir, { recursive: true });
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  const start = async () => {
    const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}: ${out}`)), 10_000);
      proc.stdout?.on('data', (/** @type {Buffer} */ d) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          proc.stdout?.resume();
          resolve(undefined);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${out}`));
      });
    });
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise((resolve) => {
      proc.once('exit', resolve);
      proc.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, pid: () => child?.pid ?? null };
}
