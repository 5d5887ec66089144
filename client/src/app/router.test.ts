import { describe, expect, it } from 'vitest';
import { matchRoute, pagePath } from './router';

describe('matchRoute', () => {
  it('maps paths to pages and back', () => {
    expect(matchRoute('/')).toEqual({ page: 'dashboard' });
    expect(matchRoute(pagePath.signIn)).toEqual({ page: 'signIn' });
    expect(matchRoute(pagePath.session('abc-123'))).toEqual({ page: 'session', sessionId: 'abc-123' });
    expect(matchRoute('/sessions/abc/extra')).toEqual({ page: 'notFound' });
    expect(matchRoute('/nope')).toEqual({ page: 'notFound' });
    expect(matchRoute(pagePath.mentorship('m 1'))).toEqual({ page: 'mentorship', mentorshipId: 'm 1' });
  });
});
