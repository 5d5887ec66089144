import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatWhen } from '../../lib/time';
import { useLoad } from '../../lib/useLoad';
import { Linkified } from '../transcript/Linkified';
import { Loaded, StatusBadge } from './parts';

/** Mail the programme sent (or, with no SMTP server, kept here with its links clickable). */
export function OutboxTab() {
  const { t } = useTranslation();
  const [load, reload] = useLoad(() => api.outbox());
  return (
    <section className="card" aria-labelledby="outbox-title">
      <div className="row spread">
        <h2 id="outbox-title">{t('programme.tabs.outbox')}</h2>
        <button type="button" className="btn btn-small" onClick={reload}>
          {t('programme.refresh')}
        </button>
      </div>
      <Loaded load={load} reload={reload}>
        {({ mail, smtp }) => (
          <>
            <p className="muted">{smtp ? t('programme.outbox.smtp') : t('programme.outbox.kept')}</p>
            {mail.length === 0 ? (
              <p className="muted">{t('programme.outbox.none')}</p>
            ) : (
              <ul className="plain-list">
                {mail.map((m) => (
                  <li key={m.id} className="row-card mail">
                    <div className="grow">
                      <strong>{m.subject}</strong>
                      <div className="muted small">
                        {t('programme.outbox.to', { to: m.to })} · {formatWhen(m.createdAt)}
                        {m.lastError && <> · {t('programme.outbox.lastError', { error: m.lastError, count: m.attempts })}</>}
                      </div>
                      <details>
                        <summary>{t('programme.outbox.show')}</summary>
                        <div className="mail-body">
                          <Linkified text={m.text} />
                        </div>
                      </details>
                    </div>
                    <StatusBadge status={m.status} label={t(`programme.outbox.status.${m.status}`)} />
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

/** Who did what, when: every admin action. */
export function AuditTab() {
  const { t } = useTranslation();
  const [load, reload] = useLoad(() => api.audit());
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('programme.tabs.audit')}</h2>
      <Loaded load={load} reload={reload}>
        {({ entries }) =>
          entries.length === 0 ? (
            <p className="muted">{t('programme.audit.none')}</p>
          ) : (
            <ul className="plain-list">
              {entries.map((e) => (
                <li key={e.id} className="row-card">
                  <span className="muted small">{formatWhen(e.createdAt)}</span>
                  <span>
                    <strong>{e.actor ?? t('programme.audit.system')}</strong> — <code>{e.action}</code>
                  </span>
                  {e.target && <span className="muted small">{e.target}</span>}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
