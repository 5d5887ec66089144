import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { coveredBy } from './covered.js';

/** Every update a change makes to a doc. */
function updatesOf(doc: Y.Doc, change: (text: Y.Text) => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  const record = (u: Uint8Array) => out.push(u);
  doc.on('update', record);
  change(doc.getText('t'));
  doc.off('update', record);
  return out;
}

/** A doc with some text typed and some of it deleted, as a note is. */
function typedNote(): { doc: Y.Doc; rows: Uint8Array[] } {
  const doc = new Y.Doc();
  const rows = updatesOf(doc, (t) => {
    for (let i = 0; i < 60; i++) {
      if (i % 5 === 4) t.delete((i * 7) % t.length, 1);
      else t.insert((i * 13) % (t.length + 1), `w${i} `);
    }
  });
  return { doc, rows };
}

/** A second copy of a doc, from its state. */
function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

describe('coveredBy', () => {
  it('finds every update a state was made from covered, deletions included', () => {
    const { doc, rows } = typedNote();
    const covered = coveredBy(Y.encodeStateAsUpdate(doc));
    expect(rows.length).toBe(60);
    expect(rows.every(covered)).toBe(true);
  });

  it('finds an insertion the state has not seen not covered', () => {
    const { doc } = typedNote();
    const state = Y.encodeStateAsUpdate(doc);
    const [insert] = updatesOf(copyOf(doc), (t) => t.insert(3, 'elsewhere'));
    expect(insert && coveredBy(state)(insert)).toBe(false);
  });

  it('finds a deletion the state has not seen not covered, though it carries no new text', () => {
    const { doc } = typedNote();
    const state = Y.encodeStateAsUpdate(doc);
    const [deletion] = updatesOf(copyOf(doc), (t) => t.delete(4, 2));
    expect(deletion && Y.decodeUpdate(deletion).structs).toHaveLength(0);
    expect(deletion && coveredBy(state)(deletion)).toBe(false);
    // Once the state has it, it is covered.
    if (deletion) Y.applyUpdate(doc, deletion);
    expect(deletion && coveredBy(Y.encodeStateAsUpdate(doc))(deletion)).toBe(true);
  });

  it('finds a deletion wider than what the state deleted not covered', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'abcdefgh');
    const [other, twin] = [copyOf(doc), copyOf(doc)];
    updatesOf(doc, (t) => t.delete(2, 1));
    // From the same character on, three more: partly deleted in the state, partly not.
    const [wider] = updatesOf(other, (t) => t.delete(2, 4));
    expect(wider && coveredBy(Y.encodeStateAsUpdate(doc))(wider)).toBe(false);
    // The same character deleted elsewhere too: nothing the state lacks.
    const [same] = updatesOf(twin, (t) => t.delete(2, 1));
    expect(same && coveredBy(Y.encodeStateAsUpdate(doc))(same)).toBe(true);
  });

  it('merging only the uncovered updates gives the same note as merging all of them', () => {
    const { doc, rows } = typedNote();
    const state = Y.encodeStateAsUpdate(doc);
    const elsewhere = copyOf(doc);
    const theirs = updatesOf(elsewhere, (t) => {
      t.delete(0, 4);
      t.insert(8, 'theirs');
    });
    const all = [...rows, ...theirs];
    const covered = coveredBy(state);
    const missing = all.filter((u) => !covered(u));
    expect(missing).toEqual(theirs);
    const text = (update: Uint8Array) => {
      const d = new Y.Doc();
      Y.applyUpdate(d, update);
      return d.getText('t').toString();
    };
    expect(text(Y.mergeUpdates([...missing, state]))).toBe(text(Y.mergeUpdates([...all, state])));
    expect(text(Y.mergeUpdates([...missing, state]))).toBe(elsewhere.getText('t').toString());
  });
});
