import { type FormEvent, useEffect, useState } from 'react';
import type { CaptionsSync, CaptionsView } from '../../lib/captionsSync';
import { quoteIntoNote } from '../notes/activeEditor';
import { formatOffset } from './useCaptions';

export interface TranscriptPanelProps {
  view: CaptionsView;
  sync: CaptionsSync | null;
  role: 'mentor' | 'student' | 'admin';
  otherName: string;
}

/** Consent, the transcript following the conversation, and the in-call chat on the same timeline. */
export function TranscriptPanel({ view, sync, role, otherName }: TranscriptPanelProps) {
  const [text, setText] = useState('');
  const [chatError, setChatError] = useState<string | null>(null);
  const [quoted, setQuoted] = useState<string | null>(null);
  /** The box follows a click at once; the server's answer (which may take a moment to start the transcriber) confirms it. */
  const [pending, setPending] = useState<boolean | null>(null);
  const state = view.state;
  const mine = role === 'mentor' ? state?.mentorConsent : role === 'student' ? state?.studentConsent : false;
  const theirs = role === 'mentor' ? state?.studentConsent : state?.mentorConsent;
  const remembers = role === 'mentor' ? state?.mentorRemembers : role === 'student' ? state?.studentRemembers : false;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!sync || !text.trim()) return;
    const problem = await sync.chat(text);
    setChatError(problem);
    if (!problem) setText('');
  };

  return (
    <section className="transcript-panel" aria-label="Transcript and chat">
      {role !== 'admin' && (
        <div className="consent">
          <label>
            <input
              type="checkbox"
              checked={Boolean(mine)}
              disabled={!sync || view.status !== 'ready'}
              onChange={(e) => void sync?.consent(e.target.checked)}
            />
            I agree to transcription of this session
          </label>
          <label>
            <input
              type="checkbox"
              checked={Boolean(remembers)}
              disabled={!sync || view.status !== 'ready'}
              onChange={(e) => void sync?.consent(e.target.checked, 'mentorship')}
            />
            …and of all our next sessions (unticking withdraws it for all of them)
          </label>
          <p className="muted small" data-testid="consent-state">
            {state?.running
              ? 'Transcribing: both of you agreed. Either of you can stop it at any time.'
              : mine && !theirs
                ? `Waiting for ${otherName} to agree. Nothing is transcribed until then.`
                : !mine && theirs
                  ? `${otherName} agreed. Nothing is transcribed until you do too.`
                  : 'Off. Nothing is transcribed unless both of you agree.'}
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
      <ol className="timeline" aria-label="Transcript" aria-live="polite">
        {view.segments.length === 0 && (
          <li className="muted">Nothing yet. Chat messages{state?.running ? ' and what is said' : ''} appear here.</li>
        )}
        {view.segments.map((s) => (
          <li key={s.id} className={`seg seg-${s.kind}`}>
            <button
              type="button"
              className="seg-quote"
              title="Quote into the note"
              onClick={() => {
                const ok = quoteIntoNote(s.speakerName, formatOffset(s.startMs), s.text);
                setQuoted(ok ? 'Quoted into the note.' : 'Open the note to quote into it.');
              }}
            >
              <time>{formatOffset(s.startMs)}</time> <strong>{s.speakerName}</strong>
              {s.kind === 'chat' ? <span className="muted"> (chat)</span> : null}: {s.text}
            </button>
          </li>
        ))}
      </ol>
      {role !== 'admin' && (
        <form className="chat" onSubmit={send}>
          <input
            aria-label="Chat message"
            placeholder="Write a message…"
            value={text}
            maxLength={2000}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="btn btn-primary btn-small">
            Send
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
  const [, tick] = useState(0);
  useEffect(() => {
    const t = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(t);
  }, []);
  const recent = view.live.filter((l) => Date.now() - l.at < 10_000);
  if (!view.state?.running || recent.length === 0) return null;
  return (
    <section className="captions" aria-label="Captions">
      {recent.map((l) => (
        <p key={l.segment.speakerId}>
          <strong>{l.segment.speakerName}:</strong> {l.segment.text}
        </p>
      ))}
    </section>
  );
}
