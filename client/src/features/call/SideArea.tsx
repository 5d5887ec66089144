import { type ReactNode, useState } from 'react';

/** The call's side area: the note pad and the goals panel, one tab each; both stay live while hidden. */
export function SideArea({ notes, goals, transcript }: { notes: ReactNode; goals: ReactNode; transcript: ReactNode }) {
  const [tab, setTab] = useState<'notes' | 'goals' | 'transcript'>('notes');
  const tabs = [
    { id: 'notes', label: 'Notes', content: notes },
    { id: 'goals', label: 'Goals', content: goals },
    { id: 'transcript', label: 'Transcript', content: transcript },
  ] as const;
  return (
    <div className="side">
      <div role="tablist" aria-label="Session workspace" className="side-tabs">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-controls={`panel-${t.id}`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const i = tabs.findIndex((x) => x.id === tab);
                const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]?.id ?? 'notes';
                setTab(next);
                document.getElementById(`tab-${next}`)?.focus();
              }
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div key={t.id} role="tabpanel" id={`panel-${t.id}`} aria-labelledby={`tab-${t.id}`} hidden={tab !== t.id} className="side-panel">
          {t.content}
        </div>
      ))}
    </div>
  );
}
