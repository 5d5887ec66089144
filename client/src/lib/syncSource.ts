/**
 * The one contract of the client's realtime adapters (notes, goals, captions): a current
 * snapshot, change notifications, and teardown. Shaped for React's useSyncExternalStore:
 * `current` returns the same object until something changed.
 */
export interface SyncSource<V> {
  /** The latest snapshot; a new object only when it changed. */
  readonly current: V;
  /** Calls the listener after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Stops listening to the socket; the source is unusable afterwards. */
  destroy(): void;
}
