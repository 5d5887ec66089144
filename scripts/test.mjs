// @ts-check
// `npm test`: lint, typecheck, unit and integration tests, then the end-to-end
// journeys in Debian's Chromium against a real LiveKit and the built server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, CLUSTER_PACKAGES, ensureAptPackages, REDIS_SERVER, SPEECH_PACKAGES } from './lib/apt.mjs';
import { startCluster } from './lib/cluster.mjs';
import { ensureLivekitServer } from './lib/livekit.mjs';
import { requireNode24 } from './lib/node.mjs';
import { ensurePnpm, installDependencies } from './lib/pnpm.mjs';
import { POSTGRES_PACKAGE, startTestPostgres } from './lib/postgres.mjs';
import { fail, freePort, progress, root, run, step } from './lib/proc.mjs';
import { startEmptyServer, startStack } from './lib/stack.mjs';

/** When the command was typed (the parent's start when it re-ran itself under Node 24). */
const started = Number(process.env.TANDEM_STARTED_AT ?? Date.now());
/** Vitest and Playwright write JSON results here; the totals are printed at the end. */
const resultFiles = [
  ...['shared', 'server', 'client'].map((p) => path.join(root, p, 'test-results', 'vitest.json')),
  path.join(root, 'server', 'test-results', 'vitest-postgres.json'),
];
/** Server tests that touch the database, run a second time on PostgreSQL. */
const POSTGRES_TESTS = [
  'test/week.test.ts',
  'test/week-jobs.test.ts',
  'test/projects.test.ts',
  'test/reports.test.ts',
  'test/private-note.test.ts',
  'test/auth.test.ts',
  'test/sessions.test.ts',
  'test/demo.test.ts',
  'test/static.test.ts',
  'test/notes.test.ts',
  'test/goals.test.ts',
  'test/sessions-end.test.ts',
  'test/end-race.test.ts',
  'test/hostile.test.ts',
  'test/programme.test.ts',
  'test/programme-pairs.test.ts',
  'test/oidc.test.ts',
  'test/admin-cli.test.ts',
  'test/cluster-store.test.ts',
  'test/cluster.test.ts',
  'test/cluster-transcriber.test.ts',
  'test/leases.test.ts',
  'test/drain.test.ts',
];
const playwrightResults = path.join(root, 'e2e', 'playwright-report', 'results.json');
/** The journeys run a second time against the cluster write here. */
const clusterPlaywrightResults = path.join(root, 'e2e', 'playwright-report', 'results-cluster.json');
/** Which journeys run on the cluster: the call on video and the note written together. */
const CLUSTER_JOURNEYS = 'meet on video and see each other|write the note together';

/** @returns {{ passed: number, failed: number, skipped: number }} */
function totals() {
  const t = { passed: 0, failed: 0, skipped: 0 };
  for (const file of resultFiles) {
    if (!fs.existsSync(file)) continue;
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    t.passed += r.numPassedTests;
    t.failed += r.numFailedTests;
    t.skipped += r.numPendingTests + r.numTodoTests;
  }
  for (const file of [playwrightResults, clusterPlaywrightResults]) {
    if (!fs.existsSync(file)) continue;
    const s = JSON.parse(fs.readFileSync(file, 'utf8')).stats;
    t.passed += s.expected + s.flaky;
    t.failed += s.unexpected;
    t.skipped += s.skipped;
  }
  return t;
}

/**
 * Everything a test needs, ready before any test runner starts, each with its own
 * progress line: Node 24, pnpm and the dependencies, the built packages, livekit-server
 * (the Go build runs beside the install), and the Debian packages (Chromium, PostgreSQL,
 * the speech tools). Returns pnpm and the livekit-server binary the tests use.
 */
async function prepare() {
  const [pnpm, livekitBin] = await Promise.all([
    (async () => {
      const pnpm = await ensurePnpm();
      await installDependencies(pnpm);
      await progress('Building shared, server and client', pnpm, ['-r', '--reporter=append-only', 'build']);
      return pnpm;
    })(),
    ensureLivekitServer(),
    ensureAptPackages([{ binary: CHROMIUM, packages: ['chromium'] }, POSTGRES_PACKAGE, ...CLUSTER_PACKAGES, ...SPEECH_PACKAGES]),
  ]);
  return { pnpm, livekitBin };
}

async function main() {
  await requireNode24({ meanwhile: ensureLivekitServer });
  for (const f of [...resultFiles, playwrightResults, clusterPlaywrightResults]) fs.rmSync(f, { force: true });
  const { pnpm, livekitBin } = await prepare();
  process.env.TANDEM_LIVEKIT_BIN = livekitBin;
  // `npm test -- --cluster-e2e-only` reruns just the journeys on the cluster.
  if (process.argv.includes('--cluster-e2e-only')) return clusterJourneys(pnpm);
  // `npm test -- --e2e-only [playwright args]` reruns just the journeys while working on them.
  const e2eOnly = process.argv.includes('--e2e-only');
  const playwrightArgs = process.argv.slice(2).filter((a) => a !== '--e2e-only');
  if (!e2eOnly) await checksBeforeBrowsers(pnpm);

  step('Starting LiveKit and the server on test ports with a fresh database');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'));
  const port = Number(process.env.E2E_PORT ?? 3100);
  const stack = await startStack({
    port,
    dataDir,
    livekitPort: Number(process.env.E2E_LIVEKIT_PORT ?? 7980),
    seedDemo: true,
    logLevel: 'warn',
    quietServer: true,
    // The journeys share the demo pair's session from one file to the next (the last one ends it):
    // the minutes its room stays empty between them must not end it. (Ending an empty room after
    // its grace is tested in the server's integration tests.)
    serverEnv: { SESSION_END_GRACE_SECONDS: '1800' },
  });
  // The programme's front door is walked from an empty database, on a server of its own.
  const empty = await startEmptyServer({ port: Number(process.env.E2E_EMPTY_PORT ?? 3101), livekitEnv: stack.livekit }).catch(
    async (error) => {
      await stack.stop();
      throw error;
    },
  );
  try {
    step('End-to-end journeys (Playwright + Chromium)');
    await run(pnpm, ['--filter', '@tandem/e2e', 'e2e', ...playwrightArgs], {
      env: {
        ...process.env,
        E2E_BASE_URL: stack.url,
        CHROMIUM_PATH: CHROMIUM,
        // The journeys check rooms on the same LiveKit the server uses.
        E2E_LIVEKIT_URL: stack.livekit.LIVEKIT_URL ?? process.env.LIVEKIT_URL ?? '',
        E2E_LIVEKIT_API_KEY: stack.livekit.LIVEKIT_API_KEY ?? process.env.LIVEKIT_API_KEY ?? '',
        E2E_LIVEKIT_API_SECRET: stack.livekit.LIVEKIT_API_SECRET ?? process.env.LIVEKIT_API_SECRET ?? '',
        E2E_EMPTY_URL: empty.url,
        E2E_SETUP_LINK: empty.setupLink,
      },
    });
  } finally {
    await empty.stop();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (!e2eOnly) await clusterJourneys(pnpm);
}

/**
 * Two journeys again, in Chromium, against `npm run cluster`'s cluster: three nodes behind HAProxy
 * (requests before sign-in spread round robin; afterwards the routing cookie puts the pair on one
 * node, as in production — two people on two nodes are the cluster tests' work), two LiveKit
 * nodes sharing Redis, PostgreSQL.
 * @param {string} pnpm
 */
async function clusterJourneys(pnpm) {
  step('The call and the shared note again, on the cluster (3 nodes behind HAProxy, 2 LiveKit nodes, PostgreSQL, Redis)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-cluster-'));
  const cluster = await startCluster({
    port: Number(process.env.E2E_CLUSTER_PORT ?? 3400),
    livekitPort: Number(process.env.E2E_CLUSTER_LIVEKIT_PORT ?? 7960),
    dataDir,
    seedDemo: true,
  });
  try {
    await run(pnpm, ['--filter', '@tandem/e2e', 'e2e', '--grep', CLUSTER_JOURNEYS], {
      env: {
        ...process.env,
        E2E_BASE_URL: cluster.url,
        E2E_RESULTS: clusterPlaywrightResults,
        CHROMIUM_PATH: CHROMIUM,
        E2E_LIVEKIT_URL: cluster.livekit.LIVEKIT_URL,
        E2E_LIVEKIT_API_KEY: cluster.livekit.LIVEKIT_API_KEY,
        E2E_LIVEKIT_API_SECRET: cluster.livekit.LIVEKIT_API_SECRET,
      },
    });
  } finally {
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** @param {string} pnpm */
async function checksBeforeBrowsers(pnpm) {
  step('Lint (Biome)');
  await run(pnpm, ['exec', 'biome', 'check', '.']);
  step('Typecheck (TypeScript strict, every package and the scripts)');
  await run(pnpm, ['-r', '--reporter=append-only', 'typecheck']);
  await run(pnpm, ['exec', 'tsc', '-p', 'scripts/tsconfig.json']);
  step('Unit and integration tests (Vitest)');
  await run(pnpm, ['-r', '--workspace-concurrency=1', '--reporter=append-only', 'test']);

  // The same database tests again on PostgreSQL (one query layer, one set of migrations for both).
  const postgres = await startTestPostgres(Number(process.env.TEST_PG_PORT ?? (await freePort())));
  try {
    step('Database integration tests on PostgreSQL, and cluster mode (two nodes, Redis)');
    await run(
      pnpm,
      ['--filter', '@tandem/server', 'exec', 'vitest', 'run', ...POSTGRES_TESTS, '--outputFile.json=test-results/vitest-postgres.json'],
      {
        // Cluster tests start their own Redis (they stop and restart it) from Debian's redis-server.
        env: { ...process.env, TEST_DATABASE_URL: postgres.url, TEST_REDIS_SERVER: REDIS_SERVER },
      },
    );
  } finally {
    await postgres.stop();
  }
}

try {
  await main();
  const t = totals();
  process.stdout.write(
    `\nAll checks green in ${Math.round((Date.now() - started) / 1000)} s.\n${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped\n`,
  );
} catch (error) {
  const t = totals();
  process.stdout.write(`\n${t.passed} passed, ${Math.max(t.failed, 1)} failed, ${t.skipped} skipped\n`);
  fail(error instanceof Error ? error.message : String(error));
}
