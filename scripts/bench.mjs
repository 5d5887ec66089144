// @ts-check
// `npm run bench`: prints numbers, passes or fails nothing. The server and the load
// generator run as separate processes on loopback; N sessions of 2 typists each.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summariseProfile } from './lib/cpuprofile.mjs';
import { requireNode24 } from './lib/node.mjs';
import { ensurePnpm, installDependencies } from './lib/pnpm.mjs';
import { fail, freePort, root, run, step, waitForHttp } from './lib/proc.mjs';

const sizes = (process.env.BENCH_SESSIONS ?? '10,50,200').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const dist = path.join(root, 'server', 'dist');
/** The server under test: this checkout's, or another build's (BENCH_SERVER_DIST) to compare versions with the same load. */
const serverDist = process.env.BENCH_SERVER_DIST ? path.resolve(process.env.BENCH_SERVER_DIST) : dist;
/** `notes`, `flood`, or both (default). */
const only = process.env.BENCH_ONLY ?? 'notes,flood';
/** BENCH_PROFILE=1: the note-pad server runs under `node --cpu-prof`; where its time went is printed after each size. */
const profile = process.env.BENCH_PROFILE === '1';

/**
 * @param {string[]} args
 * @returns {Promise<string>}
 */
function capture(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: path.join(root, 'server'), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited with ${code}`))));
  });
}

/**
 * Seeds n pairs, starts the built server on its own, runs `script` (a dist/bench file) with
 * the server's URL and the pairs file first, and returns what it printed, parsed.
 * @param {number} n
 * @param {string} script
 * @param {(port: number, pid: number) => string[]} args
 */
async function withServer(n, script, args) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'));
  const pairsFile = path.join(dataDir, 'pairs.json');
  fs.writeFileSync(pairsFile, await capture([path.join(serverDist, 'bench', 'seed.js'), dataDir, String(n)]));
  const port = await freePort();
  const profileDir = path.join(dataDir, 'profile');
  const nodeArgs = profile && script === 'notesLoad.js' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = spawn(process.execPath, [...nodeArgs, path.join(serverDist, 'server.js')], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PUBLIC_ORIGIN: 'http://localhost:3000',
      LIVEKIT_URL: 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: 'bench',
      LIVEKIT_API_SECRET: 'bench-secret-of-at-least-32-characters!',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 20_000);
    const out = await capture([path.join(dist, 'bench', script), `http://127.0.0.1:${port}`, pairsFile, ...args(port, server.pid ?? 0)]);
    const result = JSON.parse(out);
    if (nodeArgs.length > 0) {
      // The profile is written when the server exits by itself.
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      const keystrokes = Math.round(result.keystrokesPerSecond * seconds);
      if (file)
        process.stdout.write(
          `\n  CPU profile of the server, ${n} sessions (the whole run, warm-up included):\n${summariseProfile(path.join(profileDir, file), keystrokes)}\n\n`,
        );
    }
    return result;
  } finally {
    server.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  await requireNode24();
  const pnpm = await ensurePnpm();
  await installDependencies(pnpm);
  step('Building');
  await run(pnpm, ['-r', '--reporter=append-only', 'build'], { quiet: true });
  const f = (/** @type {number} */ x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  if (serverDist !== dist) process.stdout.write(`Server under test: ${serverDist}\n`);
  if (only.includes('notes')) await notePad(f);
  if (only.includes('flood')) await flood(f);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

/** @param {(x: number, d?: number) => string} f */
async function notePad(f) {
  step(`Note pad: keystroke propagation, ${seconds} s per size, 2 typists per session at 5 keys/s plus caret updates`);
  const rows = [];
  for (const n of sizes) {
    process.stdout.write(`  running ${n} sessions…\n`);
    rows.push(await withServer(n, 'notesLoad.js', (_port, pid) => [String(pid), String(seconds)]));
  }
  process.stdout.write(
    `\n${['sessions', 'keys/s', 'samples', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'server CPU %', 'CPU µs/key', 'RSS/session KB'].map((h) => h.padStart(16)).join('')}\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${[
        r.sessions,
        f(r.keystrokesPerSecond, 0),
        r.samples,
        f(r.p50, 2),
        f(r.p95, 2),
        f(r.p99, 2),
        f(r.max, 1),
        f(r.serverCpuPercent),
        f(r.serverCpuMicrosPerKeystroke, 0),
        f(r.rssPerSessionBytes / 1024, 0),
      ]
        .map((v) => String(v).padStart(16))
        .join('')}\n`,
    );
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first && last && last.sessions > first.sessions) {
    // The slope between the smallest and the largest run: what one more live session costs, without the fixed overhead.
    const slope = (last.rssLoaded - first.rssLoaded) / (last.sessions - first.sessions);
    process.stdout.write(
      `\nMemory per additional live session (slope ${first.sessions} -> ${last.sessions} sessions): ${f(slope / 1024, 0)} KB\n`,
    );
  }
  process.stdout.write('\nTargets: p99 < 10 ms at 50 sessions; < 1 MB server memory per live session with a typical weekly note.\n');
}

/** @param {(x: number, d?: number) => string} f */
async function flood(f) {
  step('Flood: an honest pair types at 20 updates/s while another person sends big frames, reconnecting when closed');
  process.stdout.write(
    `\n${['frame KB', 'phase', 'p50 ms', 'p95 ms', 'p99 ms', 'frames sent', 'MB sent', 'connects', 'refused'].map((h) => h.padStart(13)).join('')}\n`,
  );
  for (const kb of (process.env.BENCH_FLOOD_KB ?? '800,400').split(',').map(Number)) {
    const r = await withServer(2, 'flood.js', () => ['5', String(kb)]);
    for (const [name, p] of [
      ['quiet', r.quiet],
      ['flooded', r.flooded],
    ]) {
      process.stdout.write(
        `${[kb, name, f(p.p50, 2), f(p.p95, 2), f(p.p99, 2), p.framesSent, f(p.bytesSent / 1e6), p.connects, p.refusedConnects]
          .map((v) => String(v).padStart(13))
          .join('')}\n`,
      );
    }
  }
}
