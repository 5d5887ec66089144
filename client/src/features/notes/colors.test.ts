import { describe, expect, it } from 'vitest';
import { colorFor } from './colors';

describe('colorFor', () => {
  it('gives the mentor and the student different colours', () => {
    expect(colorFor('mentor')).not.toBe(colorFor('student'));
    expect(colorFor('mentor')).toMatch(/^#[0-9a-f]{6}$/);
  });
});
