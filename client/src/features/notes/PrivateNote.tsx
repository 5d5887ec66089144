import { NoteChannels } from '@tandem/shared';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/useLoad';
import { useAppStore } from '../../store';
import { NotePad } from './NotePad';
import { useNoteSession } from './useNoteSession';

/** Only the mentor has a private note: their caret colour. */
const MENTOR = 'mentor' as const;

/**
 * The mentor's private note of a mentorship, beside the shared note: its own document, live on
 * the mentor's devices, marked "Only you". Only the mentor's pages render it.
 */
export function PrivateNote({ mentorshipId, open = false, lead = true }: { mentorshipId: string; open?: boolean; lead?: boolean }) {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const note = useNoteSession(mentorshipId, NoteChannels.private);
  return (
    <details className="private-note" open={open}>
      <summary>
        <svg className="lock-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
          <path
            d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5A1 1 0 0 1 13 8v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1zm1.5 0h4V5a2 2 0 0 0-4 0z"
            fill="currentColor"
          />
        </svg>{' '}
        {t('privateNote.title')} <span className="badge badge-private">{t('privateNote.onlyYou')}</span>
      </summary>
      {lead && <p className="muted small">{t('privateNote.lead')}</p>}
      {note && user ? <NotePad note={note} user={user} role={MENTOR} private /> : <p className="muted">{t('privateNote.opening')}</p>}
    </details>
  );
}

/** Programme staff's read of a mentor's private note: shown only when the server allows it (else it answers 404 and nothing shows). */
export function PrivateNoteForStaff({ mentorshipId }: { mentorshipId: string }) {
  const { t } = useTranslation();
  const [note] = useLoad(() => api.privateNote(mentorshipId), mentorshipId);
  if (note.state !== 'ready') return null;
  return (
    <section className="card private-note-staff" aria-labelledby="private-staff-title">
      <h2 id="private-staff-title">{t('privateNote.staffTitle')}</h2>
      <p className="muted small">{t('privateNote.staffLead')}</p>
      {note.data.empty ? (
        <p className="muted">{t('privateNote.empty')}</p>
      ) : (
        // Rendered by the server from the note's structure, every text escaped (notes/render.ts).
        // biome-ignore lint/security/noDangerouslySetInnerHtml: server-rendered, escaped note HTML
        <div className="record-note" dangerouslySetInnerHTML={{ __html: note.data.html }} />
      )}
    </section>
  );
}
