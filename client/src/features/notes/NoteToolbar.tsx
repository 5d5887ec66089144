import { type Editor, useEditorState } from '@tiptap/react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';

type ToolName = 'heading' | 'bold' | 'italic' | 'code' | 'bulletList' | 'orderedList' | 'taskList' | 'quote' | 'link' | 'undo' | 'redo';

interface Tool {
  name: ToolName;
  /** What the button shows: a symbol, or a word of the catalogue. */
  text: string | (() => string);
  active?: (e: Editor) => boolean;
  run: (e: Editor) => void;
}

const tools: Tool[] = [
  {
    name: 'heading',
    text: () => i18n.t('notes.toolText.heading'),
    active: (e) => e.isActive('heading', { level: 2 }),
    run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run(),
  },
  {
    name: 'bold',
    text: () => i18n.t('notes.toolText.bold'),
    active: (e) => e.isActive('bold'),
    run: (e) => e.chain().focus().toggleBold().run(),
  },
  {
    name: 'italic',
    text: () => i18n.t('notes.toolText.italic'),
    active: (e) => e.isActive('italic'),
    run: (e) => e.chain().focus().toggleItalic().run(),
  },
  {
    name: 'code',
    text: () => i18n.t('notes.toolText.code'),
    active: (e) => e.isActive('code'),
    run: (e) => e.chain().focus().toggleCode().run(),
  },
  { name: 'bulletList', text: '•', active: (e) => e.isActive('bulletList'), run: (e) => e.chain().focus().toggleBulletList().run() },
  { name: 'orderedList', text: '1.', active: (e) => e.isActive('orderedList'), run: (e) => e.chain().focus().toggleOrderedList().run() },
  { name: 'taskList', text: '☐', active: (e) => e.isActive('taskList'), run: (e) => e.chain().focus().toggleTaskList().run() },
  { name: 'quote', text: '❝', active: (e) => e.isActive('blockquote'), run: (e) => e.chain().focus().toggleBlockquote().run() },
  {
    name: 'link',
    text: () => i18n.t('notes.toolText.link'),
    active: (e) => e.isActive('link'),
    run: (e) => {
      const previous = (e.getAttributes('link').href as string | undefined) ?? '';
      const href = window.prompt(i18n.t('notes.linkPrompt'), previous);
      if (href === null) return;
      if (href.trim() === '') e.chain().focus().extendMarkRange('link').unsetLink().run();
      else e.chain().focus().extendMarkRange('link').setLink({ href: href.trim() }).run();
    },
  },
  { name: 'undo', text: '↶', run: (e) => e.chain().focus().undo().run() },
  { name: 'redo', text: '↷', run: (e) => e.chain().focus().redo().run() },
];

/**
 * A button's name starts with the letters it shows ("H2 Heading"), so speech control users
 * can say what they see; symbols (•, ❝) are not read as words and leave the name as it is.
 */
function spokenName(shown: string, label: string): string {
  return /[\p{L}\p{N}]/u.test(shown) && !label.toLowerCase().startsWith(shown.toLowerCase()) ? `${shown} ${label}` : label;
}

/** Formatting buttons; only this bar re-renders when the selection's marks change. */
export function NoteToolbar({ editor }: { editor: Editor }) {
  const { t } = useTranslation();
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => tools.map((t) => (t.active ? t.active(e) : false)),
    equalityFn: (a, b) => b !== null && a.length === b.length && a.every((v, i) => v === b[i]),
  });
  return (
    <div className="note-toolbar" role="toolbar" aria-label={t('notes.formatting')}>
      {tools.map((tool, i) => (
        <button
          key={tool.name}
          type="button"
          className="tool"
          aria-label={spokenName(typeof tool.text === 'string' ? tool.text : tool.text(), t(`notes.tools.${tool.name}`))}
          title={t(`notes.tools.${tool.name}`)}
          aria-pressed={tool.active ? Boolean(active[i]) : undefined}
          onMouseDown={(ev) => ev.preventDefault()}
          onClick={() => tool.run(editor)}
        >
          {typeof tool.text === 'string' ? tool.text : tool.text()}
        </button>
      ))}
    </div>
  );
}
