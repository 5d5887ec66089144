import { RealtimeLimits } from '@tandem/shared';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SharedLimits, Spent } from '../cluster/sharedLimits.js';
import { Budgets, SHARED_REPORT_MS } from './budgets.js';

const quiet = { warn: () => undefined } as unknown as FastifyBaseLogger;

/** Shared limits that remember every report and answer with `over`. */
function fakeShared(over: string[] = []) {
  const reports: Map<string, Spent>[] = [];
  const limits = {
    spend: async (spent: Map<string, Spent>) => {
      reports.push(new Map(spent));
      return over.filter((id) => spent.has(id));
    },
    connect: async () => true,
  } as unknown as SharedLimits;
  return { limits, reports };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('realtime budgets in cluster mode', () => {
  it('reports once a second only the people who spent a tenth of the rate or more on this node', async () => {
    vi.useFakeTimers();
    const { limits, reports } = fakeShared();
    const closed: string[] = [];
    const budgets = new Budgets(quiet, undefined, { limits, onOver: (id) => closed.push(id) });
    for (let i = 0; i < 10; i++) expect(budgets.spend('typist', 40)).toBe(true);
    for (let i = 0; i < RealtimeLimits.messagesPerSecond / 10; i++) budgets.spend('busy', 10);
    budgets.spend('big', RealtimeLimits.bytesPerSecond / 10);
    await vi.advanceTimersByTimeAsync(SHARED_REPORT_MS);
    expect(reports).toHaveLength(1);
    expect([...(reports[0]?.keys() ?? [])].sort()).toEqual(['big', 'busy']);
    expect(reports[0]?.get('busy')).toEqual({ messages: RealtimeLimits.messagesPerSecond / 10, bytes: 200 });
    // What was reported is not reported again; a quiet second sends nothing.
    await vi.advanceTimersByTimeAsync(SHARED_REPORT_MS);
    expect(reports).toHaveLength(1);
    expect(closed).toEqual([]);
    budgets.stop();
  });

  it('someone over the shared budget is closed and refused here, though this node alone would let them in', async () => {
    vi.useFakeTimers();
    const { limits } = fakeShared(['flooder']);
    const closed: string[] = [];
    const budgets = new Budgets(quiet, undefined, { limits, onOver: (id) => closed.push(id) });
    for (let i = 0; i < 30; i++) expect(budgets.spend('flooder', 10)).toBe(true);
    await vi.advanceTimersByTimeAsync(SHARED_REPORT_MS);
    expect(closed).toEqual(['flooder']);
    expect(budgets.spend('flooder', 10)).toBe(false);
    expect(await budgets.connect('flooder')).toBe(false);
    expect(await budgets.connect('someone else')).toBe(true);
    budgets.stop();
  });
});
