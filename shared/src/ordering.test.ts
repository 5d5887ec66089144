import { describe, expect, it } from 'vitest';
import { isOrderKey, keyBetween } from './ordering.js';

describe('keyBetween', () => {
  it('sorts strictly between its neighbours, at the ends too', () => {
    const first = keyBetween(null, null);
    const after = keyBetween(first, null);
    const before = keyBetween(null, first);
    const mid = keyBetween(before, first);
    expect([after, first, mid, before].sort()).toEqual([before, mid, first, after]);
    for (const k of [first, after, before, mid]) expect(isOrderKey(k)).toBe(true);
  });

  it('keeps working when inserting at the same spot many times (keys grow slowly)', () => {
    let lo = keyBetween(null, null);
    const hi = keyBetween(lo, null);
    for (let i = 0; i < 300; i++) {
      const k = keyBetween(lo, hi);
      expect(k > lo && k < hi).toBe(true);
      lo = k;
    }
    // Each bisection adds about one bit: 300 inserts at one spot stay well inside the 256-digit cap.
    expect(lo.length).toBeLessThan(64);
    let top = keyBetween(null, null);
    for (let i = 0; i < 300; i++) {
      const k = keyBetween(null, top);
      expect(k < top).toBe(true);
      top = k;
    }
  });

  it('matches a model list under random inserts (seeded)', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const keys: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const at = Math.floor(random() * (keys.length + 1));
      const k = keyBetween(keys[at - 1] ?? null, keys[at] ?? null);
      keys.splice(at, 0, k);
    }
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('refuses keys out of order or malformed', () => {
    expect(() => keyBetween('b', 'a')).toThrow(/out of order/);
    expect(() => keyBetween('a', 'a')).toThrow(/out of order/);
    expect(() => keyBetween('a0', null)).toThrow(/invalid/);
    expect(() => keyBetween('a-b', null)).toThrow(/invalid/);
  });
});
