import { describe, expect, it } from 'vitest';
import { colorFor } from './colors';

describe('colorFor', () => {
  it('is stable per user and spreads users over the palette', () => {
    expect(colorFor('user-a')).toBe(colorFor('user-a'));
    const colors = new Set(Array.from({ length: 40 }, (_, i) => colorFor(`user-${i}`)));
    expect(colors.size).toBeGreaterThan(4);
  });
});
