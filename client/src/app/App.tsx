import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { InvitePage } from '../features/auth/InvitePage';
import { ForgotPage, ResetPage } from '../features/auth/PasswordPages';
import { SignInPage } from '../features/auth/SignInPage';
import { DashboardPage } from '../features/dashboard/DashboardPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { ProgrammePage } from '../features/programme/ProgrammePage';
import { ProjectsPage } from '../features/projects/ProjectsPage';
import { MentorshipPage } from '../features/review/MentorshipPage';
import { MessagesPage } from '../features/week/MessagesPage';
import { useUnread } from '../features/week/useUnread';
import { useAppStore } from '../store';
import { Header } from './Header';
import { PageHeading } from './PageHeading';
import { linkTo, matchRoute, navigate, pagePath, publicPages, usePathname } from './router';

// The call (LiveKit, Tiptap, Yjs) is most of the code: loaded only when a session opens.
const SessionPage = lazy(() => import('../features/call/SessionPage').then((m) => ({ default: m.SessionPage })));

function Loading({ what }: { what: string }) {
  return (
    <main className="center-page" aria-busy="true">
      <p className="muted" role="status">
        {what}
      </p>
    </main>
  );
}

export function App() {
  const { t } = useTranslation();
  const pathname = usePathname();
  const route = matchRoute(pathname);
  const authStatus = useAppStore((s) => s.authStatus);
  const loadMe = useAppStore((s) => s.loadMe);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);
  // Unread messages: live counts on the dashboard and in the page title.
  useUnread();

  useEffect(() => {
    if (authStatus === 'signedOut' && !publicPages.includes(route.page)) {
      navigate(`${pagePath.signIn}?next=${encodeURIComponent(pathname)}`, { replace: true });
    }
  }, [authStatus, route.page, pathname]);

  if (authStatus === 'unknown') return <Loading what={t('app.loading')} />;
  if (route.page === 'signIn') return <SignInPage />;
  // Links from emails work signed in or out: they are about the link, not the visitor.
  if (route.page === 'invite') return <InvitePage token={route.token} />;
  if (route.page === 'forgot') return <ForgotPage />;
  if (route.page === 'reset') return <ResetPage token={route.token} />;
  if (authStatus !== 'signedIn') return null;
  if (route.page === 'session') {
    return (
      <Suspense fallback={<Loading what={t('app.openingSession')} />}>
        <SessionPage sessionId={route.sessionId} />
      </Suspense>
    );
  }
  return (
    <>
      <Header />
      {route.page === 'dashboard' ? (
        <DashboardPage />
      ) : route.page === 'mentorship' ? (
        <MentorshipPage mentorshipId={route.mentorshipId} />
      ) : route.page === 'projects' ? (
        <ProjectsPage mentorshipId={route.mentorshipId} />
      ) : route.page === 'messages' ? (
        <MessagesPage mentorshipId={route.mentorshipId} />
      ) : route.page === 'profile' ? (
        <ProfilePage />
      ) : route.page === 'programme' ? (
        <ProgrammePage tab={route.tab} />
      ) : (
        <main className="page">
          <PageHeading>{t('app.notFound')}</PageHeading>
          <a href={pagePath.dashboard} onClick={linkTo(pagePath.dashboard)}>
            {t('app.backToDashboard')}
          </a>
        </main>
      )}
    </>
  );
}
