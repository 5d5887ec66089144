import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../../store';

export interface EndSessionDialogProps {
  otherName: string;
  onConfirm(): Promise<string | null>;
}

/** The mentor's "End session": a confirmation that says what will be saved. */
export function EndSessionDialog({ otherName, onConfirm }: EndSessionDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const goals = useAppStore((s) => s.goals);
  const decided = goals?.sessionEvents.filter((e) => e.kind !== 'moved').length ?? 0;
  const open = goals?.goals.filter((g) => g.status === 'open' || g.status === 'in_progress').length ?? 0;

  useEffect(() => {
    const d = dialog.current;
    return () => d?.close();
  }, []);

  return (
    <>
      <button type="button" className="btn btn-danger btn-small" onClick={() => dialog.current?.showModal()}>
        End session
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby="end-title">
        <h2 id="end-title">End this session?</h2>
        <p>This saves the session’s record for you and {otherName}:</p>
        <ul>
          <li>the note, as it is now, then read-only</li>
          <li>
            the goals ({open} still open, {decided} change{decided === 1 ? '' : 's'} today) and what was decided
          </li>
          <li>the transcript so far, and who attended for how long</li>
        </ul>
        <p className="muted small">The call ends for both of you. Next week’s session is scheduled right away.</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <button
            type="button"
            className="btn btn-danger"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              const problem = await onConfirm();
              setBusy(false);
              if (problem) setError(problem);
              else dialog.current?.close();
            }}
          >
            {busy ? 'Saving…' : 'End and save'}
          </button>
          <button type="button" className="btn btn-quiet" onClick={() => dialog.current?.close()}>
            Keep going
          </button>
        </div>
      </dialog>
    </>
  );
}
