import { DisconnectReason } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { afterCall, nextRejoin } from './dropped';

describe('afterCall', () => {
  it('rejoins a call that dropped (its server went away, the connection timed out), and only then', () => {
    for (const reason of [
      DisconnectReason.SERVER_SHUTDOWN,
      DisconnectReason.SIGNAL_CLOSE,
      DisconnectReason.JOIN_FAILURE,
      DisconnectReason.CONNECTION_TIMEOUT,
      DisconnectReason.STATE_MISMATCH,
      DisconnectReason.UNKNOWN_REASON,
    ])
      expect(afterCall(reason)).toBe('dropped');
    expect(afterCall(DisconnectReason.CLIENT_INITIATED)).toBe('left');
    expect(afterCall(undefined)).toBe('left');
    expect(afterCall(DisconnectReason.DUPLICATE_IDENTITY)).toBe('elsewhere');
    expect(afterCall(DisconnectReason.PARTICIPANT_REMOVED)).toBe('removed');
    expect(afterCall(DisconnectReason.ROOM_DELETED)).toBe('closed');
    expect(afterCall(DisconnectReason.ROOM_CLOSED)).toBe('closed');
  });
});

describe('nextRejoin', () => {
  it('rejoins three times in a row at most, and counts again after a call that lasted', () => {
    expect(nextRejoin(0, 5_000)).toBe(1);
    expect(nextRejoin(1, 2_000)).toBe(2);
    expect(nextRejoin(2, 2_000)).toBe(3);
    expect(nextRejoin(3, 2_000)).toBeNull();
    expect(nextRejoin(3, 120_000)).toBe(1);
  });
});
