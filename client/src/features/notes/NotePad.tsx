import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect } from 'react';
import { activeEditor } from './activeEditor';
import { colorFor } from './colors';
import { NoteToolbar } from './NoteToolbar';
import { type NoteSession, usePresence, useSyncStatus } from './useNoteSession';

export interface NotePadProps {
  note: NoteSession;
  user: { id: string; displayName: string };
  /** This person's part in the mentorship, which picks their caret colour. */
  role: 'mentor' | 'student' | 'admin';
}

const saveLabel = {
  connecting: 'Connecting…',
  saving: 'Saving…',
  saved: 'All changes saved',
  offline: 'Offline: edits are kept on this device',
  error: 'Not saved',
} as const;

/** The session's shared note: Tiptap bound to the Y.Doc, carets and presence from awareness. */
export function NotePad({ note, user, role }: NotePadProps) {
  const status = useSyncStatus(note.sync);
  const people = usePresence(note.awareness);
  const editor = useEditor(
    {
      extensions: [
        // Collaboration brings its own undo history: only one's own edits are undone.
        StarterKit.configure({ undoRedo: false, link: { openOnClick: false, autolink: true } }),
        TaskList,
        TaskItem.configure({ nested: true }),
        Collaboration.configure({ document: note.doc }),
        CollaborationCaret.configure({
          provider: { awareness: note.awareness },
          user: { name: user.displayName, color: colorFor(role) },
        }),
      ],
      // Large notes stay fast: no React re-render per keystroke.
      shouldRerenderOnTransaction: false,
      immediatelyRender: true,
      editorProps: { attributes: { 'aria-label': 'Session notes', class: 'note-editor', spellcheck: 'true' } },
    },
    [note],
  );

  useEffect(() => {
    editor?.setEditable(!status.readOnly);
  }, [editor, status.readOnly]);

  useEffect(() => {
    activeEditor.current = editor;
    return () => {
      if (activeEditor.current === editor) activeEditor.current = null;
    };
  }, [editor]);

  const unique = [...new Map(people.map((p) => [p.name, p])).values()];
  return (
    <section className="notepad" aria-label="Notes">
      <div className="notepad-head">
        <ul className="presence" aria-label="Who is here">
          {unique.map((p) => (
            <li key={p.name} title={p.name}>
              <span className="presence-dot" style={{ background: p.color }} aria-hidden="true" />
              {p.name === user.displayName ? `${p.name} (you)` : p.name}
            </li>
          ))}
        </ul>
      </div>
      {editor && !status.readOnly && <NoteToolbar editor={editor} />}
      <EditorContent editor={editor} className="notepad-body" />
      <p className={`save-state save-${status.save}`} role="status" aria-live="polite" data-save-state={status.save}>
        {status.readOnly ? 'This session has ended: the note is read-only.' : saveLabel[status.save]}
        {status.message && status.save !== 'saved' ? ` — ${status.message}` : ''}
      </p>
    </section>
  );
}
