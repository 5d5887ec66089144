// @ts-check
import fs from 'node:fs';
import { progress } from './proc.mjs';

/** Debian's Chromium: browsers cannot be downloaded here, so Playwright drives this one. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The offline transcription engine with its English model, and the tools tests make speech with. */
export const SPEECH_PACKAGES = [
  { binary: '/usr/bin/pocketsphinx_continuous', packages: ['pocketsphinx', 'pocketsphinx-en-us'] },
  { binary: '/usr/bin/espeak-ng', packages: ['espeak-ng'] },
  { binary: '/usr/bin/sox', packages: ['sox'] },
];

/** Debian's Redis and HAProxy: cluster mode's shared Redis and its load balancer (tests and `npm run cluster`). */
export const REDIS_SERVER = '/usr/bin/redis-server';
export const HAPROXY = '/usr/sbin/haproxy';
export const CLUSTER_PACKAGES = [
  { binary: REDIS_SERVER, packages: ['redis-server'] },
  { binary: HAPROXY, packages: ['haproxy'] },
];

/**
 * Installs Debian packages that are missing, with apt, when running as root.
 * A package counts as present when its `binary` exists (or its `present()` says so).
 * @param {{ binary: string, present?: () => boolean, packages: string[] }[]} wanted
 */
export async function ensureAptPackages(wanted) {
  const has = (/** @type {{ binary: string, present?: () => boolean }} */ w) => (w.present ? w.present() : fs.existsSync(w.binary));
  const missing = wanted.filter((w) => !has(w)).flatMap((w) => w.packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing ${missing.join(', ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await progress('Updating the apt package lists', 'apt-get', ['update', '-qq'], { env });
    await progress(
      `Installing ${missing.join(', ')} with apt (once)`,
      'apt-get',
      ['install', '-y', '-qq', '--no-install-recommends', ...missing],
      {
        env,
      },
    );
  } catch (error) {
    throw new Error(`Could not install ${missing.join(', ')} with apt: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const w of wanted) if (!has(w)) throw new Error(`${w.binary} is still missing after installing ${w.packages.join(', ')}`);
}
