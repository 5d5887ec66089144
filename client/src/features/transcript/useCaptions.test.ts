import { describe, expect, it } from 'vitest';
import { formatOffset } from './useCaptions';

describe('formatOffset', () => {
  it('shows minutes and seconds, hours when needed', () => {
    expect(formatOffset(0)).toBe('0:00');
    expect(formatOffset(65_000)).toBe('1:05');
    expect(formatOffset(3_725_000)).toBe('1:02:05');
  });
});
