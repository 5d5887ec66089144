import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BusyButton } from '../../app/fields';
import { useAppStore } from '../../store';

export interface EndSessionDialogProps {
  otherName: string;
  onConfirm(): Promise<string | null>;
}

/** The mentor's "End session": a confirmation that says what will be saved. */
export function EndSessionDialog({ otherName, onConfirm }: EndSessionDialogProps) {
  const { t } = useTranslation();
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
        {t('end.button')}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby="end-title">
        <h2 id="end-title">{t('end.title')}</h2>
        <p>{t('end.intro', { name: otherName })}</p>
        <ul>
          <li>{t('end.note')}</li>
          <li>{t('end.goals', { open, count: decided })}</li>
          <li>{t('end.transcript')}</li>
        </ul>
        <p className="muted small">{t('end.after')}</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <BusyButton
            className="btn btn-danger"
            busy={busy}
            onClick={async () => {
              setBusy(true);
              const problem = await onConfirm();
              setBusy(false);
              if (problem) setError(problem);
              else dialog.current?.close();
            }}
          >
            {busy ? t('end.saving') : t('end.confirm')}
          </BusyButton>
          <button type="button" className="btn btn-quiet" onClick={() => dialog.current?.close()}>
            {t('end.keep')}
          </button>
        </div>
      </dialog>
    </>
  );
}
