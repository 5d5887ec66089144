import type { Editor } from '@tiptap/react';

/** The note editor on screen, so other panels (the transcript) can quote into it. */
export const activeEditor: { current: Editor | null } = { current: null };

/**
 * Adds a quote with its speaker and time at the end of the note; with `focus` (the default) the
 * keyboard goes to the note after it, else it stays where it is (a picker hands it back itself).
 */
export function quoteIntoNote(speaker: string, time: string, text: string, { focus = true } = {}): boolean {
  const editor = activeEditor.current;
  if (!editor || !editor.isEditable) return false;
  const quote = {
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
  };
  const chain = editor.chain();
  return (focus ? chain.focus('end').insertContent(quote) : chain.insertContentAt(editor.state.doc.content.size, quote)).run();
}
