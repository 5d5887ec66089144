import type { Editor } from '@tiptap/react';

/** The note editor on screen, so other panels (the transcript) can quote into it. */
export const activeEditor: { current: Editor | null } = { current: null };

/** Adds a quote with its speaker and time at the end of the note. */
export function quoteIntoNote(speaker: string, time: string, text: string): boolean {
  const editor = activeEditor.current;
  if (!editor || !editor.isEditable) return false;
  return editor
    .chain()
    .focus('end')
    .insertContent({
      type: 'blockquote',
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: `${speaker} (${time}): `, marks: [{ type: 'bold' }] },
            { type: 'text', text },
          ],
        },
      ],
    })
    .run();
}
