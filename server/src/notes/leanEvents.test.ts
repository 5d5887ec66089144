import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { leanEvents } from './leanEvents.js';

/** Two docs with the same client id: one with lib0's emit, one with the lean one. */
function pair() {
  const plain = new Y.Doc();
  const lean = leanEvents(new Y.Doc());
  lean.clientID = plain.clientID;
  return { plain, lean };
}

describe('leanEvents', () => {
  it('emits what lib0 emits, in the same order, with the same arguments', () => {
    const { plain, lean } = pair();
    const seen = (doc: Y.Doc) => {
      const events: string[] = [];
      for (const name of ['beforeTransaction', 'beforeObserverCalls', 'afterTransaction', 'afterTransactionCleanup', 'update'] as const)
        doc.on(name, (...args: unknown[]) => {
          const first = args[0];
          events.push(first instanceof Uint8Array ? `${name}:${Buffer.from(first).toString('hex')}:${String(args[1])}` : name);
        });
      return events;
    };
    const a = seen(plain);
    const b = seen(lean);
    for (const doc of [plain, lean]) {
      doc.transact(() => doc.getText('t').insert(0, 'hello'), 'typist');
      doc.getText('t').delete(1, 2);
    }
    expect(a.length).toBeGreaterThan(8);
    expect(b).toEqual(a);
    expect(Y.encodeStateAsUpdate(lean)).toEqual(Y.encodeStateAsUpdate(plain));
  });

  it('copies the listeners before calling them, as lib0 does', () => {
    const doc = leanEvents(new Y.Doc());
    const calls: string[] = [];
    const late = () => calls.push('late');
    const second = () => calls.push('second');
    doc.on('update', () => {
      calls.push('first');
      doc.on('update', late);
      doc.off('update', second);
    });
    doc.on('update', second);
    doc.getText('t').insert(0, 'a');
    expect(calls).toEqual(['first', 'second']);
    doc.getText('t').insert(0, 'b');
    expect(calls).toEqual(['first', 'second', 'first', 'late']);
  });

  it('keeps once and off working, and an applied update reaches its listener', () => {
    const plain = new Y.Doc();
    const lean = leanEvents(new Y.Doc());
    let once = 0;
    lean.once('update', () => {
      once += 1;
    });
    const got: Uint8Array[] = [];
    const listener = (u: Uint8Array) => got.push(u);
    lean.on('update', listener);
    plain.getText('t').insert(0, 'x');
    Y.applyUpdate(lean, Y.encodeStateAsUpdate(plain));
    lean.off('update', listener);
    plain.getText('t').insert(1, 'y');
    Y.applyUpdate(lean, Y.encodeStateAsUpdate(plain));
    expect(once).toBe(1);
    expect(got).toHaveLength(1);
    expect(lean.getText('t').toString()).toBe('xy');
  });
});
