import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { activeEditor } from './activeEditor';
import { colorFor } from './colors';
import { NoteToolbar } from './NoteToolbar';
import { type NoteSession, usePresence, useSyncStatus } from './useNoteSession';

export interface NotePadProps {
  note: NoteSession;
  user: { id: string; displayName: string };
  /** This person's part in the mentorship, which picks their caret colour. */
  role: 'mentor' | 'student' | 'admin';
  /** The mentor's private note: labelled as such, and never where the transcript quotes into. */
  private?: boolean;
}

const noteAttributes = (label: string, lang: string) => ({ 'aria-label': label, class: 'note-editor', spellcheck: 'true', lang });

/** A note pad (the session's shared note, or the mentor's private one): Tiptap bound to the Y.Doc, carets and presence from awareness. */
export function NotePad({ note, user, role, private: isPrivate = false }: NotePadProps) {
  const { t, i18n } = useTranslation();
  const status = useSyncStatus(note.sync);
  const people = usePresence(note.awareness);
  const editor = useEditor(
    {
      extensions: [
        // Collaboration brings its own undo history: only one's own edits are undone.
        StarterKit.configure({ undoRedo: false, link: { openOnClick: false, autolink: true } }),
        TaskList,
        TaskItem.configure({ nested: true, a11y: { checkboxLabel: (node) => i18n.t('notes.task', { text: node.textContent }) } }),
        Collaboration.configure({ document: note.doc }),
        CollaborationCaret.configure({
          provider: { awareness: note.awareness },
          user: { name: user.displayName, color: colorFor(role) },
        }),
      ],
      // Large notes stay fast: no React re-render per keystroke.
      shouldRerenderOnTransaction: false,
      immediatelyRender: true,
      editorProps: { attributes: noteAttributes(t(isPrivate ? 'privateNote.label' : 'notes.label'), i18n.language) },
    },
    [note],
  );

  // A language switched mid-call renames the editor without rebuilding it.
  useEffect(() => {
    editor?.setOptions({ editorProps: { attributes: noteAttributes(t(isPrivate ? 'privateNote.label' : 'notes.label'), i18n.language) } });
  }, [editor, t, i18n.language, isPrivate]);

  useEffect(() => {
    editor?.setEditable(!status.readOnly);
  }, [editor, status.readOnly]);

  useEffect(() => {
    // Quotes from the transcript go to the shared note, never into the private one.
    if (isPrivate) return;
    activeEditor.current = editor;
    return () => {
      if (activeEditor.current === editor) activeEditor.current = null;
    };
  }, [editor, isPrivate]);

  const unique = [...new Map(people.map((p) => [p.name, p])).values()];
  return (
    <section
      className={isPrivate ? 'notepad notepad-private' : 'notepad'}
      aria-label={t(isPrivate ? 'privateNote.region' : 'notes.region')}
    >
      <div className="notepad-head">
        {/* The private note is the mentor's alone: no one else to show. */}
        {!isPrivate && (
          <ul className="presence" aria-label={t('notes.who')}>
            {unique.map((p) => (
              <li key={p.name} title={p.name}>
                <span className="presence-dot" style={{ background: p.color }} aria-hidden="true" />
                {p.name === user.displayName ? t('notes.you', { name: p.name }) : p.name}
              </li>
            ))}
          </ul>
        )}
      </div>
      {editor && !status.readOnly && <NoteToolbar editor={editor} />}
      <EditorContent editor={editor} className="notepad-body" />
      <p
        className={`save-state save-${status.save}`}
        role="status"
        aria-live="polite"
        {...{ [isPrivate ? 'data-private-save-state' : 'data-save-state']: status.save }}
      >
        {status.readOnly ? t(isPrivate ? 'privateNote.readOnly' : 'notes.readOnly') : t(`notes.save.${status.save}`)}
        {status.message && status.save !== 'saved' ? ` — ${status.message}` : ''}
      </p>
    </section>
  );
}
