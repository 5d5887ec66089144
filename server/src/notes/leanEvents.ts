/**
 * Gives one of lib0's observables (a Y.Doc) an `emit` that allocates nothing for an event nobody
 * listens to. lib0's own copies the listeners into a new Map and array on every call, listeners
 * or not, and a Y.Doc emits six events per transaction (before/after, cleanup, observer calls,
 * all transactions): a quarter of what applying a keystroke cost, and much of the garbage it left
 * (microbench: 3.6 → 2.6 µs per applied keystroke into a ~4,000-character note).
 *
 * It does what lib0's does otherwise: the listeners are copied before any is called (one added
 * meanwhile is not called this time; one removed meanwhile still is), each called with the args.
 */
export function leanEvents<T extends { _observers: Map<string, Set<unknown>> }>(target: T): T {
  Object.defineProperty(target, 'emit', {
    configurable: true,
    writable: true,
    value(this: T, name: string, args: unknown[]): void {
      const listeners = this._observers.get(name);
      if (listeners === undefined || listeners.size === 0) return;
      for (const listener of Array.from(listeners)) (listener as (...a: unknown[]) => void)(...args);
    },
  });
  return target;
}
