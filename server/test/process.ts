import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TEST_LIVEKIT } from './helpers.js';
import { until } from './realtime.js';

/** The built server (dist/server.js), run as its own process as in production. */
const serverEntry = path.resolve(import.meta.dirname, '..', 'dist', 'server.js');

/** Processes started by the tests of a file: killed (SIGKILL) after each test by {@link killServers}. */
const children: ChildProcess[] = [];

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the built server on a port with this environment (on top of loopback and test LiveKit keys); resolves once it answers. */
export async function startBuiltServer(port: number, env: Record<string, string>): Promise<ChildProcess> {
  if (!fs.existsSync(serverEntry)) throw new Error(`${serverEntry} is missing: build the server first (npm test does)`);
  const child = spawn(process.execPath, [serverEntry], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_ORIGIN: 'http://localhost:3000',
      LIVEKIT_URL: 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: TEST_LIVEKIT.key,
      LIVEKIT_API_SECRET: TEST_LIVEKIT.secret,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await until(
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/api/health`)).ok;
      } catch {
        return false;
      }
    },
    'server up',
    30_000,
  );
  return child;
}

export function killServers(): void {
  for (const c of children.splice(0)) c.kill('SIGKILL');
}
