// @ts-check
// `npm start`: Node 24, dependencies, build, LiveKit, server, demo data; Ctrl-C stops it all.
// The slow first-time steps run side by side (the Go build of LiveKit beside the install
// and the client build); each prints one line, with its full output in .cache/logs.
import path from 'node:path';
import { ensureAptPackages, SPEECH_PACKAGES } from './lib/apt.mjs';
import { ensureLivekitServer } from './lib/livekit.mjs';
import { requireNode24 } from './lib/node.mjs';
import { ensurePnpm, installDependencies } from './lib/pnpm.mjs';
import { fail, progress, root, stopOnSignal } from './lib/proc.mjs';
import { startStack } from './lib/stack.mjs';

/** When the command was typed (the parent's start when it re-ran itself under Node 24). */
const started = Number(process.env.TANDEM_STARTED_AT ?? Date.now());
try {
  await requireNode24({ meanwhile: process.env.LIVEKIT_URL ? undefined : ensureLivekitServer });
  await Promise.all([
    (async () => {
      const pnpm = await ensurePnpm();
      await installDependencies(pnpm);
      await progress('Building shared, server and client', pnpm, ['-r', '--reporter=append-only', 'build']);
    })(),
    process.env.LIVEKIT_URL ? Promise.resolve() : ensureLivekitServer(),
    // The offline transcription engine (captions are optional: without it the app still runs).
    ensureAptPackages(SPEECH_PACKAGES.slice(0, 1)).catch((error) =>
      process.stdout.write(`  ! live captions unavailable: ${error instanceof Error ? error.message : String(error)}\n`),
    ),
  ]);
  process.stdout.write('▶ Starting LiveKit and the Tandem server\n');
  const port = Number(process.env.PORT ?? 3000);
  const stack = await startStack({
    port,
    dataDir: path.resolve(root, process.env.DATA_DIR ?? 'data'),
    livekitPort: Number(process.env.LIVEKIT_PORT ?? 7880),
    seedDemo: process.env.SEED_DEMO !== 'false',
    logLevel: 'warn',
    supervise: true,
  });
  process.stdout.write(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open ${stack.url} — press Ctrl-C to stop.\n`);
  stopOnSignal('Tandem', () => stack.stop());
  const reason = await stack.failed;
  await stack.stop();
  fail(`${reason}; Tandem stopped.`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
