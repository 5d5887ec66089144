// @ts-check
// `npm run cluster`: Tandem in cluster mode on this one machine — PostgreSQL, Redis, two
// livekit-server nodes, three Tandem nodes and HAProxy in front — for trying the cluster and
// its faults by hand (README: "Running on several machines"). `npm start` stays the embedded default.
import os from 'node:os';
import path from 'node:path';
import { startCluster } from './lib/cluster.mjs';
import { ensureLivekitServer } from './lib/livekit.mjs';
import { requireNode24 } from './lib/node.mjs';
import { ensurePnpm, installDependencies } from './lib/pnpm.mjs';
import { fail, progress, stopOnSignal } from './lib/proc.mjs';

const started = Number(process.env.TANDEM_STARTED_AT ?? Date.now());
try {
  await requireNode24({ meanwhile: ensureLivekitServer });
  await Promise.all([
    (async () => {
      const pnpm = await ensurePnpm();
      await installDependencies(pnpm);
      await progress('Building shared, server and client', pnpm, ['-r', '--reporter=append-only', 'build']);
    })(),
    ensureLivekitServer(),
  ]);
  const port = Number(process.env.PORT ?? 3000);
  const nodes = Number(process.env.CLUSTER_NODES ?? 3);
  process.stdout.write(`▶ Starting PostgreSQL, Redis, 2 LiveKit nodes, ${nodes} Tandem nodes and HAProxy\n`);
  const cluster = await startCluster({
    port,
    livekitPort: Number(process.env.LIVEKIT_PORT ?? 7880),
    dataDir: path.join(os.tmpdir(), `tandem-cluster-${port}`),
    nodes,
    quiet: false,
  });
  process.stdout.write(
    [
      `Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open ${cluster.url} — press Ctrl-C to stop.`,
      `  nodes: ${cluster.nodePorts.map((p, i) => `node-${i + 1} http://127.0.0.1:${p} (pid ${cluster.pids()[i]})`).join(', ')}`,
      `  PostgreSQL ${cluster.postgres.url}, Redis ${cluster.redis.url}, LiveKit ${cluster.livekit.LIVEKIT_URL} (HAProxy over 2 nodes)`,
      '  The database lives for this run only. Try a fault: kill -9 a node’s pid and keep typing.',
      '',
    ].join('\n'),
  );
  stopOnSignal('the cluster', () => cluster.stop());
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
