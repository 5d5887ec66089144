import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLivekitServer } from '../../scripts/lib/livekit.mjs';
import { freePort } from '../../scripts/lib/proc.mjs';
import { startStack } from '../../scripts/lib/stack.mjs';
import { until } from './realtime.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-supervise-'));
let stack: Awaited<ReturnType<typeof startStack>> | undefined;
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const healthy = async (url: string) => {
  try {
    return (await fetch(`${url}/api/health`)).ok;
  } catch {
    return false;
  }
};
const livekitUp = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/`)).ok;
  } catch {
    return false;
  }
};

// What `npm start` runs: the built server and a real livekit-server, supervised.
describe('npm start keeps the app up', () => {
  it('restarts a livekit-server or a Tandem server that dies, with a log line', { timeout: 90_000 }, async () => {
    if (!findLivekitServer()) throw new Error('livekit-server is not built: run `npm test`, which builds it first');
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      printed.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      const livekitPort = await freePort();
      stack = await startStack({
        port: await freePort(),
        dataDir,
        livekitPort,
        seedDemo: false,
        logLevel: 'error',
        quietServer: true,
        supervise: true,
      });
      const url = stack.url.replace('localhost', '127.0.0.1');
      const first = stack.pids();
      expect(await healthy(url)).toBe(true);

      process.kill(first.livekit ?? 0, 'SIGKILL');
      await until(() => printed.some((l) => /livekit-server exited .*restarting it/.test(l)), 'a log line for the dead LiveKit', 10_000);
      await until(async () => stack?.pids().livekit !== first.livekit && (await livekitUp(livekitPort)), 'a new LiveKit up', 30_000);

      process.kill(first.server ?? 0, 'SIGKILL');
      await until(() => printed.some((l) => /the Tandem server exited .*restarting it/.test(l)), 'a log line for the dead server', 10_000);
      await until(async () => stack?.pids().server !== first.server && (await healthy(url)), 'a new server up', 30_000);
    } finally {
      process.stdout.write = write;
    }
  });
});
