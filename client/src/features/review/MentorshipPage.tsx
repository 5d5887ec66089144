import { ApiRoute, apiPath, type HistoryResponse, type SearchResponse } from '@tandem/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SubmitButton } from '../../app/fields';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatDuration, formatWhen } from '../../lib/time';
import { useAppStore } from '../../store';
import { PrivateNote, PrivateNoteForStaff } from '../notes/PrivateNote';
import { GoalTimelines } from '../projects/GoalTimelines';
import { OutcomeSelect, OutcomeSummary } from '../week/Outcomes';
import { Progress } from './Progress';

/** A mentorship's past sessions, newest first, with search across notes and transcripts. */
export function MentorshipPage({ mentorshipId }: { mentorshipId: string }) {
  const { t } = useTranslation();
  const [history, setHistory] = useState<HistoryResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResponse | null>(null);
  const [searching, setSearching] = useState(false);
  const user = useAppStore((s) => s.user);

  useEffect(() => {
    void api.history(mentorshipId).then((res) => (res.ok ? setHistory(res.data) : setError(errorText(res.error))));
  }, [mentorshipId]);

  async function search(e: FormEvent) {
    e.preventDefault();
    if (!query.trim()) return setResults(null);
    setSearching(true);
    const res = await api.search(mentorshipId, query);
    setSearching(false);
    if (res.ok) setResults(res.data);
    else setError(errorText(res.error));
  }

  if (error) {
    return (
      <main className="page">
        <p className="error" role="alert">
          {error}
        </p>
      </main>
    );
  }
  if (!history) {
    return (
      <main className="page" aria-busy="true">
        <p className="muted">{t('review.loading')}</p>
      </main>
    );
  }
  const m = history.mentorship;
  const isMentor = user?.id === m.mentor.id;
  return (
    <main className="page">
      <div className="record-head">
        <div>
          <PageHeading>{m.title}</PageHeading>
          <p className="muted">{t('review.pair', { mentor: m.mentor.displayName, student: m.student.displayName })}</p>
        </div>
        <div className="row">
          <a className="btn btn-quiet btn-small" href={apiPath(ApiRoute.mentorshipExport, { id: m.id })} download>
            {t('review.exportAll')}
          </a>
          <a className="btn btn-quiet btn-small" href={apiPath(ApiRoute.calendar, { id: m.id })} download>
            {t('review.calendar')}
          </a>
        </div>
      </div>
      <search>
        <form className="search" onSubmit={search}>
          <input
            type="search"
            aria-label={t('review.search')}
            placeholder={t('review.searchPlaceholder')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <SubmitButton className="btn btn-primary btn-small" busy={searching}>
            {searching ? t('review.searching') : t('review.searchButton')}
          </SubmitButton>
        </form>
      </search>
      {results && (
        <section aria-label={t('review.results')} className="card">
          <h2>{t('review.resultsFor', { count: results.results.length, query: results.query })}</h2>
          <ul className="search-results">
            {results.results.map((r) => (
              <li key={`${r.sessionId}-${r.kind}`}>
                <a href={pagePath.session(r.sessionId)} onClick={linkTo(pagePath.session(r.sessionId))}>
                  {t('dashboard.weekAt', { week: r.week, when: formatWhen(r.scheduledAt, m.slot.timeZone) })}
                </a>{' '}
                <span className="muted">({t(`review.kinds.${r.kind}`)})</span>
                {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server escapes the text and adds only <mark> */}
                <p className="snippet" dangerouslySetInnerHTML={{ __html: r.snippet }} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {isMentor && (
        <section className="card" aria-label={t('privateNote.region')}>
          <PrivateNote mentorshipId={m.id} />
        </section>
      )}
      {user?.role === 'admin' && !isMentor && <PrivateNoteForStaff mentorshipId={m.id} />}
      <OutcomeSummary mentorshipId={m.id} />
      <Progress mentorshipId={m.id} pairZone={m.slot.timeZone} />
      <GoalTimelines mentorshipId={m.id} />
      <section aria-labelledby="past" className="past-section">
        <h2 id="past">{t('review.past')}</h2>
        {history.sessions.length === 0 ? (
          <p className="muted">{t('review.noPast')}</p>
        ) : (
          <ul className="history">
            {history.sessions.map((h) => (
              <li key={h.session.id} className="card">
                <a href={pagePath.session(h.session.id)} onClick={linkTo(pagePath.session(h.session.id))}>
                  {t('dashboard.weekAt', { week: h.session.week, when: formatWhen(h.session.scheduledAt, m.slot.timeZone) })}
                </a>
                <div className="muted small">
                  {h.session.status === 'ended'
                    ? `${formatDuration(h.durationSeconds ?? 0)} · ${h.attendees.length ? h.attendees.join(', ') : t('review.nobodyJoined')}`
                    : h.session.status === 'cancelled'
                      ? t('review.cancelled')
                      : t('review.noShow')}
                  {h.session.outcome && ` · ${t(`week.outcome.${h.session.outcome}`)}`}
                  {h.session.outcomeReason && ` — ${h.session.outcomeReason}`}
                </div>
                {isMentor && m.status !== 'ended' && (
                  <OutcomeSelect
                    session={h.session}
                    onChanged={(session) =>
                      setHistory((cur) =>
                        cur ? { ...cur, sessions: cur.sessions.map((x) => (x.session.id === session.id ? { ...x, session } : x)) } : cur,
                      )
                    }
                  />
                )}
                {h.summary && <p className="summary">{h.summary}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
