import { ApiRoute, apiPath, type HistoryResponse, type SearchResponse } from '@tandem/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { linkTo, pagePath } from '../../app/router';
import { api } from '../../lib/api';
import { formatWhen } from '../../lib/format';
import { formatDuration } from './format';

/** A mentorship's past sessions, newest first, with search across notes and transcripts. */
export function MentorshipPage({ mentorshipId }: { mentorshipId: string }) {
  const [history, setHistory] = useState<HistoryResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResponse | null>(null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    void api.history(mentorshipId).then((res) => (res.ok ? setHistory(res.data) : setError(res.error.message)));
  }, [mentorshipId]);

  async function search(e: FormEvent) {
    e.preventDefault();
    if (!query.trim()) return setResults(null);
    setSearching(true);
    const res = await api.search(mentorshipId, query);
    setSearching(false);
    if (res.ok) setResults(res.data);
    else setError(res.error.message);
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
        <p className="muted">Loading sessions…</p>
      </main>
    );
  }
  const m = history.mentorship;
  return (
    <main className="page">
      <div className="record-head">
        <div>
          <h1>{m.title}</h1>
          <p className="muted">
            {m.mentor.displayName} (mentor) and {m.student.displayName} (student)
          </p>
        </div>
        <div className="row">
          <a className="btn btn-quiet btn-small" href={apiPath(ApiRoute.mentorshipExport, { id: m.id })} download>
            Export all (Markdown)
          </a>
          <a className="btn btn-quiet btn-small" href={apiPath(ApiRoute.calendar, { id: m.id })} download>
            Add to calendar (.ics)
          </a>
        </div>
      </div>
      <search>
        <form className="search" onSubmit={search}>
          <input
            type="search"
            aria-label="Search notes and transcripts"
            placeholder="Search notes and transcripts…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="submit" className="btn btn-primary btn-small" disabled={searching}>
            {searching ? 'Searching…' : 'Search'}
          </button>
        </form>
      </search>
      {results && (
        <section aria-label="Search results" className="card">
          <h2>
            {results.results.length} result{results.results.length === 1 ? '' : 's'} for “{results.query}”
          </h2>
          <ul className="search-results">
            {results.results.map((r) => (
              <li key={`${r.sessionId}-${r.kind}`}>
                <a href={pagePath.session(r.sessionId)} onClick={linkTo(pagePath.session(r.sessionId))}>
                  Week {r.week} · {formatWhen(r.scheduledAt)}
                </a>{' '}
                <span className="muted">({r.kind})</span>
                {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server escapes the text and adds only <mark> */}
                <p className="snippet" dangerouslySetInnerHTML={{ __html: r.snippet }} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="past">
        <h2 id="past">Past sessions</h2>
        {history.sessions.length === 0 ? (
          <p className="muted">No past sessions yet.</p>
        ) : (
          <ul className="history">
            {history.sessions.map((h) => (
              <li key={h.session.id} className="card">
                <a href={pagePath.session(h.session.id)} onClick={linkTo(pagePath.session(h.session.id))}>
                  Week {h.session.week} · {formatWhen(h.session.scheduledAt)}
                </a>
                <div className="muted small">
                  {h.session.status === 'ended'
                    ? `${formatDuration(h.durationSeconds ?? 0)} · ${h.attendees.length ? h.attendees.join(', ') : 'nobody joined'}`
                    : h.session.status === 'cancelled'
                      ? 'Cancelled'
                      : 'No-show'}
                </div>
                {h.summary && <p className="summary">{h.summary}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
