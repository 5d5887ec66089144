import type { Brief } from '@tandem/shared';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatWhen } from '../../lib/time';

/**
 * "Since last week", at the top of the session's note: built by the server from what is stored
 * (goal events, last week's open to-dos, messages, moves and cancellations), not by AI.
 */
export function BriefPanel({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const [brief, setBrief] = useState<Brief | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void api.brief(sessionId).then((res) => {
      if (!live) return;
      if (res.ok) setBrief(res.data);
      else setError(errorText(res.error));
    });
    return () => {
      live = false;
    };
  }, [sessionId]);

  if (error)
    return (
      <p className="error small" role="alert">
        {t('brief.failed')} {error}
      </p>
    );
  if (!brief)
    return (
      <p className="muted small" aria-busy="true">
        {t('brief.loading')}
      </p>
    );
  const empty =
    brief.goalChanges.length === 0 &&
    !brief.focus &&
    brief.openTodos.length === 0 &&
    brief.messages.count === 0 &&
    brief.changes.length === 0;
  return (
    <details className="brief card" open>
      <summary>
        <h2 className="brief-title">{t('brief.title')}</h2>
      </summary>
      {brief.since ? (
        <p className="muted small">{t('brief.since', { week: brief.since.week, when: formatWhen(brief.since.scheduledAt) })}</p>
      ) : (
        <p className="muted small">{t('brief.first')}</p>
      )}
      {empty && <p>{t('brief.nothing')}</p>}
      {brief.nudge && brief.focus && (
        <p className="brief-nudge" role="note">
          {t('brief.nudge', { title: brief.focus.title, count: brief.focus.weeksCarried })}
        </p>
      )}
      {brief.focus && (
        <p>
          <strong>{t('brief.focus')}</strong> {brief.focus.title} · {t('brief.carried', { count: brief.focus.weeksCarried })}
        </p>
      )}
      {brief.openTodos.length > 0 && (
        <>
          <h3>{t('brief.openTodos')}</h3>
          <ul>
            {brief.openTodos.map((todo) => (
              <li key={todo}>{todo}</li>
            ))}
          </ul>
          <p className="muted small">{t('brief.todosCarried')}</p>
        </>
      )}
      {brief.goalChanges.length > 0 && (
        <>
          <h3>{t('brief.goals')}</h3>
          <ul>
            {brief.goalChanges.map((c) => (
              <li key={`${c.goalId}-${c.at}-${c.kind}`}>
                <strong>{c.title}</strong>: {c.detail}{' '}
                <span className="muted">({t('brief.byOn', { name: c.by, when: formatWhen(c.at) })})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {brief.changes.length > 0 && (
        <>
          <h3>{t('brief.schedule')}</h3>
          <ul>
            {brief.changes.map((c) => (
              <li key={`${c.kind}-${c.at}`}>
                {t(`brief.change.${c.kind}`, { when: formatWhen(c.at) })}
                {c.kind !== 'moved' && c.detail ? ` — ${c.detail}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {brief.messages.count > 0 && (
        <>
          <h3>{t('brief.messages', { count: brief.messages.count })}</h3>
          <ul>
            {brief.messages.last.map((m) => (
              <li key={m.id}>
                <strong>{m.author.displayName}</strong>: {m.body.length > 140 ? `${m.body.slice(0, 137)}…` : m.body}
              </li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
