// @ts-check
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, progress, works } from './proc.mjs';

const PNPM_VERSION = '12.21.0';

/**
 * A pnpm that runs on this Node: the one on PATH when it is 10 or 12, else one
 * installed once from npm into the cache folder.
 * @returns {Promise<string>}
 */
export async function ensurePnpm() {
  if (works('pnpm')) {
    const { spawnSync } = await import('node:child_process');
    const v = spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (/^(10|12)\./.test(v)) return 'pnpm';
  }
  const dir = path.join(cacheDir, `pnpm-${PNPM_VERSION}`);
  const bin = path.join(dir, 'node_modules', '.bin', 'pnpm');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    await progress(`Installing pnpm ${PNPM_VERSION} (once)`, 'npm', [
      'install',
      '--prefix',
      dir,
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `pnpm@${PNPM_VERSION}`,
    ]);
  }
  return bin;
}

/**
 * Installs the workspace's dependencies from the lockfile. Nothing compiles here: SQLite is
 * Node's own `node:sqlite`, and the few binaries (esbuild, @livekit/rtc-node) come prebuilt.
 * @param {string} pnpm
 */
export async function installDependencies(pnpm) {
  await progress('Installing dependencies (pnpm, from the lockfile)', pnpm, ['install', '--frozen-lockfile', '--reporter=append-only']);
}
