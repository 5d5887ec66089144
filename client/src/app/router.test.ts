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

  it('maps the programme area, profile and link pages', () => {
    expect(matchRoute(pagePath.programme())).toEqual({ page: 'programme', tab: 'week' });
    expect(matchRoute(pagePath.programme('outbox'))).toEqual({ page: 'programme', tab: 'outbox' });
    expect(matchRoute('/programme/secrets')).toEqual({ page: 'notFound' });
    expect(matchRoute(pagePath.profile)).toEqual({ page: 'profile' });
    expect(matchRoute('/invite/abc_DEF-123')).toEqual({ page: 'invite', token: 'abc_DEF-123' });
    expect(matchRoute('/reset/xyz')).toEqual({ page: 'reset', token: 'xyz' });
    expect(matchRoute('/invite/a b')).toEqual({ page: 'notFound' });
  });
});
