import { useTranslation } from 'react-i18next';
import { LoadFailed } from '../../app/LoadFailed';
import { pagePath } from '../../app/router';
import { api } from '../../lib/api';
import { formatWhen } from '../../lib/time';
import { useLoad } from '../../lib/useLoad';
import { formatOffset } from '../transcript/useCaptions';

/** Each goal's whole story across the weeks: set when and by whom, every change with its week, weeks carried over. */
export function GoalTimelines({ mentorshipId }: { mentorshipId: string }) {
  const { t } = useTranslation();
  const [load, reload] = useLoad(() => api.goalTimelines(mentorshipId), mentorshipId);
  return (
    <section className="card goal-timelines" aria-labelledby="timelines-title">
      <h2 id="timelines-title">{t('timeline.title')}</h2>
      {load.state === 'loading' && (
        <p className="muted" aria-busy="true">
          {t('timeline.loading')}
        </p>
      )}
      {load.state === 'error' && <LoadFailed message={load.message} onRetry={reload} />}
      {load.state === 'ready' && load.data.goals.length === 0 && <p className="muted">{t('timeline.none')}</p>}
      {load.state === 'ready' &&
        load.data.goals
          .filter((g) => !g.deleted)
          .map((g) => (
            <details key={g.goalId} className="timeline">
              <summary>
                <strong>{g.title}</strong>{' '}
                <span className="muted small">· {t(`timeline.status.${g.status}`, { defaultValue: g.status })}</span>{' '}
                <span className="muted small">· {t('timeline.carried', { count: g.weeksCarried })}</span>
              </summary>
              <p className="muted small">
                {g.setInWeek !== null
                  ? t('timeline.setInWeek', { name: g.setBy, week: g.setInWeek, when: formatWhen(g.setAt) })
                  : t('timeline.set', { name: g.setBy, when: formatWhen(g.setAt) })}
              </p>
              <ol className="timeline-events">
                {g.events.map((e) => (
                  <li key={`${e.at}-${e.kind}-${e.detail}`}>
                    <span className="timeline-week">{e.week !== null ? t('timeline.week', { week: e.week }) : t('timeline.between')}</span>{' '}
                    {e.detail}{' '}
                    <span className="muted small">
                      ({e.by}, {formatWhen(e.at)})
                    </span>
                  </li>
                ))}
              </ol>
              {g.project && <p className="small">→ {t('timeline.toward', { title: g.project.title })}</p>}
              {g.quotes.length > 0 && (
                <ul className="goal-quotes" aria-label={t('timeline.quotes')}>
                  {g.quotes.map((q) => (
                    <li key={q.id}>
                      <blockquote>{q.text}</blockquote>
                      <span className="muted small">
                        — {t('timeline.quoteSource', { name: q.speaker, week: q.week, time: formatOffset(q.startMs) })}
                        {q.kind === 'chat' && ` ${t('timeline.quoteChat')}`} ·{' '}
                        <a href={`${pagePath.session(q.sessionId)}#seg-${q.segmentId}`}>{t('timeline.inRecord')}</a>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </details>
          ))}
    </section>
  );
}
