import { describe, expect, it } from 'vitest';
import { formatDuration, formatSlot, formatWhen, zoneName } from './time';

const en = (timeZone: string) => ({ locale: 'en', timeZone });
const london = { weekday: 2, time: '18:00', timeZone: 'Europe/London', durationMinutes: 60 };

describe('formatSlot: the weekly slot in the viewer’s zone', () => {
  it('says only the day and time to someone in the slot’s zone', () => {
    expect(formatSlot(london, en('Europe/London'))).toBe('Tuesdays at 18:00');
  });

  it('follows both DST changes of a northern slot seen from the south (London → Sydney, 2026)', () => {
    // London on GMT, Sydney on daylight time (+11).
    expect(formatSlot(london, en('Australia/Sydney'), new Date('2026-03-10T00:00:00Z'))).toBe(
      'Wednesdays at 05:00 (Sydney) — Tuesdays 18:00 in London',
    );
    // London moved to BST on 29 March; Sydney still +11 until 5 April.
    expect(formatSlot(london, en('Australia/Sydney'), new Date('2026-03-30T00:00:00Z'))).toBe(
      'Wednesdays at 04:00 (Sydney) — Tuesdays 18:00 in London',
    );
    // Sydney back on standard time (+10).
    expect(formatSlot(london, en('Australia/Sydney'), new Date('2026-04-08T12:00:00Z'))).toBe(
      'Wednesdays at 03:00 (Sydney) — Tuesdays 18:00 in London',
    );
  });

  it('follows a southern spring-forward (Sydney slot seen from São Paulo, October 2026)', () => {
    const sydney = { weekday: 1, time: '09:00', timeZone: 'Australia/Sydney', durationMinutes: 45 };
    expect(formatSlot(sydney, en('America/Sao_Paulo'), new Date('2026-09-25T00:00:00Z'))).toBe(
      'Sundays at 20:00 (Sao Paulo) — Mondays 09:00 in Sydney',
    );
    expect(formatSlot(sydney, en('America/Sao_Paulo'), new Date('2026-10-02T00:00:00Z'))).toBe(
      'Sundays at 19:00 (Sao Paulo) — Mondays 09:00 in Sydney',
    );
  });

  it('keeps the same day when only the hour differs, and speaks French', () => {
    const tokyo = { weekday: 6, time: '02:48', timeZone: 'Asia/Tokyo', durationMinutes: 60 };
    expect(formatSlot(tokyo, en('Asia/Tokyo'))).toBe('Saturdays at 02:48');
    expect(formatSlot(london, en('Europe/Paris'), new Date('2026-01-05T00:00:00Z'))).toBe('Tuesdays at 19:00 (Paris) — 18:00 in London');
    expect(formatSlot(london, { locale: 'fr', timeZone: 'Europe/Paris' }, new Date('2026-01-05T00:00:00Z'))).toBe(
      'Le mardi à 19:00 (Paris) — 18:00 à London',
    );
  });
});

describe('formatWhen', () => {
  const at = '2026-12-26T17:48:00Z';
  it('shows the instant in the viewer’s zone and language, naming the zone when it is not the pair’s', () => {
    expect(formatWhen(at, 'Asia/Tokyo', en('Asia/Tokyo'))).toBe('Sunday, December 27 at 02:48');
    expect(formatWhen(at, 'Europe/London', en('Asia/Tokyo'))).toBe('Sunday, December 27 at 02:48 (Tokyo)');
    expect(formatWhen(at, 'Europe/London', { locale: 'fr', timeZone: 'Europe/London' })).toBe('samedi 26 décembre à 17:48');
  });

  it('crosses a DST change: the same wall-clock slot is a different UTC hour', () => {
    expect(formatWhen('2026-03-24T18:00:00Z', undefined, en('Europe/London'))).toBe('Tuesday, March 24 at 18:00');
    expect(formatWhen('2026-03-31T17:00:00Z', undefined, en('Europe/London'))).toBe('Tuesday, March 31 at 18:00');
  });
});

describe('formatDuration', () => {
  it('reads as people say it, in both languages', () => {
    expect(formatDuration(20, en('UTC'))).toBe('under a minute');
    expect(formatDuration(42 * 60, en('UTC'))).toBe('42 min');
    expect(formatDuration(65 * 60, en('UTC'))).toBe('1 h 5 min');
    expect(formatDuration(120 * 60, en('UTC'))).toBe('2 h');
    expect(formatDuration(20, { locale: 'fr', timeZone: 'UTC' })).toBe('moins d’une minute');
  });
});

describe('zoneName', () => {
  it('is the place of the zone', () => {
    expect(zoneName('America/New_York')).toBe('New York');
    expect(zoneName('UTC')).toBe('UTC');
  });
});
