import { describe, expect, it } from 'vitest';
import { localDate, nextSessionTime, nextSlotAfter, zonedTimeToInstant } from './schedule.js';

const berlinTuesday = { weekday: 2, time: '18:00', timeZone: 'Europe/Berlin', durationMinutes: 60 };

describe('weekly schedule', () => {
  it('keeps 18:00 local time across the autumn change (Berlin: CEST -> CET on 25 Oct 2026)', () => {
    const before = nextSlotAfter(berlinTuesday, new Date('2026-10-19T00:00:00Z'));
    expect(before.toISOString()).toBe('2026-10-20T16:00:00.000Z'); // 18:00 CEST = 16:00 UTC
    const after = nextSessionTime(berlinTuesday, before, new Date('2026-10-20T17:05:00Z'));
    expect(after.toISOString()).toBe('2026-10-27T17:00:00.000Z'); // 18:00 CET = 17:00 UTC
  });

  it('keeps the local time across the spring change and in another hemisphere', () => {
    const spring = nextSessionTime(berlinTuesday, new Date('2026-03-24T17:00:00Z'), new Date('2026-03-24T18:00:00Z'));
    expect(spring.toISOString()).toBe('2026-03-31T16:00:00.000Z');
    const nyMonday = { weekday: 1, time: '09:30', timeZone: 'America/New_York', durationMinutes: 45 };
    const ny = nextSessionTime(nyMonday, new Date('2026-10-26T13:30:00Z'), new Date('2026-10-26T14:20:00Z'));
    expect(ny.toISOString()).toBe('2026-11-02T14:30:00.000Z'); // EDT -> EST on 1 Nov
    const sydney = { weekday: 4, time: '19:00', timeZone: 'Australia/Sydney', durationMinutes: 60 };
    const au = nextSessionTime(sydney, new Date('2026-09-30T09:00:00Z'), new Date('2026-09-30T10:00:00Z'));
    expect(au.toISOString()).toBe('2026-10-08T08:00:00.000Z'); // AEST -> AEDT on 4 Oct
  });

  it('schedules next week, not later today, when a session ends before its slot hour', () => {
    const endedEarly = nextSessionTime(berlinTuesday, new Date('2026-11-24T17:00:00Z'), new Date('2026-11-24T15:00:00Z'));
    expect(endedEarly.toISOString()).toBe('2026-12-01T17:00:00.000Z');
  });

  it('moves a time inside the spring-forward gap forward, as calendars do', () => {
    const gap = zonedTimeToInstant({ year: 2026, month: 3, day: 29 }, '02:30', 'Europe/Berlin');
    expect(gap.toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(localDate(gap, 'Europe/Berlin')).toMatchObject({ day: 29, weekday: 7 });
  });
});
