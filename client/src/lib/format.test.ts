import { describe, expect, it } from 'vitest';
import { formatSlot } from './format';

describe('formatSlot', () => {
  it('names the weekday, time, zone and length', () => {
    expect(formatSlot({ weekday: 2, time: '18:00', timeZone: 'Europe/Berlin', durationMinutes: 60 })).toBe(
      'Tuesdays at 18:00 (Europe/Berlin), 60 min',
    );
    expect(formatSlot({ weekday: 7, time: '09:30', timeZone: 'UTC', durationMinutes: 45 })).toBe('Sundays at 09:30 (UTC), 45 min');
  });
});
