import { useSyncExternalStore } from 'react';

// A tiny history router: three pages do not need a routing library.
const listeners = new Set<() => void>();
/** Set by a navigation within the app: the next page heading takes the focus (see PageHeading). */
export const focusAfterNavigation = { pending: false };
const notify = () => {
  focusAfterNavigation.pending = true;
  for (const l of listeners) l();
};
window.addEventListener('popstate', notify);

/** Navigates within the app without a reload. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

/** The current pathname, re-rendering on navigation. */
export function usePathname(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => window.location.pathname,
  );
}

export type Route =
  | { page: 'signIn' }
  | { page: 'dashboard' }
  | { page: 'session'; sessionId: string }
  | { page: 'mentorship'; mentorshipId: string }
  | { page: 'messages'; mentorshipId: string }
  | { page: 'projects'; mentorshipId: string }
  | { page: 'invite'; token: string }
  | { page: 'forgot' }
  | { page: 'reset'; token: string }
  | { page: 'profile' }
  | { page: 'programme'; tab: ProgrammeTab }
  | { page: 'notFound' };

/** The programme area's sections, each its own address. */
export const programmeTabs = ['week', 'people', 'pairs', 'invitations', 'outbox', 'audit'] as const;
export type ProgrammeTab = (typeof programmeTabs)[number];

/** Pages a visitor may open without signing in. */
export const publicPages: readonly Route['page'][] = ['signIn', 'invite', 'forgot', 'reset'];

/** Maps a pathname to a page. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/sign-in') return { page: 'signIn' };
  if (pathname === '/forgot') return { page: 'forgot' };
  if (pathname === '/profile') return { page: 'profile' };
  const link = /^\/(invite|reset)\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  if (link?.[2]) return link[1] === 'invite' ? { page: 'invite', token: link[2] } : { page: 'reset', token: link[2] };
  const programme = /^\/programme(?:\/([a-z]+))?\/?$/.exec(pathname);
  if (programme) {
    const tab = programme[1] ?? 'week';
    if ((programmeTabs as readonly string[]).includes(tab)) return { page: 'programme', tab: tab as ProgrammeTab };
  }
  if (pathname === '/' || pathname === '') return { page: 'dashboard' };
  const session = /^\/sessions\/([^/]+)\/?$/.exec(pathname);
  if (session?.[1]) return { page: 'session', sessionId: decodeURIComponent(session[1]) };
  const messages = /^\/mentorships\/([^/]+)\/messages\/?$/.exec(pathname);
  if (messages?.[1]) return { page: 'messages', mentorshipId: decodeURIComponent(messages[1]) };
  const projects = /^\/mentorships\/([^/]+)\/projects\/?$/.exec(pathname);
  if (projects?.[1]) return { page: 'projects', mentorshipId: decodeURIComponent(projects[1]) };
  const mentorship = /^\/mentorships\/([^/]+)\/?$/.exec(pathname);
  if (mentorship?.[1]) return { page: 'mentorship', mentorshipId: decodeURIComponent(mentorship[1]) };
  return { page: 'notFound' };
}

/** Paths of the app's pages, written once. */
export const pagePath = {
  signIn: '/sign-in',
  dashboard: '/',
  session: (id: string) => `/sessions/${encodeURIComponent(id)}`,
  mentorship: (id: string) => `/mentorships/${encodeURIComponent(id)}`,
  messages: (id: string) => `/mentorships/${encodeURIComponent(id)}/messages`,
  projects: (id: string) => `/mentorships/${encodeURIComponent(id)}/projects`,
  forgot: '/forgot',
  profile: '/profile',
  programme: (tab: ProgrammeTab = 'week') => (tab === 'week' ? '/programme' : `/programme/${tab}`),
};

/** Click handler for in-app links: navigate without a reload (modified clicks keep browser behaviour). */
export function linkTo(to: string) {
  return (e: { preventDefault(): void; metaKey?: boolean; ctrlKey?: boolean; shiftKey?: boolean; button?: number }) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || (e.button ?? 0) !== 0) return;
    e.preventDefault();
    navigate(to);
  };
}
