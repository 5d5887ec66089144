// @ts-check
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureAptPackages } from './apt.mjs';
import { run } from './proc.mjs';

/**
 * The installed PostgreSQL server's binaries (Debian puts them under a versioned folder).
 * The client package alone also makes that folder, so look for initdb itself.
 */
function pgBin() {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const withServer = versions.find((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
  return withServer ? path.join(root, withServer, 'bin') : null;
}

/** The Debian package of the PostgreSQL server, as the test command installs it with apt. */
export const POSTGRES_PACKAGE = { binary: 'initdb (PostgreSQL server)', present: () => pgBin() !== null, packages: ['postgresql'] };

/**
 * A throw-away PostgreSQL cluster on loopback for the test run: installed with apt
 * when missing, initialised in a temp folder (as the postgres user: initdb refuses root),
 * stopped and deleted afterwards. Tests skip fsync; `durable` (the demo cluster) does not.
 * @param {number} port
 * @param {{ durable?: boolean }} [options]
 */
export async function startTestPostgres(port, { durable = false } = {}) {
  await ensureAptPackages([POSTGRES_PACKAGE]);
  const bin = pgBin();
  if (!bin) throw new Error('PostgreSQL binaries not found after installing the postgresql package');
  process.stdout.write(`▶ Starting a throw-away PostgreSQL on 127.0.0.1:${port}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-pg-'));
  fs.chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  /** @param {string[]} args */
  const pg = (args) =>
    run(asPostgres[0] ?? args[0] ?? '', asPostgres.length ? [...asPostgres.slice(1), ...args] : args.slice(1), { quiet: true });
  await pg([path.join(bin, 'initdb'), '-D', data, '-U', 'tandem', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  await pg([
    path.join(bin, 'pg_ctl'),
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durable ? '' : ' -c fsync=off'}`,
    '-w',
    'start',
    '-l',
    path.join(dir, 'log'),
  ]);
  return {
    url: `postgres://tandem@127.0.0.1:${port}/postgres`,
    /** The server's main process (its backends are its children). */
    pid() {
      const file = path.join(data, 'postmaster.pid');
      return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : null;
    },
    /** Stops the server and starts it again on the same data (a database restart). */
    async restart() {
      await pg([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'restart']);
    },
    async stop() {
      const args = [path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'];
      spawnSync(asPostgres[0] ?? args[0] ?? '', asPostgres.length ? [...asPostgres.slice(1), ...args] : args.slice(1), { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
