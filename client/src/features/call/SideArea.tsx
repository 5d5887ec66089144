import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export const panels = ['notes', 'goals', 'transcript', 'project'] as const;
export type Panel = (typeof panels)[number];

export interface SideAreaProps {
  content: Record<Panel, ReactNode>;
  panel: Panel;
  onPanel(panel: Panel): void;
  /** New chat messages not seen yet (a badge on the chat tab). */
  unread: number;
  onClose(): void;
}

/** The call's side area: notes, goals, chat and transcript, one tab each; all stay live while hidden. */
export function SideArea({ content, panel, onPanel, unread, onClose }: SideAreaProps) {
  const { t } = useTranslation();
  return (
    <div className="side">
      <div className="side-head">
        <div role="tablist" aria-label={t('call.workspace')} className="side-tabs">
          {panels.map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`tab-${id}`}
              aria-controls={`panel-${id}`}
              aria-selected={panel === id}
              tabIndex={panel === id ? 0 : -1}
              // The short label shows (four tabs fit beside each other); the full one is the name.
              aria-label={
                id === 'transcript' && unread > 0 && panel !== 'transcript'
                  ? `${t(`call.tabs.${id}`)} — ${t('call.newMessages', { count: unread })}`
                  : t(`call.tabs.${id}`)
              }
              onClick={() => onPanel(id)}
              onKeyDown={(e) => {
                if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
                const i = panels.indexOf(panel);
                const next = panels[(i + (e.key === 'ArrowRight' ? 1 : panels.length - 1)) % panels.length] ?? 'notes';
                onPanel(next);
                document.getElementById(`tab-${next}`)?.focus();
              }}
            >
              {t(`call.shortTabs.${id}`)}
              {id === 'transcript' && unread > 0 && panel !== 'transcript' && <span className="count-badge">{unread}</span>}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="btn btn-quiet btn-small side-close"
          aria-label={t('call.hidePanel')}
          title={t('call.hidePanel')}
          onClick={onClose}
        >
          ✕
        </button>
      </div>
      {panels.map((id) => (
        <div key={id} role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} hidden={panel !== id} className="side-panel">
          {content[id]}
        </div>
      ))}
    </div>
  );
}

/** The number of chat messages not seen yet, read out as words. */
export function UnreadBadge({ count }: { count: number }) {
  const { t } = useTranslation();
  return (
    <span className="count-badge">
      {count}
      <span className="sr-only"> — {t('call.newMessages', { count })}</span>
    </span>
  );
}
