import { describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { appendUpdate, caretUpdate } from './loadCore.js';

/** A note shaped as the bench's: an agenda of paragraphs, a typist's own text in one of them. */
function typistText(seed: string) {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  fragment.insert(0, [new Y.XmlElement('paragraph'), new Y.XmlElement('paragraph')]);
  const text = new Y.XmlText();
  (fragment.get(1) as Y.XmlElement).insert(0, [text]);
  // Typed in bursts at random places, as the bench seeds its notes: the last character is not the last typed.
  for (let i = 0; i < 30; i++) text.insert(Math.floor(Math.random() * (text.length + 1)), seed);
  return { doc, text };
}

describe("the lean generator's keystrokes", () => {
  it('are byte for byte the update Yjs makes for typing at the end of the text', () => {
    const { doc, text } = typistText('weekly note ');
    let item = text._start;
    while (item?.right) item = item.right;
    if (!item) throw new Error('empty text');
    let origin: [number, number] = [item.id.client, item.id.clock + item.length - 1];
    const seen: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => seen.push(u));
    // Characters of every UTF-8 length, and clocks past every varUint boundary (127, 16,383).
    const characters = ['a', 'é', '€', '😀'];
    for (let i = 0; i < 17_000; i++) {
      const character = characters[i % characters.length] ?? 'a';
      const clock = Y.getState(doc.store, doc.clientID);
      const made = appendUpdate(doc.clientID, clock, origin, character);
      text.insert(text.length, character);
      expect(made).toEqual(seen.at(-1));
      origin = [doc.clientID, clock + character.length - 1];
    }
    // And a second doc that applies them has the same text.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    expect(copy.getXmlFragment('default').toString()).toBe(doc.getXmlFragment('default').toString());
  });

  it('carry the caret y-protocols encodes for the same state and clock', () => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalStateField('user', { name: 'typist 3.1 — é', color: '#f59e0b' });
    for (let i = 0; i < 300; i++) {
      awareness.setLocalStateField('cursor', { anchor: i, head: i });
      const clock = awareness.meta.get(doc.clientID)?.clock ?? -1;
      expect(caretUpdate(doc.clientID, clock, awareness.getLocalState())).toEqual(encodeAwarenessUpdate(awareness, [doc.clientID]));
    }
    awareness.destroy();
  });
});
