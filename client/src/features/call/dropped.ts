import { DisconnectReason } from 'livekit-client';

/** What the end of a call means for the person in it, from LiveKit's reason. */
export type AfterCall = 'left' | 'dropped' | 'elsewhere' | 'removed' | 'closed';

/**
 * They left (or nothing is known: the page closed the call); the call was closed with the session;
 * they were taken out of it; they joined it again from another tab or device; or the call
 * DROPPED — its server went away (a LiveKit node that died, a restart), the connection timed out
 * after the SDK's own retries — and the page rejoins by itself, as Meet and Zoom do.
 */
export function afterCall(reason: DisconnectReason | undefined): AfterCall {
  switch (reason) {
    case undefined:
    case DisconnectReason.CLIENT_INITIATED:
      return 'left';
    case DisconnectReason.DUPLICATE_IDENTITY:
      return 'elsewhere';
    case DisconnectReason.PARTICIPANT_REMOVED:
    case DisconnectReason.USER_REJECTED:
      return 'removed';
    case DisconnectReason.ROOM_DELETED:
    case DisconnectReason.ROOM_CLOSED:
      return 'closed';
    default:
      return 'dropped';
  }
}

/** Rejoins in a row before the page stops and asks (a call that keeps dropping is not fixed by trying again). */
const MAX_REJOINS = 3;
/** A call that stayed up this long counts as having worked: the next drop is rejoined again. */
const REJOINS_RESET_MS = 60_000;

/**
 * After a drop: the how-manieth rejoin in a row this is (1, 2, 3), or null to stop and ask.
 * `previous` counts the rejoins before; a call that lasted a minute starts the count again.
 */
export function nextRejoin(previous: number, callLastedMs: number): number | null {
  const count = callLastedMs > REJOINS_RESET_MS ? 0 : previous;
  return count >= MAX_REJOINS ? null : count + 1;
}
