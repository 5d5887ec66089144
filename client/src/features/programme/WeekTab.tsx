import { useTranslation } from 'react-i18next';
import { linkTo, pagePath } from '../../app/router';
import { api } from '../../lib/api';
import { formatSlot, formatWhen } from '../../lib/time';
import { useLoad } from '../../lib/useLoad';
import { Loaded, StatusBadge } from './parts';

/** What happens this week: today's sessions, no-shows of the last seven days, pairs with nothing booked. */
export function WeekTab() {
  const { t } = useTranslation();
  const [load, reload] = useLoad(() => api.week());
  return (
    <Loaded load={load} reload={reload}>
      {(week) => (
        <div className="week-grid">
          <section className="card" aria-labelledby="week-today">
            <h2 id="week-today">{t('programme.week.today', { count: week.today.length })}</h2>
            {week.today.length === 0 ? (
              <p className="muted">{t('programme.week.noneToday')}</p>
            ) : (
              <ul className="plain-list">
                {week.today.map(({ session, mentorship }) => (
                  <li key={session.id} className="row-card">
                    <strong>{formatWhen(session.scheduledAt, mentorship.slot.timeZone)}</strong>
                    <span>
                      {mentorship.mentor.displayName} · {mentorship.student.displayName}
                    </span>
                    <span className="muted">{mentorship.title}</span>
                    <StatusBadge status={session.status} label={t(`programme.sessionStatus.${session.status}`)} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="week-noshows">
            <h2 id="week-noshows">{t('programme.week.noShows', { count: week.noShows.length })}</h2>
            {week.noShows.length === 0 ? (
              <p className="muted">{t('programme.week.noNoShows')}</p>
            ) : (
              <ul className="plain-list">
                {week.noShows.map(({ session, mentorship }) => (
                  <li key={session.id} className="row-card">
                    <strong>{formatWhen(session.scheduledAt, mentorship.slot.timeZone)}</strong>
                    <span>
                      {mentorship.mentor.displayName} · {mentorship.student.displayName}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="week-unbooked">
            <h2 id="week-unbooked">{t('programme.week.unbooked', { count: week.unbooked.length })}</h2>
            {week.unbooked.length === 0 ? (
              <p className="muted">{t('programme.week.allBooked')}</p>
            ) : (
              <ul className="plain-list">
                {week.unbooked.map((m) => (
                  <li key={m.id} className="row-card">
                    <a href={pagePath.mentorship(m.id)} onClick={linkTo(pagePath.mentorship(m.id))}>
                      {m.title}
                    </a>
                    <span>
                      {m.mentor.displayName} · {m.student.displayName}
                    </span>
                    <span className="muted">{formatSlot(m.slot)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </Loaded>
  );
}
