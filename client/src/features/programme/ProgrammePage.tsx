import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, type ProgrammeTab, pagePath, programmeTabs } from '../../app/router';
import { useAppStore } from '../../store';
import { InvitationsTab } from './InvitationsTab';
import { AuditTab, OutboxTab } from './MailAndAudit';
import { PairsTab } from './PairsTab';
import { PeopleTab } from './PeopleTab';
import { WeekTab } from './WeekTab';

/** The programme area (staff only): this week, people, pairs, invitations, mail, audit. Each section has its own address. */
export function ProgrammePage({ tab }: { tab: ProgrammeTab }) {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  if (user?.role !== 'admin') {
    return (
      <main className="page">
        <PageHeading>{t('programme.title')}</PageHeading>
        <p className="error" role="alert">
          {t('errors.FORBIDDEN')}
        </p>
      </main>
    );
  }
  return (
    <main className="page page-wide">
      <PageHeading>{t('programme.title')}</PageHeading>
      <nav className="subnav" aria-label={t('programme.sections')}>
        {programmeTabs.map((name) => (
          <a
            key={name}
            href={pagePath.programme(name)}
            onClick={linkTo(pagePath.programme(name))}
            aria-current={name === tab ? 'page' : undefined}
          >
            {t(`programme.tabs.${name}`)}
          </a>
        ))}
      </nav>
      {tab === 'week' && <WeekTab />}
      {tab === 'people' && <PeopleTab />}
      {tab === 'pairs' && <PairsTab />}
      {tab === 'invitations' && <InvitationsTab />}
      {tab === 'outbox' && <OutboxTab />}
      {tab === 'audit' && <AuditTab />}
    </main>
  );
}
