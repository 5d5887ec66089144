import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadFailed } from '../../app/LoadFailed';
import type { Load } from '../../lib/useLoad';

/** Loading, error (with "Try again") or the content: the same on every programme tab. */
export function Loaded<T>({ load, reload, children }: { load: Load<T>; reload(): void; children(data: T): ReactNode }) {
  const { t } = useTranslation();
  if (load.state === 'loading')
    return (
      <p className="muted" role="status" aria-busy="true">
        {t('programme.loading')}
      </p>
    );
  if (load.state === 'error') return <LoadFailed message={load.message} onRetry={reload} />;
  return <>{children(load.data)}</>;
}

/**
 * What the last action did, announced politely (or as an alert when it failed). When the
 * action took away the control that had the focus (an ended pair's buttons, a revoked
 * invitation's), the focus comes here instead of falling to the page body.
 */
export function ActionOutcome({ outcome, list }: { outcome: { ok: boolean; message: string } | null; list?: unknown }) {
  const ref = useRef<HTMLParagraphElement>(null);
  // Checked again whenever the list re-renders with the action's result.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `list` is a trigger, not read
  useEffect(() => {
    if (outcome && (!document.activeElement || document.activeElement === document.body)) ref.current?.focus();
  }, [outcome, list]);
  return (
    <p ref={ref} tabIndex={-1} className={outcome?.ok === false ? 'error' : 'success'} role={outcome?.ok === false ? 'alert' : 'status'}>
      {outcome?.message ?? ''}
    </p>
  );
}

export function StatusBadge({ status, label }: { status: string; label: string }) {
  return <span className={`status-badge status-${status}`}>{label}</span>;
}
