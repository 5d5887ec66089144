import type { WeeklySlot } from './domain.js';

/** The offset (ms) of a time zone from UTC at an instant: local = utc + offset. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in a zone. Across a DST change the offset
 * differs before and after, so it is re-read at the candidate; a time that does
 * not exist (the spring-forward gap) moves forward by the gap, as calendars do.
 */
export function zonedTimeToInstant(date: { year: number; month: number; day: number }, time: string, timeZone: string): Date {
  const [hh = 0, mm = 0] = time.split(':').map(Number);
  const wall = Date.UTC(date.year, date.month - 1, date.day, hh, mm);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return new Date(offsetAt(second, timeZone) === offsetAt(first, timeZone) ? second : Math.max(first, second));
}

/** The calendar date, ISO weekday (1 = Monday) and wall-clock time "HH:MM" of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): { year: number; month: number; day: number; weekday: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1,
    time: `${get('hour')}:${get('minute')}`,
  };
}

/** The first occurrence of the weekly slot strictly after an instant, in the slot's own time zone. */
export function nextSlotAfter(slot: WeeklySlot, after: Date): Date {
  const start = localDate(after, slot.timeZone);
  for (let i = 0; i <= 8; i++) {
    // Calendar arithmetic on the local date (UTC date math never sees DST).
    const d = new Date(Date.UTC(start.year, start.month - 1, start.day + i));
    const isoWeekday = ((d.getUTCDay() + 6) % 7) + 1;
    if (isoWeekday !== slot.weekday) continue;
    const at = zonedTimeToInstant({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, slot.time, slot.timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error('no slot within eight days');
}

/**
 * When the session after one that just ended takes place: the first slot at
 * least a day after both the end and the ended session's own time, so ending
 * early (before the slot's hour) still schedules next week, not later today.
 */
export function nextSessionTime(slot: WeeklySlot, endedScheduledAt: Date, now: Date): Date {
  const base = Math.max(now.getTime(), endedScheduledAt.getTime()) + 24 * 3600 * 1000;
  return nextSlotAfter(slot, new Date(base - 1));
}
