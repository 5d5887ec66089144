// @ts-check
// `npm start`: dependencies, build, LiveKit, server, demo data; Ctrl-C stops it all.
import path from 'node:path';
import { ensureAptPackages, SPEECH_PACKAGES } from './lib/apt.mjs';
import { ensurePnpm, installDependencies } from './lib/pnpm.mjs';
import { fail, root, run, step } from './lib/proc.mjs';
import { startStack } from './lib/stack.mjs';

const started = Date.now();
try {
  const pnpm = await ensurePnpm();
  await installDependencies(pnpm);
  step('Building shared, server and client');
  await run(pnpm, ['-r', '--reporter=append-only', 'build']);
  // The offline transcription engine (captions are optional: without it the app still runs).
  await ensureAptPackages(SPEECH_PACKAGES.slice(0, 1)).catch((error) =>
    process.stdout.write(`  ! live captions unavailable: ${error instanceof Error ? error.message : String(error)}\n`),
  );
  step('Starting LiveKit and the Tandem server');
  const port = Number(process.env.PORT ?? 3000);
  const stack = await startStack({
    port,
    dataDir: path.resolve(root, process.env.DATA_DIR ?? 'data'),
    livekitPort: Number(process.env.LIVEKIT_PORT ?? 7880),
    seedDemo: process.env.SEED_DEMO !== 'false',
    logLevel: 'warn',
  });
  process.stdout.write(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open ${stack.url} — press Ctrl-C to stop.\n`);
  const shutdown = async () => {
    process.stdout.write('\nStopping Tandem…\n');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  const code = await stack.serverExit;
  await stack.stop();
  process.exit(Number(code));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
