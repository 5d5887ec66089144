import { describe, expect, it } from 'vitest';
import { NotesAwarenessSchema, NotesUpdateSchema, PrivateNoteUpdateSchema, parseNoteEnvelope, RealtimeLimits } from './events.js';

describe('the hot path check of note envelopes', () => {
  const big = new Uint8Array(RealtimeLimits.noteUpdateBytes + 1);
  const cases: [string, unknown][] = [
    ['a good update', { sessionId: 'abc-123_X', update: new Uint8Array([1, 2, 3]) }],
    ['an ArrayBuffer', { sessionId: 'abc', update: new Uint8Array([1]).buffer }],
    ['a Buffer', { sessionId: 'abc', update: Buffer.from([1, 2]) }],
    ['an empty update', { sessionId: 'abc', update: new Uint8Array(0) }],
    ['the largest update', { sessionId: 'a'.repeat(64), update: new Uint8Array(RealtimeLimits.noteUpdateBytes) }],
    ['one byte too many', { sessionId: 'abc', update: big }],
    ['an id too long', { sessionId: 'a'.repeat(65), update: new Uint8Array(1) }],
    ['an empty id', { sessionId: '', update: new Uint8Array(1) }],
    ['a bad id', { sessionId: 'a b', update: new Uint8Array(1) }],
    ['a number id', { sessionId: 5, update: new Uint8Array(1) }],
    ['text, not binary', { sessionId: 'abc', update: 'AAEC' }],
    ['an array, not binary', { sessionId: 'abc', update: [1, 2] }],
    ['an extra key', { sessionId: 'abc', update: new Uint8Array(1), more: 1 }],
    ['with its caret', { sessionId: 'abc', update: new Uint8Array(1), awareness: new Uint8Array(2) }],
    [
      'with a caret too large',
      { sessionId: 'abc', update: new Uint8Array(1), awareness: new Uint8Array(RealtimeLimits.awarenessBytes + 1) },
    ],
    ['with a caret that is not binary', { sessionId: 'abc', update: new Uint8Array(1), awareness: 'x' }],
    ['with a caret and an extra key', { sessionId: 'abc', update: new Uint8Array(1), awareness: new Uint8Array(2), more: 1 }],
    ['a missing update', { sessionId: 'abc' }],
    ['null', null],
    ['an array', ['abc', new Uint8Array(1)]],
    ['a string', 'abc'],
  ];
  it.each(cases)('agrees with the schema on %s', (_name, raw) => {
    for (const [schema, max, withCaret] of [
      [NotesUpdateSchema, RealtimeLimits.noteUpdateBytes, true],
      [NotesAwarenessSchema, RealtimeLimits.awarenessBytes, false],
    ] as const) {
      const slow = schema.safeParse(raw);
      const fast = parseNoteEnvelope(raw, max, 'sessionId', withCaret);
      expect(fast !== null).toBe(slow.success);
      if (fast && slow.success) {
        expect([...fast.update]).toEqual([...slow.data.update]);
        expect(fast.id).toBe(slow.data.sessionId);
        const caret = 'awareness' in slow.data ? slow.data.awareness : undefined;
        expect(fast.awareness && [...fast.awareness]).toEqual(caret && [...caret]);
      }
    }
  });

  it('reads the private note’s key, and only it, on its own channel', () => {
    const good = { mentorshipId: 'm-1', update: new Uint8Array([1]) };
    expect(parseNoteEnvelope(good, 10, 'mentorshipId')?.id).toBe('m-1');
    expect(PrivateNoteUpdateSchema.safeParse(good).success).toBe(true);
    // A shared note's envelope on the private channel (and the reverse) is refused by both checks.
    const shared = { sessionId: 's-1', update: new Uint8Array([1]) };
    expect(parseNoteEnvelope(shared, 10, 'mentorshipId')).toBeNull();
    expect(PrivateNoteUpdateSchema.safeParse(shared).success).toBe(false);
    expect(parseNoteEnvelope(good, 10, 'sessionId')).toBeNull();
  });
});
