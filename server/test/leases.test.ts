import { afterEach, describe, expect, it } from 'vitest';
import { Leases } from '../src/cluster/leases.js';
import { buildTestApp, closeTestApps, envOf } from './helpers.js';

afterEach(closeTestApps);

describe('leases: one node at a time runs a job', () => {
  it('is held by one node, renewed by it, taken over only once expired, and given back on release', async () => {
    const first = await buildTestApp();
    // Two nodes on the same database (each its own connections).
    const second = await buildTestApp(envOf(first));
    const a = new Leases(first.db, 'node-a');
    const b = new Leases(second.db, 'node-b');
    const t0 = Date.parse('2026-11-29T10:00:00Z');

    expect(await a.acquire('transcriber:s1', 5_000, t0)).toBe(true);
    expect(await b.acquire('transcriber:s1', 5_000, t0 + 1_000)).toBe(false);
    expect(await a.holderOf('transcriber:s1', t0 + 1_000)).toBe('node-a');
    // Renewed by its holder: still not free 4 s after the first expiry would have been.
    expect(await a.acquire('transcriber:s1', 5_000, t0 + 4_000)).toBe(true);
    expect(await b.acquire('transcriber:s1', 5_000, t0 + 8_000)).toBe(false);
    // Its holder stopped renewing (died): another node takes it over once it expired, and the old holder cannot renew.
    expect(await b.acquire('transcriber:s1', 5_000, t0 + 9_001)).toBe(true);
    expect(await a.acquire('transcriber:s1', 5_000, t0 + 9_500)).toBe(false);
    expect(await a.holderOf('transcriber:s1', t0 + 9_500)).toBe('node-b');
    // A lease is per job.
    expect(await a.acquire('reconciler', 5_000, t0 + 9_500)).toBe(true);
    // Released: free at once (only by its holder).
    await a.release('transcriber:s1');
    expect(await b.holderOf('transcriber:s1', t0 + 9_600)).toBe('node-b');
    await b.release('transcriber:s1');
    expect(await a.holderOf('transcriber:s1', t0 + 9_600)).toBeNull();
    expect(await a.acquire('transcriber:s1', 5_000, t0 + 9_600)).toBe(true);
  });

  it('never grants one lease to two nodes that ask at the same moment', async () => {
    const first = await buildTestApp();
    const nodes = [first, await buildTestApp(envOf(first)), await buildTestApp(envOf(first))].map(
      (app, i) => new Leases(app.db, `node-${i}`),
    );
    for (let round = 0; round < 20; round++) {
      const granted = await Promise.all(nodes.map((n) => n.acquire(`job-${round}`, 5_000)));
      expect(granted.filter(Boolean)).toHaveLength(1);
    }
  });
});
