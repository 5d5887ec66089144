import { type Editor, useEditorState } from '@tiptap/react';

interface Tool {
  label: string;
  text: string;
  active?: (e: Editor) => boolean;
  run: (e: Editor) => void;
}

const tools: Tool[] = [
  {
    label: 'Heading',
    text: 'H2',
    active: (e) => e.isActive('heading', { level: 2 }),
    run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run(),
  },
  { label: 'Bold', text: 'B', active: (e) => e.isActive('bold'), run: (e) => e.chain().focus().toggleBold().run() },
  { label: 'Italic', text: 'I', active: (e) => e.isActive('italic'), run: (e) => e.chain().focus().toggleItalic().run() },
  { label: 'Code', text: '</>', active: (e) => e.isActive('code'), run: (e) => e.chain().focus().toggleCode().run() },
  { label: 'Bullet list', text: '•', active: (e) => e.isActive('bulletList'), run: (e) => e.chain().focus().toggleBulletList().run() },
  { label: 'Numbered list', text: '1.', active: (e) => e.isActive('orderedList'), run: (e) => e.chain().focus().toggleOrderedList().run() },
  { label: 'Task list', text: '☐', active: (e) => e.isActive('taskList'), run: (e) => e.chain().focus().toggleTaskList().run() },
  { label: 'Quote', text: '❝', active: (e) => e.isActive('blockquote'), run: (e) => e.chain().focus().toggleBlockquote().run() },
  {
    label: 'Link',
    text: 'Link',
    active: (e) => e.isActive('link'),
    run: (e) => {
      const previous = (e.getAttributes('link').href as string | undefined) ?? '';
      const href = window.prompt('Link address (empty to remove)', previous);
      if (href === null) return;
      if (href.trim() === '') e.chain().focus().extendMarkRange('link').unsetLink().run();
      else e.chain().focus().extendMarkRange('link').setLink({ href: href.trim() }).run();
    },
  },
  { label: 'Undo my last edit', text: '↶', run: (e) => e.chain().focus().undo().run() },
  { label: 'Redo', text: '↷', run: (e) => e.chain().focus().redo().run() },
];

/** Formatting buttons; only this bar re-renders when the selection's marks change. */
export function NoteToolbar({ editor }: { editor: Editor }) {
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => tools.map((t) => (t.active ? t.active(e) : false)),
    equalityFn: (a, b) => b !== null && a.length === b.length && a.every((v, i) => v === b[i]),
  });
  return (
    <div className="note-toolbar" role="toolbar" aria-label="Formatting">
      {tools.map((t, i) => (
        <button
          key={t.label}
          type="button"
          className="tool"
          aria-label={t.label}
          title={t.label}
          aria-pressed={t.active ? Boolean(active[i]) : undefined}
          onMouseDown={(ev) => ev.preventDefault()}
          onClick={() => t.run(editor)}
        >
          {t.text}
        </button>
      ))}
    </div>
  );
}
