// @ts-check
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureLivekitServer, startLivekit } from './livekit.mjs';
import { root, waitForHttp } from './proc.mjs';

/**
 * Starts what Tandem needs: a local LiveKit (unless LIVEKIT_URL points elsewhere)
 * and the server serving the built client. Returns a stop() that ends both.
 * @param {{ port: number, dataDir: string, livekitPort: number, seedDemo: boolean, logLevel?: string, quietServer?: boolean }} options
 */
export async function startStack({ port, dataDir, livekitPort, seedDemo, logLevel = 'info', quietServer = false }) {
  /** @type {Record<string, string>} */
  let livekitEnv;
  /** @type {(() => Promise<void>) | null} */
  let stopLivekit = null;
  if (process.env.LIVEKIT_URL) {
    livekitEnv = {};
  } else {
    const bin = await ensureLivekitServer();
    // LiveKit tells the server who joins and leaves (attendance, ending an empty session).
    const lk = await startLivekit({
      bin,
      dir: path.join(dataDir, 'livekit'),
      port: livekitPort,
      webhookUrl: `http://127.0.0.1:${port}/api/livekit/webhook`,
    });
    stopLivekit = lk.stop;
    // A loopback-only LiveKit: public STUN servers are unreachable and only slow ICE down.
    livekitEnv = { LIVEKIT_URL: lk.url, LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret, LIVEKIT_ICE_SERVERS: 'none' };
  }

  const server = spawn(process.execPath, [path.join(root, 'server', 'dist', 'server.js')], {
    cwd: root,
    env: {
      ...process.env,
      ...livekitEnv,
      PORT: String(port),
      DATA_DIR: dataDir,
      CLIENT_DIR: path.join(root, 'client', 'dist'),
      SEED_DEMO: seedDemo ? 'true' : 'false',
      LOG_LEVEL: process.env.LOG_LEVEL ?? logLevel,
    },
    stdio: ['ignore', quietServer ? 'ignore' : 'inherit', 'inherit'],
  });
  /** @type {string | null} */
  let exited = null;
  const serverExit = new Promise((resolve) =>
    server.on('exit', (code, signal) => {
      exited = `the Tandem server exited (${signal ?? `code ${code}`})`;
      resolve(code ?? 1);
    }),
  );
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 30_000, () => exited);
  } catch (error) {
    server.kill('SIGKILL');
    await stopLivekit?.();
    throw error;
  }

  let stopping = false;
  return {
    url: `http://localhost:${port}`,
    /** How the server reaches LiveKit (for tests that check rooms). */
    livekit: livekitEnv,
    /** Resolves with the server's exit code when it stops by itself. */
    serverExit,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (!exited) {
        server.kill('SIGTERM');
        const kill = setTimeout(() => server.kill('SIGKILL'), 5_000);
        await serverExit;
        clearTimeout(kill);
      }
      await stopLivekit?.();
    },
  };
}
