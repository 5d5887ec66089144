import { NoteTemplateSchema } from '@tandem/shared';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BusyButton } from '../../app/fields';
import { useFocusAfterRender } from '../../app/focus';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';

export interface NoteTemplateEditorProps {
  mentorshipId: string;
  sections: string[];
  /** Only the mentor edits; the student sees the agenda. */
  editable: boolean;
}

/** The agenda each new session's note opens with, one section per line. */
export function NoteTemplateEditor({ mentorshipId, sections: initial, editable }: NoteTemplateEditorProps) {
  const { t } = useTranslation();
  const [sections, setSections] = useState(initial);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  // The button pressed goes away as the editor opens or closes: the keyboard moves into the
  // editor, and back to "Edit" once saved or cancelled (never to the page's body).
  const focusLater = useFocusAfterRender();
  const open = () => {
    focusLater(() => field.current);
    setDraft(sections.join('\n'));
  };

  async function save() {
    if (draft === null) return;
    const parsed = NoteTemplateSchema.safeParse(draft.split('\n').filter((l) => l.trim() !== ''));
    if (!parsed.success) return setError(t('template.check'));
    setSaving(true);
    const res = await api.setNoteTemplate(mentorshipId, { sections: parsed.data });
    setSaving(false);
    if (!res.ok) return setError(errorText(res.error));
    setSections(res.data.mentorship.noteTemplate);
    close();
  }

  function close() {
    focusLater(() => editButton.current);
    setDraft(null);
    setError(null);
  }

  if (draft === null) {
    return (
      <div className="template">
        <span className="muted">{t('template.agenda')}</span> {sections.join(' · ')}{' '}
        {editable && (
          <button ref={editButton} type="button" className="btn btn-quiet btn-small" onClick={open}>
            {t('template.edit')}
          </button>
        )}
      </div>
    );
  }
  return (
    <div className="template template-editing">
      <label>
        {t('template.label')}
        <textarea ref={field} value={draft} rows={Math.max(4, draft.split('\n').length + 1)} onChange={(e) => setDraft(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <BusyButton className="btn btn-primary btn-small" busy={saving} onClick={() => void save()}>
          {saving ? t('template.saving') : t('template.save')}
        </BusyButton>
        <button type="button" className="btn btn-quiet btn-small" onClick={close}>
          {t('template.cancel')}
        </button>
      </div>
      <p className="muted small">{t('template.appliesTo')}</p>
    </div>
  );
}
