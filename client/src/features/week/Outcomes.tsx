import { type OutcomeCounts, type Session, type SessionOutcome, SessionOutcomeSchema } from '@tandem/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';

/** How many sessions did not take place as planned, by kind: what programme staff and the pair look at. */
export function OutcomeSummary({ mentorshipId }: { mentorshipId: string }) {
  const { t } = useTranslation();
  const [counts, setCounts] = useState<OutcomeCounts | null>(null);
  useEffect(() => {
    void api.schedule(mentorshipId).then((res) => res.ok && setCounts(res.data.outcomes));
  }, [mentorshipId]);
  if (!counts) return null;
  return (
    <section className="card outcomes" aria-labelledby="outcomes-title">
      <h2 id="outcomes-title">{t('week.outcomes')}</h2>
      <dl>
        {SessionOutcomeSchema.options.map((o) => (
          <div key={o}>
            <dt>{t(`week.outcome.${o}`)}</dt>
            <dd>{counts[o] ?? 0}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The mentor corrects how a past session turned out (the no-show rule reads attendance; people know better). */
export function OutcomeSelect({ session, onChanged }: { session: Session; onChanged(s: Session): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  /** The choice being saved, shown meanwhile (the session still says the old one). */
  const [pending, setPending] = useState<string | null>(null);
  // The select stays enabled while a choice saves (a focused control that becomes disabled drops
  // the keyboard to the page's body, and arrow keys change a closed select's value at once):
  // choices are sent one after the other, in order.
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const latest = useRef(0);
  const change = (value: string) => {
    const outcome = value === '' ? null : (value as SessionOutcome);
    const mine = ++latest.current;
    setPending(value);
    setError(null);
    queue.current = queue.current.then(async () => {
      const res = await api.correctOutcome(session.id, outcome, outcome === 'no_show' ? session.absentUserId : null);
      // Every saved choice updates the session (in order); the last one's answer ends the wait.
      if (res.ok) onChanged(res.data.session);
      if (mine !== latest.current) return;
      setPending(null);
      if (!res.ok) setError(errorText(res.error));
    });
  };
  return (
    <div className="outcome-select">
      <label htmlFor={id}>{t('week.correct')}</label>{' '}
      <select id={id} value={pending ?? session.outcome ?? ''} aria-busy={pending !== null} onChange={(e) => change(e.target.value)}>
        <option value="">{t('week.asPlanned')}</option>
        {SessionOutcomeSchema.options.map((o) => (
          <option key={o} value={o}>
            {t(`week.outcome.${o}`)}
          </option>
        ))}
      </select>
      {error && (
        <span className="error small" role="alert">
          {' '}
          {error}
        </span>
      )}
    </div>
  );
}
