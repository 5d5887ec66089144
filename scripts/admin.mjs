// @ts-check
// `npm run admin -- create --email … --name …`: prints a one-time link that creates an
// administrator, for servers without a terminal on the web. Node 24, the dependencies and the
// server's build are made ready first, as `npm start` does.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { requireNode24 } from './lib/node.mjs';
import { ensurePnpm, installDependencies } from './lib/pnpm.mjs';
import { fail, progress, root } from './lib/proc.mjs';

try {
  await requireNode24();
  const pnpm = await ensurePnpm();
  await installDependencies(pnpm);
  await progress('Building shared and server', pnpm, ['--filter', '@tandem/server...', '--reporter=append-only', 'build']);
  const result = spawnSync(process.execPath, [path.join(root, 'server', 'dist', 'cli', 'admin.js'), ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
