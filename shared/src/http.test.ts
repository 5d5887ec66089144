import { describe, expect, it } from 'vitest';
import { WeeklySlotSchema } from './domain.js';
import { ApiRoute, apiPath, SignInBodySchema } from './http.js';

describe('apiPath', () => {
  it('fills and encodes route parameters', () => {
    expect(apiPath(ApiRoute.sessionToken, { id: 'a b/c' })).toBe('/api/sessions/a%20b%2Fc/token');
    expect(() => apiPath(ApiRoute.session)).toThrow(/missing route parameter id/);
  });
});

describe('schemas', () => {
  it('normalises the sign-in email and refuses unknown keys', () => {
    expect(SignInBodySchema.parse({ email: '  Mentor@Example.TEST ', password: 'x' }).email).toBe('mentor@example.test');
    expect(SignInBodySchema.safeParse({ email: 'a@b.test', password: 'x', role: 'admin' }).success).toBe(false);
    expect(SignInBodySchema.safeParse({ email: 'a@b.test', password: '' }).success).toBe(false);
  });

  it('accepts IANA zones and HH:MM times only', () => {
    const slot = { weekday: 2, time: '18:00', timeZone: 'Europe/Berlin', durationMinutes: 60 };
    expect(WeeklySlotSchema.safeParse(slot).success).toBe(true);
    expect(WeeklySlotSchema.safeParse({ ...slot, timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(WeeklySlotSchema.safeParse({ ...slot, time: '24:00' }).success).toBe(false);
    expect(WeeklySlotSchema.safeParse({ ...slot, weekday: 0 }).success).toBe(false);
  });
});
