import * as Y from 'yjs';

type DeleteItems = ReturnType<typeof Y.createDeleteSet>['clients'] extends Map<number, infer I> ? I : never;

/**
 * A test of whether an update is already wholly in a note's state: every struct it carries
 * within the state's clocks, and every deletion it makes among the state's deletions. Merging
 * such an update into the state changes nothing, so a compaction can leave it out of the merge
 * (and merge only the rest) instead of merging every log row it read.
 */
export function coveredBy(state: Uint8Array): (update: Uint8Array) => boolean {
  const clocks = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state));
  // Sorted by clock, adjacent ranges joined: a range deleted in the state lies within ONE item.
  const deleted = Y.mergeDeleteSets([Y.decodeUpdate(state).ds]).clients;
  return (update) => {
    const { structs, ds } = Y.decodeUpdate(update);
    for (const s of structs) if ((clocks.get(s.id.client) ?? 0) < s.id.clock + s.length) return false;
    for (const [client, ranges] of ds.clients) {
      const have = deleted.get(client);
      for (const r of ranges) if (!have || !within(have, r.clock, r.len)) return false;
    }
    return true;
  };
}

/** Whether [clock, clock + len) lies within one of `items` (sorted by clock, not overlapping). */
function within(items: DeleteItems, clock: number, len: number): boolean {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const item = items[mid];
    if (item && item.clock <= clock) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const item = items[found];
  return item !== undefined && item.clock + item.len >= clock + len;
}
