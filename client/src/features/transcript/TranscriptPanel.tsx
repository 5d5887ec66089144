import type { TranscriptSegment } from '@tandem/shared';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SubmitButton } from '../../app/fields';
import { useFocusAfterRender } from '../../app/focus';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import type { CaptionsSync, CaptionsView } from '../../lib/captionsSync';
import { useAppStore } from '../../store';
import { quoteIntoNote } from '../notes/activeEditor';
import { Linkified } from './Linkified';
import { consentSides, formatOffset } from './useCaptions';

export interface TranscriptPanelProps {
  view: CaptionsView;
  sync: CaptionsSync | null;
  role: 'mentor' | 'student' | 'admin';
  otherName: string;
}

/** Consent, the transcript following the conversation, and the in-call chat on the same timeline. */
export function TranscriptPanel({ view, sync, role, otherName }: TranscriptPanelProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [chatError, setChatError] = useState<string | null>(null);
  const [quoted, setQuoted] = useState<string | null>(null);
  const state = view.state;
  const { mine, theirs, remembers } = consentSides(state, role);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!sync || !text.trim()) return;
    const problem = await sync.chat(text);
    setChatError(problem);
    if (!problem) setText('');
  };

  return (
    <section className="transcript-panel" aria-label={t('transcript.region')}>
      {role !== 'admin' && (
        <div className="consent">
          <label>
            <input
              type="checkbox"
              checked={Boolean(mine)}
              disabled={!sync || view.status !== 'ready'}
              onChange={(e) => void sync?.consent(e.target.checked)}
            />
            {t('transcript.consent')}
          </label>
          <label>
            <input
              type="checkbox"
              checked={Boolean(remembers)}
              disabled={!sync || view.status !== 'ready'}
              onChange={(e) => void sync?.consent(e.target.checked, 'mentorship')}
            />
            {t('transcript.consentAll')}
          </label>
          <p className="muted small" data-testid="consent-state">
            {state?.running
              ? t('transcript.running')
              : mine && !theirs
                ? t('transcript.waitingOther', { name: otherName })
                : !mine && theirs
                  ? t('transcript.otherAgreed', { name: otherName })
                  : t('transcript.off')}
          </p>
          {view.message && (
            <p className="error" role="alert">
              {view.message}
            </p>
          )}
        </div>
      )}
      {quoted && (
        <p className="toast" role="status">
          {quoted}
        </p>
      )}
      <ol className="timeline" aria-label={t('transcript.timeline')} aria-live="polite">
        {view.segments.length === 0 && <li className="muted">{state?.running ? t('transcript.emptyBoth') : t('transcript.emptyChat')}</li>}
        {view.segments.map((s) => (
          <li key={s.id} className={`tl-item seg-${s.kind}`}>
            <p className="seg-text">
              <time>{formatOffset(s.startMs)}</time> <strong>{s.speakerName}</strong>
              {s.kind === 'chat' ? <span className="muted"> {t('transcript.chat')}</span> : null}: <Linkified text={s.text} />
            </p>
            <button
              type="button"
              className="seg-quote btn btn-quiet btn-small"
              aria-label={t('transcript.quoteLabel', { name: s.speakerName, time: formatOffset(s.startMs) })}
              onClick={() => {
                const ok = quoteIntoNote(s.speakerName, formatOffset(s.startMs), s.text);
                setQuoted(ok ? t('transcript.quoted') : t('transcript.openNoteToQuote'));
              }}
            >
              {t('transcript.quote')}
            </button>
            {role !== 'admin' && <QuoteToGoal segment={s} onDone={setQuoted} />}
          </li>
        ))}
      </ol>
      {role !== 'admin' && (
        <form className="chat" onSubmit={send}>
          <input
            aria-label={t('transcript.message')}
            placeholder={t('transcript.messagePlaceholder')}
            value={text}
            maxLength={2000}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="btn btn-primary btn-small">
            {t('transcript.send')}
          </button>
        </form>
      )}
      {chatError && (
        <p className="error" role="alert">
          {chatError}
        </p>
      )}
    </section>
  );
}

/** Live captions over the video: the latest words of each speaker, for a few seconds. */
export function CaptionsOverlay({ view }: { view: CaptionsView }) {
  const { t } = useTranslation();
  const [, tick] = useState(0);
  useEffect(() => {
    const t = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(t);
  }, []);
  const recent = view.live.filter((l) => Date.now() - l.at < 10_000);
  if (!view.state?.running || recent.length === 0) return null;
  return (
    <section className="captions" aria-label={t('transcript.captions')}>
      {recent.map((l) => (
        <p key={l.segment.speakerId}>
          <strong>{l.segment.speakerName}:</strong> {l.segment.text}
        </p>
      ))}
    </section>
  );
}

/**
 * Quotes a line next to one of the pair's goals: the server keeps a link to the stored segment (the
 * goal's story plays it back with its speaker and time), and the note gets the quote as usual.
 */
function QuoteToGoal({ segment, onDone }: { segment: TranscriptSegment; onDone(message: string): void }) {
  const { t } = useTranslation();
  const all = useAppStore((s) => s.goals);
  const goals = all?.status === 'ready' ? all.goals : [];
  const open = goals.filter((g) => !g.deleted && (g.status === 'open' || g.status === 'in_progress'));
  const [picking, setPicking] = useState(false);
  const [goalId, setGoalId] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const time = formatOffset(segment.startMs);
  const focusLater = useFocusAfterRender();
  /** The picker closes: the keyboard goes back to the button that opened it. */
  const close = () => {
    focusLater(() => document.getElementById(`${id}-open`));
    setPicking(false);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const goal = open.find((g) => g.id === (goalId || open[0]?.id));
    if (!goal || busy) return;
    setBusy(true);
    const res = await api.quoteToGoal(goal.id, segment.id);
    setBusy(false);
    if (!res.ok) return onDone(errorText(res.error));
    // The note gets the quote without taking the keyboard: it goes back to the button (see close).
    quoteIntoNote(segment.speakerName, time, segment.text, { focus: false });
    close();
    onDone(t('transcript.quotedToGoal', { title: goal.title }));
  };
  if (!picking)
    return (
      <button
        type="button"
        id={`${id}-open`}
        className="seg-quote btn btn-quiet btn-small"
        aria-label={t('transcript.toGoalLabel', { name: segment.speakerName, time })}
        onClick={() => (open.length === 0 ? onDone(t('transcript.noGoalsToQuote')) : setPicking(true))}
      >
        {t('transcript.toGoal')}
      </button>
    );
  return (
    <form className="quote-goal" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <select
        aria-label={t('transcript.whichGoal')}
        value={goalId || open[0]?.id}
        onChange={(e) => setGoalId(e.target.value)}
        // biome-ignore lint/a11y/noAutofocus: the picker opens on purpose, its one field takes the keyboard
        autoFocus
      >
        {open.map((g) => (
          <option key={g.id} value={g.id}>
            {g.title}
          </option>
        ))}
      </select>
      <SubmitButton busy={busy} className="btn btn-primary btn-small">
        {t('transcript.quoteHere')}
      </SubmitButton>
      <button type="button" className="btn btn-quiet btn-small" onClick={close}>
        {t('transcript.cancelQuote')}
      </button>
    </form>
  );
}
