import { zonedTimeToInstant } from '@tandem/shared';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildIcs, type IcsEvent } from './ics.js';

const event = (uid: string, start: Date, extra: Partial<IcsEvent> = {}): IcsEvent => ({
  uid,
  sequence: 0,
  start,
  durationMinutes: 60,
  summary: 'Mentorship: Web dev, week 3; with Ada',
  description: 'Ada Mentor and Sam Student.\nJoin: https://tandem.example/sessions/s1',
  url: 'https://tandem.example/sessions/s1',
  cancelled: false,
  ...extra,
});

/** Parses a file with ical.js (a strict, real parser), its own VTIMEZONE registered as a client would. */
function parse(ics: string) {
  const root = new ICAL.Component(ICAL.parse(ics));
  const zones = root.getAllSubcomponents('vtimezone');
  for (const z of zones) ICAL.TimezoneService.register(z);
  const events = root.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
  const out = { root, zones, events };
  for (const z of zones) ICAL.TimezoneService.remove(String(z.getFirstPropertyValue('tzid')));
  return out;
}

describe('iCalendar invitations', () => {
  // 2026: Europe leaves summer time on 25 October, the US on 1 November; Sydney enters it on 4 October.
  const cases = [
    { zone: 'Europe/Paris', before: { year: 2026, month: 10, day: 20 }, after: { year: 2026, month: 10, day: 27 } },
    { zone: 'America/New_York', before: { year: 2026, month: 10, day: 27 }, after: { year: 2026, month: 11, day: 3 } },
    { zone: 'Australia/Sydney', before: { year: 2026, month: 9, day: 29 }, after: { year: 2026, month: 10, day: 6 } },
    { zone: 'Asia/Kolkata', before: { year: 2026, month: 10, day: 20 }, after: { year: 2026, month: 10, day: 27 } },
  ];

  for (const c of cases) {
    it(`keeps 18:00 local on both sides of a DST change in ${c.zone}, as a strict parser reads it`, () => {
      const first = zonedTimeToInstant(c.before, '18:00', c.zone);
      const second = zonedTimeToInstant(c.after, '18:00', c.zone);
      const ics = buildIcs({
        method: 'PUBLISH',
        timeZone: c.zone,
        events: [event('session-a@tandem', first), event('session-b@tandem', second)],
        now: new Date(Date.UTC(2026, 8, 1)),
      });
      const { zones, events } = parse(ics);
      expect(zones).toHaveLength(1);
      expect(events.map((e) => e.startDate.toJSDate().toISOString())).toEqual([first.toISOString(), second.toISOString()]);
      expect(events.map((e) => e.startDate.hour)).toEqual([18, 18]);
      expect(events.map((e) => e.endDate.toJSDate().getTime() - e.startDate.toJSDate().getTime())).toEqual([3600_000, 3600_000]);
      if (c.zone !== 'Asia/Kolkata') {
        // The two sessions are a week apart on the wall clock, not in UTC: the offset changed between them.
        expect(second.getTime() - first.getTime()).not.toBe(7 * 86_400_000);
        expect(zones[0]?.getAllSubcomponents('daylight').length).toBeGreaterThan(0);
      }
    });
  }

  it('sends an invitation and its cancellation with one UID, a growing SEQUENCE, attendees and a folded long line', () => {
    const start = zonedTimeToInstant({ year: 2026, month: 12, day: 1 }, '18:30', 'Europe/Paris');
    const people = {
      organizer: { name: 'Tandem', email: 'noreply@tandem.test' },
      attendees: [{ name: 'Ada, "the" Mentor', email: 'ada@x.test' }],
    };
    const request = buildIcs({
      method: 'REQUEST',
      timeZone: 'Europe/Paris',
      events: [event('session-x@tandem', start, { summary: 'é'.repeat(80) })],
      ...people,
    });
    const cancel = buildIcs({
      method: 'CANCEL',
      timeZone: 'Europe/Paris',
      events: [event('session-x@tandem', start, { sequence: 1, cancelled: true })],
      ...people,
    });
    expect(request.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const a = parse(request);
    const b = parse(cancel);
    expect(a.root.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(b.root.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(a.events[0]?.uid).toBe('session-x@tandem');
    expect(b.events[0]?.uid).toBe('session-x@tandem');
    expect(a.events[0]?.sequence).toBe(0);
    expect(b.events[0]?.sequence).toBe(1);
    expect(a.events[0]?.summary).toBe('é'.repeat(80));
    expect(b.events[0]?.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(a.events[0]?.description).toContain('\nJoin: https://tandem.example/sessions/s1');
    const attendee = a.events[0]?.component.getFirstProperty('attendee');
    expect(attendee?.getParameter('cn')).toBe('Ada, the Mentor');
    expect(attendee?.getFirstValue()).toBe('mailto:ada@x.test');
    expect(a.events[0]?.startDate.toJSDate().toISOString()).toBe(start.toISOString());
  });
});
